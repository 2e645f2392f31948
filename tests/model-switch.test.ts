// Changing models without losing anything: the library is re-embedded in the background while the old vectors
// keep answering, then the sets swap at once; an interrupted re-embed resumes; vectors never mix.
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
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };

function file(name: string, text: string): FileInput {
  return { jobId: `job-${name}`, name, type: 'text/plain', data: new TextEncoder().encode(text).buffer as ArrayBuffer };
}
const corpus = Array.from({ length: 120 }, (_, i) =>
  i % 3 === 0
    ? `Note ${i}: the bank raised interest rates and investors bought bonds.`
    : i % 3 === 1
      ? `Note ${i}: the team won the football game in the final minutes.`
      : `Note ${i}: the chef cooked dinner with fresh food in the kitchen.`,
).join('\n\n');

interface Gate {
  /** Passages embedded per model. */
  embedded: Map<string, number>;
  /** While set, passage embedding by this model waits for release() (once it has embedded holdAfter passages). */
  holdModel?: string;
  holdAfter?: number;
  waiting: Array<() => void>;
  release(): void;
}

function gate(): Gate {
  const g: Gate = {
    embedded: new Map(),
    waiting: [],
    release() {
      g.holdModel = undefined;
      for (const go of g.waiting.splice(0)) go();
    },
  };
  return g;
}

function loader(g: Gate) {
  return async (options: EmbedderLoadOptions): Promise<Embedder> => {
    const embedder = await loadTransformersEmbedder({ ...options, device: 'auto' });
    // Batches of 32 whatever the speed probe measured here, so the held-back batches below are known.
    embedder.preferredBatchSize = 32;
    const embedPassages = embedder.embedPassages.bind(embedder);
    embedder.embedPassages = async (texts, opts) => {
      if (g.holdModel === embedder.model.id && (g.embedded.get(embedder.model.id) ?? 0) >= (g.holdAfter ?? 0)) {
        await new Promise<void>((go) => g.waiting.push(go));
      }
      g.embedded.set(embedder.model.id, (g.embedded.get(embedder.model.id) ?? 0) + texts.length);
      return embedPassages(texts, opts);
    };
    return embedder;
  };
}

/** Opens the library; `modelId` overrides the stored choice (omit it to reopen with what the library has). */
async function open(db: string, g: Gate, lockName = db, modelId: string | null = 'glove-50d-static') {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: loader(g),
    libraryName: db,
    lock: inProcessLock(lockName),
  });
  await engine.init(modelId ? { ...fixtureSettings, modelId } : { allowRemoteModels: false, localModelPath });
  await engine.loadModel();
  return engine;
}

async function storedFingerprints(db: string): Promise<string[]> {
  const store = await IndexedDbStore.open(db);
  const all = new Set<string>();
  for (const fingerprint of ['trove/glove-50d-static', 'trove/glove-50d-permuted']) {
    const prefix = (await store.vectorBatches(`${fingerprint}@local|fp32|50|mean`)).length > 0;
    if (prefix) all.add(fingerprint);
  }
  store.close();
  return [...all].sort();
}

