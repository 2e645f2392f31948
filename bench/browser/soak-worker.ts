// The soak benchmark's module worker: the app's engine wired as src/worker/engine.worker.ts wires it (IndexedDbStore,
// transformers.js with same-origin ONNX Runtime files, the model under /models/), without comlink. 'build' ingests
// the generated library and waits until its snapshots are persisted; 'reopen' (after the browser was closed and
// started again) times a fresh engine to its first keyword and hybrid results.
import { evaluationStartedAt, workerCreatedAt } from './soak-clock.ts';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { TroveEngine } from '../../src/engine/engine.ts';
import { loadTransformersEmbedder } from '../../src/engine/embed/transformers-embedder.ts';
import { IndexedDbStore } from '../../src/engine/store/indexeddb-store.ts';
import { PASSAGE_CHUNKING } from '../data/passages.ts';
import { buildLibrary, MODES, timeReopen, topIds, waitPersisted } from '../data/soak-steps.ts';
import type { BuildRequest, BuildResult, ReopenRequest, ReopenResult, SoakReply } from './soak-protocol.ts';

const DB = 'trove-soak';
const MODEL = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath: '/models/' };
const absolute = (url: string) => new URL(url, self.location.href).href;
const now = () => performance.timeOrigin + performance.now();

function createEngine(): TroveEngine {
  return new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(DB, { onStale }),
    loadEmbedder: (options) =>
      loadTransformersEmbedder({ ...options, wasmPaths: { wasm: absolute(ortWasmUrl), mjs: absolute(ortMjsUrl) } }),
    libraryName: DB,
    snapshotDelayMs: 300,
  });
}

async function ids(engine: TroveEngine, queries: string[]) {
  const ids: Record<string, number[][]> = {};
  const modes: Record<string, string[]> = {};
  for (const mode of MODES) ({ ids: ids[mode]!, modes: modes[mode]! } = await topIds(engine, queries, mode));
  return { ids, modes };
}

async function build(req: BuildRequest): Promise<BuildResult> {
  const engine = createEngine();
  await engine.init(MODEL);
  await engine.updateSettings(PASSAGE_CHUNKING);
  const status = await engine.loadModel();
  if (status.state !== 'ready') throw new Error(`model ${status.state}: ${status.error ?? ''}`);
  const { ms } = await buildLibrary(engine, req);
  const persistWaitMs = await waitPersisted(() => IndexedDbStore.open(DB));
  const stats = await engine.stats();
  return {
    buildMs: ms,
    persistWaitMs,
    chunks: stats.chunks,
    indexKind: stats.index?.kind,
    ids: (await ids(engine, req.queries)).ids,
  };
}

async function reopen(req: ReopenRequest): Promise<ReopenResult> {
  const engineStartAt = now();
  const { engine, times } = await timeReopen<TroveEngine>(createEngine, MODEL, req.queries[0] ?? 'bank money');
  const found = await ids(engine, req.queries);
  // A second engine on the same database in this worker: init with IndexedDB, the modules and the model warm.
  const warm = await timeReopen(createEngine, MODEL, req.queries[0] ?? 'bank money');
  return {
    times,
    warm: warm.times,
    workerCreatedAt,
    evaluationStartedAt,
    engineStartAt,
    keywordAt: engineStartAt + times.keywordMs,
    hybridAt: engineStartAt + times.hybridMs,
    ...found,
    crossOriginIsolated: self.crossOriginIsolated,
  };
}

self.onmessage = async (event: MessageEvent<BuildRequest | ReopenRequest>) => {
  let reply: SoakReply;
  try {
    reply = { ok: true, result: event.data.cmd === 'build' ? await build(event.data) : await reopen(event.data) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  self.postMessage(reply);
};
