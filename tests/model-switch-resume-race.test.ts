// Regression: "a resumed switch never swaps when the new model loads before the old one is restored". After a
// restart mid-switch, the engine loads two models: the old one (to answer from the old vectors meanwhile) and the new
// one. When the new model was ready first, it re-embedded the rest with no switch in progress, so nothing swapped;
// the old model was restored afterwards and stayed "previous" for good (searches kept coming from the old vectors
// with "0 passages to go", and the old set was never deleted).
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine, type EmbedderLoadOptions } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { inProcessLock } from '../src/engine/library/writer-lock.ts';

const localModelPath = resolve('public/models') + '/';
const OLD = 'glove-50d-static';
const NEW = 'glove-50d-permuted';

const corpus = Array.from({ length: 90 }, (_, i) =>
  i % 3 === 0
    ? `Note ${i}: the bank raised interest rates and investors bought bonds.`
    : i % 3 === 1
      ? `Note ${i}: the team won the football game in the final minutes.`
      : `Note ${i}: the chef cooked dinner with fresh food in the kitchen.`,
).join('\n\n');
const file = (name: string, text: string): FileInput => ({
  jobId: `job-${name}`,
  name,
  type: 'text/plain',
  data: new TextEncoder().encode(text).buffer as ArrayBuffer,
});

interface Control {
  /** Loads of this model wait until released. */
  delayLoad?: { modelId: string; release: Promise<void> };
  /** Passage embedding by this model never returns (the page "closed" mid-switch). */
  freeze?: string;
  embedded: Map<string, number>;
  loaded?: Set<string>;
}

function loader(control: Control) {
  return async (options: EmbedderLoadOptions): Promise<Embedder> => {
    if (control.delayLoad?.modelId === options.modelId) await control.delayLoad.release;
    const embedder = await loadTransformersEmbedder({ ...options, device: 'auto' });
    control.loaded?.add(options.modelId);
    const embedPassages = embedder.embedPassages.bind(embedder);
    embedder.embedPassages = async (texts, opts) => {
      if (control.freeze === embedder.model.id && (control.embedded.get(embedder.model.id) ?? 0) >= 32) {
        await new Promise(() => undefined);
      }
      control.embedded.set(embedder.model.id, (control.embedded.get(embedder.model.id) ?? 0) + texts.length);
      return embedPassages(texts, opts);
    };
    return embedder;
  };
}

async function open(db: string, control: Control, lockName: string, modelId?: string): Promise<TroveEngine> {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: loader(control),
    libraryName: db,
    lock: inProcessLock(lockName),
  });
  await engine.init({ allowRemoteModels: false, localModelPath, ...(modelId ? { modelId } : {}) });
  await engine.loadModel();
  return engine;
}

async function fingerprints(db: string): Promise<string[]> {
  const store = await IndexedDbStore.open(db);
  const found: string[] = [];
  for (const id of [NEW, OLD])
    if ((await store.vectorBatches(`trove/${id}@local|fp32|50|mean`)).length > 0) found.push(id);
  store.close();
  return found;
}

describe('a resumed model switch', () => {
  it('swaps when the new model loads before the old one is restored', async () => {
    const db = 'resume-race';
    const before: Control = { embedded: new Map(), freeze: NEW };
    const first = await open(db, before, db, OLD);
    await first.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
    await first.ingest([file('notes.txt', corpus)], () => undefined);
    const chunks = (await first.stats()).chunks;
    expect(chunks).toBeGreaterThan(64);
    await first.updateSettings({ modelId: NEW });
    // The new model embeds one call's passages (its measured batch size, at most 64 < chunks), then stays frozen.
    await expect.poll(() => before.embedded.get(NEW) ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    const leftToEmbed = chunks - (before.embedded.get(NEW) ?? 0);
    expect(leftToEmbed).toBeGreaterThan(0);
    await expect.poll(async () => (await first.modelStatus()).pendingVectors, { timeout: 20_000 }).toBe(leftToEmbed);

    // Restart: the old model's load is held back until the new one has re-embedded everything.
    let release!: () => void;
    const control: Control = {
      embedded: new Map(),
      loaded: new Set(),
      delayLoad: { modelId: OLD, release: new Promise((go) => (release = go)) },
    };
    const secondOpening = open(db, control, `${db}-after-restart`);
    await expect.poll(() => control.loaded?.has(NEW), { timeout: 20_000 }).toBe(true);
    // Before the fix the new model re-embedded the rest at once, with no switch in progress; give it the time to.
    await Promise.race([
      expect.poll(() => control.embedded.get(NEW) ?? 0, { timeout: 20_000 }).toBe(leftToEmbed),
      new Promise((done) => setTimeout(done, 3_000)),
    ]).catch(() => undefined);
    // The new model waits for the old one: its vectors answer until the re-embed is done.
    expect(control.embedded.get(NEW) ?? 0).toBe(0);
    release();
    const second = await secondOpening;
    await expect
      .poll(
        async () => {
          const status = await second.modelStatus();
          return {
            modelId: status.modelId,
            state: status.state,
            previous: status.previousModelId,
            pending: status.pendingVectors,
          };
        },
        { timeout: 30_000 },
      )
      .toEqual({ modelId: NEW, state: 'ready', previous: undefined, pending: 0 });
    await expect.poll(() => fingerprints(db), { timeout: 20_000 }).toEqual([NEW]);
    const answer = await second.search('economy financial', { mode: 'semantic', k: 3 });
    expect(answer.notice).toBeUndefined();
    expect(answer.results[0].text).toMatch(/bank/);
    expect((await second.stats()).vectors).toBe(chunks);
  });
});
