// The engine end to end in Node: real parsers, chunker, BM25, the GloVe fixture model through transformers.js,
// and the real IndexedDB store code on fake-indexeddb.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput, IngestProgress, ModelStatus } from '../src/engine/api/index.ts';
import { TroveEngine, type EmbedderLoadOptions } from '../src/engine/engine.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };

const notes = `# Cooking

The chef made dinner in the kitchen with fresh food and a glass of red wine.

# Finance

The bank raised interest rates, and investors moved their money into cash and government bonds.
`;
const sport = 'The team won the football game after the players scored twice in the final minutes.';

function file(name: string, text: string, type = 'text/plain'): FileInput {
  return { jobId: `job-${name}`, name, type, data: new TextEncoder().encode(text).buffer as ArrayBuffer };
}

/** Counts passage embeddings, so tests can tell whether a reload re-embedded anything. */
function countingLoader(counter: { passages: number }, fail = false) {
  return async (options: EmbedderLoadOptions): Promise<Embedder> => {
    if (fail) throw new Error('network is off');
    const embedder = await loadTransformersEmbedder({ ...options, device: 'auto' });
    const embedPassages = embedder.embedPassages.bind(embedder);
    embedder.embedPassages = async (texts, opts) => {
      counter.passages += texts.length;
      return embedPassages(texts, opts);
    };
    return embedder;
  };
}

async function engineOn(dbName: string, counter = { passages: 0 }, failModel = false) {
  const engine = new TroveEngine({
    openStore: () => IndexedDbStore.open(dbName),
    loadEmbedder: countingLoader(counter, failModel),
  });
  await engine.init(fixtureSettings);
  const status = await engine.loadModel();
  return { engine, status, counter };
}

async function ingestAll(engine: TroveEngine, files: FileInput[]) {
  const seen: IngestProgress[] = [];
  const final = await engine.ingest(files, (p) => seen.push(p));
  return { final, seen };
}

