// A Node engine on fake IndexedDB with the offline GloVe fixture model, and text files to feed it: the set-up the
// engine tests share. The caller imports 'fake-indexeddb/auto' first.
import { resolve } from 'node:path';
import type { EngineSettings, FileInput } from '../api/index.ts';
import { loadTransformersEmbedder } from '../embed/transformers-embedder.ts';
import type { EngineDependencies } from '../engine-dependencies.ts';
import { TroveEngine } from '../engine.ts';
import { IndexedDbStore } from '../store/indexeddb-store.ts';

export const FIXTURE_SETTINGS: Partial<EngineSettings> = {
  modelId: 'glove-50d-static',
  allowRemoteModels: false,
  localModelPath: resolve('public/models') + '/',
};

/** A text file as the page hands it to the engine, with a job id of its own. */
export function textFile(name: string, text: string): FileInput {
  return {
    jobId: `job-${name}-${Math.random().toString(36).slice(2)}`,
    name,
    type: 'text/plain',
    data: new TextEncoder().encode(text).buffer as ArrayBuffer,
  };
}

/** An engine on database `db`, initialised with the fixture settings (plus `settings`); `deps` adds or replaces parts. */
export async function openFixtureEngine(
  db: string,
  options: { settings?: Partial<EngineSettings>; deps?: Partial<EngineDependencies> } = {},
) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (load) => loadTransformersEmbedder({ ...load, device: 'auto' }),
    libraryName: db,
    ...options.deps,
  });
  const init = await engine.init({ ...FIXTURE_SETTINGS, ...options.settings });
  return { engine, init };
}
