// The images benchmark's page: loads the benchmark CLIP model through the production loader on the WASM backend
// (same-origin ORT files, threads as asked) and times the image tower on N pictures.
import { env } from '@huggingface/transformers';
import { loadClipEmbedder } from '../../src/engine/embed/clip-embedder.ts';
import { benchPictures, type ImagesRequest, type ImagesTimings } from './images-protocol.ts';
import { ortFiles } from '../../src/worker/ort-files.ts';

declare global {
  interface Window {
    imagesBench: { run(request: ImagesRequest): Promise<ImagesTimings> };
  }
}

async function run(request: ImagesRequest): Promise<ImagesTimings> {
  const wasm = env.backends.onnx.wasm;
  if (wasm) wasm.numThreads = request.threads; // before the first session: ORT fixes its thread pool then
  let t = performance.now();
  const clip = await loadClipEmbedder({
    spec: request.spec,
    allowRemoteModels: false,
    localModelPath: '/models/',
    device: 'wasm',
    wasmPaths: await ortFiles(), // the ONNX Runtime build the app's workers load here
  });
  const loadMs = performance.now() - t;
  const pictures = benchPictures(request.count, request.side);
  await clip.embedImages(pictures.slice(0, 1)); // warm-up beyond the self-check
  const times: number[] = [];
  for (let r = 0; r < request.repeats; r++) {
    t = performance.now();
    await clip.embedImages(pictures);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  await clip.dispose();
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    // What ONNX Runtime runs on, not what was asked: the plain build the app loads without WebGPU is single-threaded.
    threads: wasm?.numThreads ?? request.threads,
    device: clip.device,
    loadMs,
    medianMs: times[times.length >> 1],
  };
}

window.imagesBench = { run };
