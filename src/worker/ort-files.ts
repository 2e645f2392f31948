// Which ONNX Runtime Web build a worker loads (same-origin files: without them transformers.js would use a CDN).
// The asyncify build is the one that can also run on WebGPU; on the CPU the plain WASM build runs the same models
// about twice as fast on one thread (`npm run bench -- generate`). A worker loads one build for its whole life, so
// the choice is made once, before the first model: the WebGPU-capable build where a WebGPU adapter exists, the
// plain one on one thread everywhere else (most phones, Firefox, Safari before WebGPU, machines without a usable
// GPU). One thread: with its thread pool, the plain build hung the worker when a session was released.
import asyncifyWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import asyncifyMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import type { OrtFiles } from '../engine/models/transformers-runtime.ts';

/** A browser that never answers the adapter request is treated as one without WebGPU. */
const ADAPTER_TIMEOUT_MS = 5_000;

let chosen: Promise<OrtFiles> | undefined;

/** The build this worker loads: decided at the first call, the same answer after. */
export function ortFiles(): Promise<OrtFiles> {
  chosen ??= hasWebGpuAdapter().then((gpu) =>
    gpu
      ? { wasm: absolute(asyncifyWasmUrl), mjs: absolute(asyncifyMjsUrl) }
      : { wasm: absolute(plainWasmUrl), mjs: absolute(plainMjsUrl), singleThreaded: true },
  );
  return chosen;
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (self.navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return false;
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), ADAPTER_TIMEOUT_MS));
  const adapter = await Promise.race([gpu.requestAdapter().catch(() => null), timeout]);
  return adapter !== null && adapter !== undefined;
}

function absolute(url: string): string {
  return new URL(url, self.location.href).href;
}