describe('switching the embedding model', () => {
  it('re-embeds in the background while the old vectors answer, then swaps and drops the old set', async () => {
    const db = 'switch-1';
    const g = gate();
    const engine = await open(db, g);
    await engine.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
    await engine.ingest([file('notes.txt', corpus)], () => undefined);
    const chunks = (await engine.stats()).chunks;
    const before = await engine.search('economy financial', { mode: 'semantic', k: 5 });
    expect(before.results[0].text).toMatch(/bank/);

    g.holdModel = 'glove-50d-permuted';
    await engine.updateSettings({ modelId: 'glove-50d-permuted' });
    await expect
      .poll(async () => (await engine.modelStatus()).previousModelId, { timeout: 20_000 })
      .toBe('glove-50d-static');
    expect((await engine.modelStatus()).modelId).toBe('glove-50d-permuted');
    await expect.poll(async () => (await engine.modelStatus()).pendingVectors, { timeout: 20_000 }).toBe(chunks);
    // Mid-switch: semantic search still answers, from the old model's vectors, and says so.
    const during = await engine.search('economy financial', { mode: 'semantic', k: 5 });
    expect(during.mode).toBe('semantic');
    expect(during.notice).toMatch(/Re-embedding.*glove-50d-static/);
    expect(during.results.map((r) => r.chunkId)).toEqual(before.results.map((r) => r.chunkId));

    g.release();
    await expect.poll(async () => (await engine.modelStatus()).previousModelId, { timeout: 30_000 }).toBeUndefined();
    expect((await engine.modelStatus()).pendingVectors).toBe(0);
    expect(g.embedded.get('glove-50d-permuted')).toBe(chunks);
    const after = await engine.search('economy financial', { mode: 'semantic', k: 5 });
    expect(after.notice).toBeUndefined();
    expect(after.results[0].text).toMatch(/bank/);
    // Same geometry, another space: same ranking, and only the new model's vectors remain stored.
    expect(after.results.map((r) => r.chunkId)).toEqual(before.results.map((r) => r.chunkId));
    expect(await storedFingerprints(db)).toEqual(['trove/glove-50d-permuted']);
    // A reopen serves the new vectors without embedding anything.
    const g2 = gate();
    const reopened = await open(db, g2, db, null);
    await expect.poll(async () => (await reopened.stats()).vectors).toBe(chunks);
    expect((await reopened.search('economy financial', { mode: 'semantic', k: 5 })).results[0].text).toMatch(/bank/);
    expect([...g2.embedded]).toEqual([]);
  });

  it('an interrupted re-embed resumes after a restart, with the old vectors answering meanwhile', async () => {
    const db = 'switch-2';
    const g = gate();
    const first = await open(db, g);
    await first.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
    await first.ingest([file('notes.txt', corpus)], () => undefined);
    const chunks = (await first.stats()).chunks;
    // The switch starts; after the first two batches the page closes (its embedding never returns).
    g.holdModel = 'glove-50d-permuted';
    g.holdAfter = 64;
    await first.updateSettings({ modelId: 'glove-50d-permuted' });
    await expect.poll(() => g.waiting.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(g.embedded.get('glove-50d-permuted')).toBe(64);
    expect((await first.modelStatus()).pendingVectors).toBe(chunks - 64);

    const g2 = gate();
    g2.holdModel = 'glove-50d-permuted';
    const second = await open(db, g2, `${db}-after-restart`, null); // the closed page's lock is gone
    await expect
      .poll(async () => (await second.modelStatus()).previousModelId, { timeout: 20_000 })
      .toBe('glove-50d-static');
    const during = await second.search('economy financial', { mode: 'semantic', k: 5 });
    expect(during.notice).toMatch(/Re-embedding/);
    expect(during.results[0].text).toMatch(/bank/);
    g2.release();
    await expect.poll(async () => (await second.modelStatus()).previousModelId, { timeout: 30_000 }).toBeUndefined();
    // Only what the first page had not stored was embedded again.
    expect(g2.embedded.get('glove-50d-permuted')).toBe(chunks - 64);
    expect((await second.stats()).vectors).toBe(chunks);
    g.release();
  });

  it('a settings save is written while a re-embed batch is still being embedded: it never waits for the work queue', async () => {
    // The re-embed runs in the work queue under the writer lock and embeds a batch before it writes it; a settings
    // save is one short transaction of its own, so at most it waits for a vector write in flight, never for a
    // batch's embedding, the rest of the re-embed, or the writer lock (the model-switch e2e spec relies on this).
    const db = 'switch-save-during-reembed';
    const g = gate();
    const engine = await open(db, g);
    await engine.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
    await engine.ingest([file('notes.txt', corpus)], () => undefined);
    g.holdModel = 'glove-50d-permuted';
    g.holdAfter = 32;
    await engine.updateSettings({ modelId: 'glove-50d-permuted' });
    // The second batch is being embedded: the re-embed task holds the queue and the writer lock.
    await expect.poll(() => g.waiting.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const rrfK = (await engine.getSettings()).rrfK + 5;
    expect((await engine.updateSettings({ rrfK })).rrfK).toBe(rrfK);
    // Saved, with the batch still waiting for its embedding, and stored for the next start.
    expect(g.waiting.length).toBeGreaterThan(0);
    expect(g.embedded.get('glove-50d-permuted')).toBe(32);
    const store = await IndexedDbStore.open(db);
    expect(await store.getSetting<{ rrfK?: number }>('engine-settings')).toMatchObject({
      rrfK,
      modelId: 'glove-50d-permuted',
    });
    store.close();
    g.release();
    await expect.poll(async () => (await engine.modelStatus()).previousModelId, { timeout: 30_000 }).toBeUndefined();
    expect((await engine.getSettings()).rrfK).toBe(rrfK);
  });

  it('keeps the previous vectors when asked, so switching back is instant', async () => {
    const db = 'switch-3';
    const g = gate();
    const engine = await open(db, g);
    await engine.updateSettings({ keepPreviousVectors: true });
    await engine.ingest([file('notes.txt', corpus)], () => undefined);
    await engine.updateSettings({ modelId: 'glove-50d-permuted' });
    const settled = async (modelId: string) => {
      const status = await engine.modelStatus();
      return (
        status.modelId === modelId && status.state === 'ready' && !status.previousModelId && status.pendingVectors === 0
      );
    };
    await expect.poll(() => settled('glove-50d-permuted'), { timeout: 30_000 }).toBe(true);
    expect(await storedFingerprints(db)).toEqual(['trove/glove-50d-permuted', 'trove/glove-50d-static']);
    const embeddedBefore = g.embedded.get('glove-50d-static') ?? 0;
    await engine.updateSettings({ modelId: 'glove-50d-static' });
    await expect.poll(() => settled('glove-50d-static'), { timeout: 30_000 }).toBe(true);
    expect(g.embedded.get('glove-50d-static') ?? 0).toBe(embeddedBefore);
    expect((await engine.search('economy financial', { mode: 'semantic' })).results[0].text).toMatch(/bank/);
  });
});
