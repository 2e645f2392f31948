// Loads the benchmark model through the app's own embedder (src/engine/embed/transformers-embedder.ts) on WASM and
// times embedPassages over the texts, after one warm-up batch.
import { loadTransformersEmbedder } from '../../src/engine/embed/transformers-embedder.ts';
import { BENCH_SPEC, type EmbedRunRequest, type EmbedRunResult } from '../embed-spec.ts';
import { ortFiles } from '../../src/worker/ort-files.ts';

self.onmessage = async (event: MessageEvent<EmbedRunRequest>) => {
  const request = event.data;
  try {
    const loadStart = performance.now();
    const embedder = await loadTransformersEmbedder({
      modelId: BENCH_SPEC.id,
      spec: BENCH_SPEC,
      allowRemoteModels: false,
      localModelPath: '/models/', // a path: transformers.js skips its local-file probe for full URLs
      device: 'wasm',
      dtype: request.dtype,
      numThreads: request.numThreads,
      wasmPaths: await ortFiles(), // the ONNX Runtime build the app's workers load here
    });
    const loadMs = performance.now() - loadStart;
    const batchSize = request.batchSize;
    await embedder.embedPassages(request.texts.slice(0, 8), { batchSize }); // warm-up: kernels, allocator
    const start = performance.now();
    let checksum = 0;
    if (request.sorted) {
      const vectors = await embedder.embedPassages(request.texts, { batchSize });
      checksum = vectors[0] + vectors[vectors.length - 1];
    } else {
      const size = batchSize ?? 16;
      for (let i = 0; i < request.texts.length; i += size) {
        const vectors = await embedder.embedPassages(request.texts.slice(i, i + size), { batchSize: size });
        checksum += vectors[0];
      }
    }
    const ms = performance.now() - start;
    const result: EmbedRunResult = {
      label: request.label,
      passages: request.texts.length,
      ms,
      loadMs,
      threads: embedder.threads ?? 1,
      dtype: embedder.dtype,
      isolated: self.crossOriginIsolated,
      checksum,
    };
    await embedder.dispose();
    self.postMessage({ ok: true, result });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
    self.postMessage({ ok: false, error: error instanceof Error ? `${error.message}${cause}` : String(error) });
  }
};
