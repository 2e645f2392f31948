// The Web Worker: a thin adapter that wires browser pieces (IndexedDB, same-origin ONNX Runtime files, the network
// coming back) into the engine and exposes it to the page with comlink. All logic lives in src/engine/.
import * as Comlink from 'comlink';
import { TroveEngine } from '../engine/engine.ts';
import { IndexedDbStore } from '../engine/store/indexeddb-store.ts';
import { TesseractRecognizer } from '../engine/ingest/ocr/tesseract.ts';
import { registerErrorTransfer } from './error-transfer.ts';
import { ocrAssetUrls } from './ocr-assets.ts';
import { ortFiles } from './ort-files.ts';

registerErrorTransfer();

const engine = new TroveEngine({
  openStore: ({ onStale }) => IndexedDbStore.open('trove', { onStale }),
  // transformers.js (~700 KB) is imported when a model is first loaded, not at worker start: keyword search over a
  // stored library answers before it has been fetched and compiled.
  loadEmbedder: async (options) => {
    const { loadTransformersEmbedder } = await import('../engine/embed/transformers-embedder.ts');
    return loadTransformersEmbedder({
      ...options,
      wasmPaths: await ortFiles(),
    });
  },
  loadReranker: async (options) => {
    const { loadTransformersReranker } = await import('../engine/rerank/transformers-reranker.ts');
    return loadTransformersReranker({
      ...options,
      wasmPaths: await ortFiles(),
    });
  },
  loadImageModel: async (options) => {
    const { loadClipEmbedder } = await import('../engine/embed/clip-embedder.ts');
    return loadClipEmbedder({
      ...options,
      wasmPaths: await ortFiles(),
    });
  },
  wipeStorage: deleteAllDatabases,
  // OCR (images, scanned PDF pages): tesseract.js from same-origin files, started on the first page that needs it.
  parsing: { recognizer: () => new TesseractRecognizer(ocrAssetUrls()) },
  storage: async () => {
    const storage = (self.navigator as Navigator | undefined)?.storage;
    const estimate = await storage?.estimate?.();
    const persisted = await storage?.persisted?.().catch(() => undefined);
    return { usage: estimate?.usage, quota: estimate?.quota, persisted };
  },
  appVersion: import.meta.env.VITE_APP_VERSION as string | undefined,
  // An original's bytes cross to the page transferred, not copied.
  transfer: Comlink.transfer,
});

/** Forget everything: every IndexedDB database of this origin (the engine has closed its own connection first). */
async function deleteAllDatabases(): Promise<string[]> {
  const names = (await indexedDB.databases()).map((info) => info.name).filter((name): name is string => !!name);
  const removed: string[] = [];
  for (const name of names) {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error ?? new Error(`Could not delete the database “${name}”.`));
      // Another tab still holds it open: it is told (versionchange) and closes; deletion completes then.
    });
    removed.push(`IndexedDB database “${name}” (documents, passages, vectors, indexes, settings)`);
  }
  return removed;
}

// A model that failed to download gets another chance when the network comes back, without a click.
self.addEventListener('online', () => {
  void engine.modelStatus().then((status) => {
    if (status.state === 'unavailable') void engine.loadModel();
  });
});

Comlink.expose(engine);
