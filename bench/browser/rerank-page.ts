// The rerank benchmark's page: loads the benchmark cross-encoder through the production loader on the WASM backend
// (same-origin ORT files, threads as asked) and times scoring of N pairs.
import { env } from '@huggingface/transformers';
import { loadTransformersReranker } from '../../src/engine/rerank/transformers-reranker.ts';
import type { RerankRequest, RerankTimings } from './rerank-protocol.ts';
import { ortFiles } from '../../src/worker/ort-files.ts';

declare global {
  interface Window {
    rerankBench: { run(request: RerankRequest): Promise<RerankTimings> };
  }
}

async function run(request: RerankRequest): Promise<RerankTimings> {
  const wasm = env.backends.onnx.wasm;
  if (wasm) wasm.numThreads = request.threads; // before the first session: ORT fixes its thread pool then
  let t = performance.now();
  const reranker = await loadTransformersReranker({
    spec: request.spec,
    allowRemoteModels: false,
    localModelPath: '/models/',
    device: 'wasm',
    wasmPaths: await ortFiles(), // the ONNX Runtime build the app's workers load here
  });
  const loadMs = performance.now() - t;
  await reranker.score(request.query, request.passages.slice(0, 2)); // warm-up beyond the self-check
  const medianMs: number[] = [];
  for (const count of request.counts) {
    const times: number[] = [];
    for (let r = 0; r < request.repeats; r++) {
      t = performance.now();
      await reranker.score(request.query, request.passages.slice(0, count));
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    medianMs.push(times[times.length >> 1]);
  }
  await reranker.dispose();
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    threads: request.threads,
    device: reranker.device,
    loadMs,
    medianMs,
  };
}

window.rerankBench = { run };
