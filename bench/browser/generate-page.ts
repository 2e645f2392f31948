// The generate benchmark's page: the SmolLM2-135M-shaped decoder on ONNX Runtime Web's WASM backend (by default as
// the app loads it: the WebGPU-capable frontend transformers.js imports, with the build src/worker/ort-files.ts
// picks here; same-origin files, threads as asked), timed by the loop Node runs too.
import asyncifyWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import asyncifyMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { ortFiles } from '../../src/worker/ort-files.ts';
import { timeDecode, type MakeTensor, type OrtSession } from './generate-loop.ts';
import type { GenerateRequest, GenerateTimings } from './generate-protocol.ts';

declare global {
  interface Window {
    generateBench: { run(request: GenerateRequest, modelUrl: string): Promise<GenerateTimings> };
  }
}

const absolute = (url: string) => new URL(url, location.href).href;

async function run(request: GenerateRequest, modelUrl: string): Promise<GenerateTimings> {
  // One build per page load (each run is a fresh browser): the other is never fetched.
  const ort =
    request.ortBuild === 'plain' ? await import('onnxruntime-web/wasm') : await import('onnxruntime-web/webgpu');
  const files =
    request.ortBuild === 'app'
      ? await ortFiles()
      : request.ortBuild === 'plain'
        ? { wasm: absolute(plainWasmUrl), mjs: absolute(plainMjsUrl) }
        : { wasm: absolute(asyncifyWasmUrl), mjs: absolute(asyncifyMjsUrl) };
  ort.env.wasm.numThreads = request.threads; // before the first session: ORT fixes its thread pool then
  ort.env.wasm.wasmPaths = { wasm: files.wasm, mjs: files.mjs };
  const started = performance.now();
  const bytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const loadMs = performance.now() - started;
  const tensor: MakeTensor = (type, data, dims) => new ort.Tensor(type, data, dims);
  try {
    return await timeDecode(
      session as unknown as OrtSession,
      tensor,
      request,
      loadMs,
      globalThis.crossOriginIsolated === true,
    );
  } finally {
    await session.release();
  }
}

window.generateBench = { run };