describe('TroveEngine', () => {
  it('ingests, searches in every mode, survives a reopen without re-embedding, and deletes', async () => {
    const { engine, status, counter } = await engineOn('engine-1');
    expect(status.state).toBe('ready');
    expect(status.dims).toBe(50);

    const { final, seen } = await ingestAll(engine, [
      file('notes.md', notes, 'text/markdown'),
      file('sport.txt', sport),
    ]);
    expect(final.map((p) => p.stage)).toEqual(['done', 'done']);
    expect(seen.some((p) => p.stage === 'parsing')).toBe(true);
    expect(seen.some((p) => p.stage === 'embedding')).toBe(true);
    const embeddedOnce = counter.passages;
    expect(embeddedOnce).toBeGreaterThanOrEqual(3);

    const keyword = await engine.search('kitchen', { mode: 'keyword' });
    expect(keyword.mode).toBe('keyword');
    expect(keyword.results[0].documentName).toBe('notes.md');
    expect(keyword.results[0].headingPath).toEqual(['Cooking']);
    const [from, to] = keyword.results[0].highlights[0];
    expect(keyword.results[0].text.slice(from, to).toLowerCase()).toBe('kitchen');
    expect(keyword.results[0].scores.bm25).toBeGreaterThan(0);

    // No query word occurs in the finance passage: only meaning can find it.
    const semantic = await engine.search('economy financial', { mode: 'semantic' });
    expect(semantic.mode).toBe('semantic');
    expect(semantic.results[0].headingPath).toEqual(['Finance']);
    expect(semantic.results[0].scores.cosine).toBeGreaterThan(0.5);

    const hybrid = await engine.search('soccer players');
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid.results[0].documentName).toBe('sport.txt');
    expect(hybrid.results[0].scores.bm25Rank).toBe(1);
    expect(hybrid.results[0].scores.vectorRank).toBe(1);

    const docs = await engine.listDocuments();
    expect(docs.map((d) => d.name).sort()).toEqual(['notes.md', 'sport.txt']);
    expect(docs.every((d) => d.status === 'ready' && d.embedded && d.chunkCount > 0)).toBe(true);

    // Reopen: everything is back, searchable, and nothing is embedded again.
    const again = await engineOn('engine-1');
    expect(again.counter.passages).toBe(0);
    const afterReload = await again.engine.search('economy financial', { mode: 'semantic' });
    expect(afterReload.results[0].headingPath).toEqual(['Finance']);
    expect((await again.engine.stats()).vectors).toBe((await engine.stats()).vectors);

    const notesDoc = (await again.engine.listDocuments()).find((d) => d.name === 'notes.md')!;
    await again.engine.deleteDocument(notesDoc.id);
    const gone = await again.engine.search('kitchen bank money', { mode: 'hybrid' });
    expect(gone.results.every((r) => r.documentName !== 'notes.md')).toBe(true);
    const third = await engineOn('engine-1');
    expect((await third.engine.listDocuments()).map((d) => d.name)).toEqual(['sport.txt']);
    expect((await third.engine.search('kitchen', { mode: 'keyword' })).results).toEqual([]);
  });

  it('keeps keyword search working without a model and adds vectors once the model loads', async () => {
    const offline = await engineOn('engine-2', { passages: 0 }, true);
    expect(offline.status.state).toBe('unavailable');
    expect(offline.status.error).toMatch(/network is off/);
    const { final } = await ingestAll(offline.engine, [file('notes.md', notes, 'text/markdown')]);
    expect(final[0].stage).toBe('done');
    expect(final[0].note).toMatch(/vectors will be added/);
    const fallback = await offline.engine.search('kitchen', { mode: 'hybrid' });
    expect(fallback.mode).toBe('keyword');
    expect(fallback.notice).toMatch(/not available/);
    expect(fallback.results[0].headingPath).toEqual(['Cooking']);

    // The model becomes available: the stored chunks get vectors, no file is ingested again.
    const online = await engineOn('engine-2');
    const statuses: ModelStatus[] = [];
    await online.engine.onModelStatus((s) => statuses.push(s));
    await expect.poll(async () => (await online.engine.modelStatus()).pendingVectors, { timeout: 20_000 }).toBe(0);
    expect(online.counter.passages).toBeGreaterThan(0);
    const semantic = await online.engine.search('economy financial', { mode: 'semantic' });
    expect(semantic.results[0].headingPath).toEqual(['Finance']);
    expect((await online.engine.listDocuments())[0].embedded).toBe(true);
  });

  it('rejects a bad file with a message and still ingests the others', async () => {
    const { engine } = await engineOn('engine-3');
    const corrupt = { ...file('broken.pdf', '%PDF-1.4 this is not really a pdf'), type: 'application/pdf' };
    const binary = {
      jobId: 'bin',
      name: 'data.txt',
      type: 'text/plain',
      data: new Uint8Array([0, 1, 2, 0, 255, 0, 3, 0]).buffer,
    };
    const { final } = await ingestAll(engine, [corrupt, binary, file('sport.txt', sport)]);
    expect(final.map((p) => p.stage)).toEqual(['failed', 'failed', 'done']);
    expect(final[0].error?.code).toBe('PARSE_FAILED');
    expect(final[1].error?.code).toBe('BINARY_FILE');
    expect((await engine.listDocuments()).map((d) => d.name)).toEqual(['sport.txt']);
  });

  it('cancels an ingest and keeps nothing of it', async () => {
    const { engine } = await engineOn('engine-4');
    const long = Array.from(
      { length: 4000 },
      (_, i) => `Paragraph ${i} about the river and the mountain weather.`,
    ).join('\n\n');
    const job = file('long.txt', long);
    const run = engine.ingest([job], (p) => {
      if (p.stage === 'embedding' && (p.chunksDone ?? 0) > 0) void engine.cancel(job.jobId);
    });
    const [result] = await run;
    expect(result.stage).toBe('cancelled');
    expect(await engine.listDocuments()).toEqual([]);
    expect((await engine.search('river', { mode: 'keyword' })).results).toEqual([]);
    expect((await engine.stats()).chunks).toBe(0);
  });

  it('resumes a document whose ingest was interrupted (tab closed) from its stored text', async () => {
    const store = await IndexedDbStore.open('engine-5');
    const docId = await store.createDocument(
      { name: 'half.txt', format: 'text', size: sport.length, addedAt: 1 },
      { text: sport, blocks: [{ start: 0, end: sport.length, kind: 'paragraph' }] },
    );
    // A first batch made it to disk before the tab closed; the document is still 'ingesting'.
    await store.addChunks(docId, [
      { text: 'The team won', start: 0, end: 12, headingPath: [], tokenCount: 3, terms: ['team', 'won'] },
    ]);
    store.close();
    const { engine } = await engineOn('engine-5');
    await expect.poll(async () => (await engine.listDocuments())[0]?.status, { timeout: 20_000 }).toBe('ready');
    const [doc] = await engine.listDocuments();
    expect(doc.embedded).toBe(true);
    const hits = await engine.search('football', { mode: 'keyword' });
    expect(hits.results).toHaveLength(1);
    expect(hits.results[0].text).toBe(sport);
  });

  it('switches from the flat index to HNSW past the threshold and reloads it from its pages without rebuilding', async () => {
    const { engine } = await engineOn('engine-6');
    await engine.updateSettings({ hnswThreshold: 20, chunkTokens: 16, chunkOverlapTokens: 0 });
    const paragraphs = Array.from({ length: 60 }, (_, i) =>
      i % 2
        ? `Report ${i}: the bank raised interest rates and investors bought bonds.`
        : `Match ${i}: the team won the football game.`,
    );
    await ingestAll(engine, [file('many.txt', paragraphs.join('\n\n'))]);
    const before = await engine.stats();
    expect(before.vectors).toBeGreaterThanOrEqual(20);
    expect(before.index?.kind).toBe('hnsw');
    const query = await engine.search('economy financial', { mode: 'semantic', k: 5 });
    expect(query.results[0].text).toMatch(/bank/);

    const again = await engineOn('engine-6');
    const after = await again.engine.stats();
    expect(after.index).toMatchObject({ kind: 'hnsw', loadedFromPages: true });
    expect(after.vectors).toBe(before.vectors);
    const reloaded = await again.engine.search('economy financial', { mode: 'semantic', k: 5 });
    expect(reloaded.results.map((r) => r.chunkId)).toEqual(query.results.map((r) => r.chunkId));

    // Deleting the document empties the persisted index too.
    const [doc] = await again.engine.listDocuments();
    await again.engine.deleteDocument(doc.id);
    const third = await engineOn('engine-6');
    expect((await third.engine.stats()).vectors).toBe(0);
    expect((await third.engine.stats()).index?.loadedFromPages).toBe(true);
  });

  it('reloads a flat index from its pages, and rebuilds when the pages missed a change', async () => {
    const { engine } = await engineOn('engine-7');
    await ingestAll(engine, [file('sport.txt', sport), file('notes.md', notes, 'text/markdown')]);
    expect((await engine.stats()).index?.kind).toBe('flat');
    const reopened = await engineOn('engine-7');
    expect((await reopened.engine.stats()).index).toMatchObject({ kind: 'flat', loadedFromPages: true });

    // Simulate a tab closed between a vector write and its index-page write: the version moves on alone.
    const store = await IndexedDbStore.open('engine-7');
    const [doc] = (await store.listDocuments()).filter((d) => d.name === 'sport.txt');
    await store.deleteDocument(doc.id);
    store.close();
    const rebuilt = await engineOn('engine-7');
    const stats = await rebuilt.engine.stats();
    expect(stats.index?.loadedFromPages).toBe(false);
    expect(stats.vectors).toBe(stats.chunks);
    const hits = await rebuilt.engine.search('football players', { mode: 'semantic' });
    expect(hits.results.every((r) => r.documentName === 'notes.md')).toBe(true);
  });

  it('rebuilds the index with int8 or binary quantization from the stored vectors when the setting changes', async () => {
    const { engine, counter } = await engineOn('engine-8');
    await ingestAll(engine, [file('sport.txt', sport), file('notes.md', notes, 'text/markdown')]);
    const embedded = counter.passages;
    const exact = await engine.search('economy financial', { mode: 'semantic' });
    for (const quantization of ['int8', 'binary'] as const) {
      await engine.updateSettings({ quantization });
      await expect.poll(async () => (await engine.stats()).index?.quantization).toBe(quantization);
      const quantized = await engine.search('economy financial', { mode: 'semantic' });
      expect(quantized.results[0].chunkId).toBe(exact.results[0].chunkId);
      expect(quantized.results[0].scores.cosine).toBeCloseTo(exact.results[0].scores.cosine!, 5);
    }
    expect(counter.passages).toBe(embedded);
  });
});
