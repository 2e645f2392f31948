// The library view's engine side: a document's passages in pages (listPassages), and the ingest dashboard's need to
// see jobs the engine resumed before the page subscribed (a reload mid-ingest).
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput, IngestProgress } from '../src/engine/api/index.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine, type EmbedderLoadOptions } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import type { Store } from '../src/engine/store/store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };

function file(name: string, text: string): FileInput {
  return { jobId: `job-${name}`, name, type: 'text/plain', data: new TextEncoder().encode(text).buffer as ArrayBuffer };
}

const topics = [
  'river water fish',
  'mountain snow weather',
  'bank money interest',
  'football team players',
  'kitchen food dinner',
];
const paragraphs = (prefix: string, count: number) =>
  Array.from(
    { length: count },
    (_, i) => `${prefix} note ${i}: the ${topics[i % topics.length]} report number ${i}.`,
  ).join('\n\n');

async function open(db: string, wrap?: (embedder: Embedder) => Embedder) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: async (options: EmbedderLoadOptions) => {
      const embedder = await loadTransformersEmbedder({ ...options, device: 'auto' });
      return wrap ? wrap(embedder) : embedder;
    },
    libraryName: db,
  });
  await engine.init(fixtureSettings);
  await engine.loadModel();
  return engine;
}

describe('listPassages', () => {
  it('pages through a document of thousands of passages in document order, each passage once', async () => {
    const engine = await open('view-pages');
    await engine.updateSettings({ chunkTokens: 32, chunkOverlapTokens: 0 });
    const text = paragraphs('alpha', 3_000);
    const [result] = await engine.ingest([file('long.txt', text)], () => undefined);
    expect(result.stage).toBe('done');
    const [doc] = await engine.listDocuments();
    expect(doc.chunkCount).toBeGreaterThan(1_000);

    const seen: number[] = [];
    let lastStart = -1;
    for (let offset = 0; offset < doc.chunkCount; offset += 500) {
      const page = await engine.listPassages(doc.id, offset, 500);
      expect(page.total).toBe(doc.chunkCount);
      expect(page.offset).toBe(offset);
      page.passages.forEach((p, i) => {
        expect(p.index).toBe(offset + i);
        expect(p.start).toBeGreaterThan(lastStart);
        expect(text.slice(p.start, p.end)).toContain(p.text.slice(0, 20));
        lastStart = p.start;
        seen.push(p.chunkId);
      });
    }
    expect(seen).toHaveLength(doc.chunkCount);
    expect(new Set(seen).size).toBe(doc.chunkCount);
    const last = await engine.listPassages(doc.id, doc.chunkCount - 3, 50);
    expect(last.passages.map((p) => p.index)).toEqual([doc.chunkCount - 3, doc.chunkCount - 2, doc.chunkCount - 1]);
    expect((await engine.listPassages(doc.id, doc.chunkCount + 10, 10)).passages).toEqual([]);
    expect(last.passages[2].text).toContain('note 2999');
  });

  it('refuses a missing document and out-of-range paging with a clear message', async () => {
    const engine = await open('view-errors');
    const [result] = await engine.ingest([file('short.txt', paragraphs('beta', 3))], () => undefined);
    const id = result.documentId!;
    await expect(engine.listPassages(id + 99, 0, 10)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.listPassages(id, -1, 10)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: /offset/,
    });
    await expect(engine.listPassages(id, 0, 0)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: /limit.*500/,
    });
    await expect(engine.listPassages(id, 0, 501)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const page = await engine.listPassages(id, 0, 10);
    expect(page.total).toBe(page.passages.length);
    expect(page.passages[0].text).toContain('beta note 0');
  });

  it('shows the stored passages of a failed document (its text is kept for Retry)', async () => {
    const store = await IndexedDbStore.open('view-failed');
    const text = 'The team won the final. The river rose over the bank.';
    const docId = await store.createDocument(
      { name: 'broken.txt', format: 'text', size: text.length, addedAt: 1 },
      { text, blocks: [{ start: 0, end: text.length, kind: 'paragraph' }] },
    );
    await store.addChunks(docId, [
      { text: 'The team won the final.', start: 0, end: 23, headingPath: [], tokenCount: 5, terms: ['team'] },
    ]);
    await store.updateDocument(docId, { status: 'failed', error: { code: 'INTERNAL', message: 'boom' } });
    store.close();
    const engine = await open('view-failed');
    const page = await engine.listPassages(docId, 0, 10);
    expect(page.total).toBe(1);
    expect(page.passages[0]).toMatchObject({ index: 0, text: 'The team won the final.', start: 0, end: 23 });
  });
});

describe('deleteDocuments', () => {
  it('deletes the selected documents in one task: gone from the list, keyword and semantic search; the others stay', async () => {
    const engine = await open('view-delete-many');
    const names = ['river.txt', 'snow.txt', 'bank.txt', 'team.txt', 'food.txt'];
    await engine.ingest(
      names.map((n, i) => file(n, `${topics[i]} ${paragraphs(n.slice(0, -4), 4)}`)),
      () => undefined,
    );
    const docs = await engine.listDocuments();
    const doomed = docs.filter((d) => ['river.txt', 'bank.txt', 'food.txt'].includes(d.name)).map((d) => d.id);
    await expect(engine.deleteDocuments([...doomed, 9_999])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await engine.listDocuments()).toHaveLength(5); // refused before anything was deleted
    await engine.deleteDocuments(doomed);
    expect((await engine.listDocuments()).map((d) => d.name).sort()).toEqual(['snow.txt', 'team.txt']);
    const stats = await engine.stats();
    expect(stats.vectors).toBe(stats.chunks);
    const keyword = await engine.search('river', { mode: 'keyword', k: 50 });
    expect(keyword.results.filter((r) => doomed.includes(r.documentId))).toEqual([]);
    const semantic = await engine.search('fish water', { mode: 'semantic', k: 50 });
    expect(semantic.results.length).toBeGreaterThan(0);
    expect(semantic.results.filter((r) => doomed.includes(r.documentId))).toEqual([]);
  });
});

describe('jobs the engine resumed before the page subscribed', () => {
  it('a listener that subscribes mid-resume hears the running job at once, with its size, then its end', async () => {
    const db = 'view-resume';
    const text = paragraphs('gamma', 200);
    const seed: Store = await IndexedDbStore.open(db);
    const docId = await seed.createDocument(
      { name: 'half.txt', format: 'text', size: text.length, addedAt: 1 },
      { text, blocks: [{ start: 0, end: text.length, kind: 'paragraph' }] },
    );
    seed.close();
    // The resumed job's embedding waits until the page has subscribed.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let embedding = false;
    const engine = await open(db, (embedder) => {
      const embedPassages = embedder.embedPassages.bind(embedder);
      embedder.embedPassages = async (texts, options) => {
        embedding = true;
        await gate;
        return embedPassages(texts, options);
      };
      return embedder;
    });
    await expect.poll(() => embedding, { timeout: 20_000 }).toBe(true);
    const heard: IngestProgress[] = [];
    await engine.onJobProgress((p) => heard.push(p));
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ documentId: docId, fileName: 'half.txt', resumed: true, size: text.length });
    expect(['queued', 'parsing', 'chunking', 'embedding', 'indexing']).toContain(heard[0].stage);
    release();
    await expect.poll(() => heard.at(-1)?.stage, { timeout: 20_000 }).toBe('done');
    // Finished jobs are not replayed to later subscribers.
    const later: IngestProgress[] = [];
    await engine.onJobProgress((p) => later.push(p));
    expect(later).toEqual([]);
  });
});
