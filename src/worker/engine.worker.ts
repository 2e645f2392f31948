// The Web Worker: a thin adapter that wires browser pieces (IndexedDB, same-origin ONNX Runtime files)
// into the engine and exposes it to the page with comlink. All logic lives in src/engine/.
import * as Comlink from 'comlink';
// Same-origin ONNX Runtime files: without these, transformers.js would fetch them from a CDN.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { TroveEngine } from '../engine/engine.ts';
import { loadTransformersEmbedder } from '../engine/embed/transformers-embedder.ts';
import { IndexedDbStore } from '../engine/store/indexeddb-store.ts';

const engine = new TroveEngine({
  openStore: () => IndexedDbStore.open('trove'),
  loadEmbedder: (options) =>
    loadTransformersEmbedder({ ...options, wasmPaths: { wasm: absolute(ortWasmUrl), mjs: absolute(ortMjsUrl) } }),
});

function absolute(url: string): string {
  return new URL(url, self.location.href).href;
}

Comlink.expose(engine);
