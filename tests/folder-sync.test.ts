// Live folders on the engine: a folder in memory changes between scans, and each scan must apply exactly what
// changed, counting the file contents read, the files parsed and the passages sent to the model. The engine runs in
// Node on fake-indexeddb with the GloVe fixture model.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { fileParsing } from '../src/engine/ingest/file-parsing.ts';
import type { LibraryChannel } from '../src/engine/library/channel.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { MemoryFolder } from '../src/engine/testing/memory-folder.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };
const SILENT: LibraryChannel = { announce: () => undefined, onAnnouncement: () => undefined, close: () => undefined };

interface Counted {
  engine: TroveEngine;
  /** Passages sent to the model, and files parsed, since the engine opened. */
  counts: { embedded: number; parsed: number };
}

async function open(db: string, onParse?: (fileName: string) => void): Promise<Counted> {
  const counts = { embedded: 0, parsed: 0 };
  const parsing = fileParsing();
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: async (options) => {
      const embedder: Embedder = await loadTransformersEmbedder({ ...options, device: 'auto' });
      const embedPassages = embedder.embedPassages.bind(embedder);
      return Object.assign(embedder, {
        embedPassages: (texts: string[], opts?: { signal?: AbortSignal }) => {
          counts.embedded += texts.length;
          return embedPassages(texts, opts);
        },
      });
    },
    parse: (...args) => {
      counts.parsed++;
      onParse?.(args[1]);
      return parsing.parse(...args);
    },
    libraryName: db,
    channel: SILENT,
  });
  await engine.init(fixtureSettings);
  await engine.loadModel();
  return { engine, counts };
}

const TOPICS = [
  'river water fish boat',
  'mountain snow weather cold',
  'bank money interest loan',
  'kitchen food dinner bread',
  'music song piano concert',
  'garden flower tree summer',
  'school student teacher class',
  'doctor hospital health medicine',
];

/**
 * A long document of distinct paragraphs, several to a passage: an edit that changes one paragraph's length moves
 * every passage boundary after it unless the old passages around the edit are kept.
 */
function longDocument(paragraphs: number, edited?: { at: number; text: string }): string {
  return Array.from({ length: paragraphs }, (_, i) => {
    if (edited?.at === i) return edited.text;
    const topic = TOPICS[i % TOPICS.length];
    return `Paragraph ${i} on the ${topic}. `.repeat(12);
  }).join('\n\n');
}

async function names(engine: TroveEngine): Promise<string[]> {
  return (await engine.listDocuments()).map((d) => (d.folder ? `${d.folder}/${d.name}` : d.name)).sort();
}

describe('live folders', () => {
  it('a first scan adds every file; a scan with no change reads no file and embeds nothing', async () => {
    const { engine, counts } = await open('sync-first');
    const folder = new MemoryFolder()
      .write('a.md', '# Rivers\n\nThe river water runs to the sea.')
      .write('notes/b.txt', 'Snow on the mountain in cold weather.')
      .write('notes/deep/c.md', 'The bank pays interest on money.');
    const first = await engine.syncFolder(folder, { root: 'Docs' });
    expect(first.added.sort()).toEqual(['a.md', 'notes/b.txt', 'notes/deep/c.md']);
    expect(first.failed).toEqual([]);
    expect(await names(engine)).toEqual(['Docs/a.md', 'Docs/notes/b.txt', 'Docs/notes/deep/c.md']);
    const embeddedBefore = counts.embedded;
    const readsBefore = folder.reads.length;
    const again = await engine.syncFolder(folder, { root: 'Docs' });
    expect(again).toMatchObject({ added: [], changed: [], renamed: [], deleted: [], unchanged: 3, filesRead: 0 });
    expect(folder.reads.length).toBe(readsBefore);
    expect(counts.embedded).toBe(embeddedBefore);
  });

  it('editing one paragraph of a long document re-embeds only the passages it touched', async () => {
    const { engine, counts } = await open('sync-one-paragraph');
    const folder = new MemoryFolder().write('long.md', longDocument(60));
    const first = await engine.syncFolder(folder);
    expect(first.added).toEqual(['long.md']);
    const [before] = await engine.listDocuments();
    expect(before.chunkCount).toBeGreaterThan(10);
    const embeddedBefore = counts.embedded;
    folder.write(
      'long.md',
      longDocument(60, { at: 30, text: 'Paragraph 30 now speaks of a violin and an orchestra.' }),
    );
    const summary = await engine.syncFolder(folder);
    expect(summary.changed).toEqual(['long.md']);
    const [after] = await engine.listDocuments();
    const embedded = counts.embedded - embeddedBefore;
    expect(summary.passagesEmbedded).toBe(embedded);
    expect(summary.passagesReused + embedded).toBe(after.chunkCount);
    expect(embedded).toBeGreaterThan(0);
    expect(embedded).toBeLessThanOrEqual(3);
    // The new version replaced the old one: one document, the new words found, the old ones gone.
    expect((await engine.listDocuments()).length).toBe(1);
    const violin = await engine.search('violin orchestra', { mode: 'keyword' });
    expect(violin.results[0]?.documentId).toBe(after.id);
    const stats = await engine.stats();
    expect(stats.vectors).toBe(stats.chunks);
    const semantic = await engine.search('violin orchestra', { mode: 'semantic' });
    expect(semantic.results.length).toBeGreaterThan(0);
  });

  it('a moved or renamed file is re-pathed without parsing or embedding, keeping its tags', async () => {
    const { engine, counts } = await open('sync-rename');
    const folder = new MemoryFolder()
      .write('old/name.md', 'The garden flower tree blooms in summer.')
      .write('other.md', 'Kitchen food dinner and bread.');
    await engine.syncFolder(folder, { root: 'Docs' });
    const [doc] = (await engine.listDocuments()).filter((d) => d.name === 'name.md');
    await engine.setTags([doc.id], ['plants'], 'add');
    const parsedBefore = counts.parsed;
    const embeddedBefore = counts.embedded;
    folder.move('old/name.md', 'new/place/renamed.md');
    const summary = await engine.syncFolder(folder, { root: 'Docs' });
    expect(summary.renamed).toEqual([{ from: 'old/name.md', to: 'new/place/renamed.md' }]);
    expect(summary).toMatchObject({ added: [], deleted: [], changed: [], unchanged: 1, filesRead: 1 });
    expect(counts.parsed).toBe(parsedBefore);
    expect(counts.embedded).toBe(embeddedBefore);
    expect(await names(engine)).toEqual(['Docs/new/place/renamed.md', 'Docs/other.md']);
    const [moved] = (await engine.listDocuments()).filter((d) => d.name === 'renamed.md');
    expect(moved).toMatchObject({ tags: ['plants'], status: 'ready', embedded: true, chunkCount: doc.chunkCount });
    const results = await engine.search('garden flower', { mode: 'hybrid' });
    expect(results.results[0]).toMatchObject({ documentId: moved.id, documentName: 'renamed.md' });
    const stats = await engine.stats();
    expect(stats).toMatchObject({ documents: 2, vectors: stats.chunks });
  });

  it('a deleted file removes its document, or keeps it when asked', async () => {
    const { engine } = await open('sync-delete');
    const folder = new MemoryFolder()
      .write('keep.md', 'Music song piano concert tonight.')
      .write('gone.md', 'School student teacher class today.')
      .write('gone-too.md', 'Doctor hospital health medicine care.');
    await engine.syncFolder(folder);
    folder.remove('gone.md');
    const kept = await engine.syncFolder(folder, { keepDeleted: true });
    expect(kept).toMatchObject({ deleted: [], keptDeleted: ['gone.md'] });
    expect(await names(engine)).toEqual(['gone-too.md', 'gone.md', 'keep.md']);
    folder.remove('gone-too.md');
    const removed = await engine.syncFolder(folder);
    expect(removed.deleted.sort()).toEqual(['gone-too.md', 'gone.md']);
    expect(await names(engine)).toEqual(['keep.md']);
    expect((await engine.search('hospital medicine', { mode: 'keyword' })).results).toEqual([]);
  });

  it('a folder that lists no files (gone, unplugged) keeps every document and says so', async () => {
    const { engine } = await open('sync-empty');
    const folder = new MemoryFolder().write('a.md', 'River water fish boat.');
    await engine.syncFolder(folder);
    folder.remove('a.md');
    await expect(engine.syncFolder(folder)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await names(engine)).toEqual(['a.md']);
  });

  it('a file that cannot be read keeps its document and is reported, never deleted', async () => {
    const { engine } = await open('sync-unreadable');
    const folder = new MemoryFolder().write('a.md', 'River water fish boat.');
    await engine.syncFolder(folder);
    folder.write('a.md', 'River water fish boat, and more now.');
    folder.unreadable.add('a.md');
    const summary = await engine.syncFolder(folder);
    expect(summary.failed.map((f) => f.path)).toEqual(['a.md']);
    expect(summary).toMatchObject({ changed: [], deleted: [] });
    expect(await names(engine)).toEqual(['a.md']);
  });

  it('a changed file replaces its own document even when its new content equals another file', async () => {
    const { engine } = await open('sync-replace-target');
    const folder = new MemoryFolder().write('a.md', 'Bank money interest loan.').write('b.md', 'Snow weather cold.');
    await engine.syncFolder(folder);
    folder.write('b.md', 'Bank money interest loan.');
    const summary = await engine.syncFolder(folder);
    expect(summary.changed).toEqual(['b.md']);
    expect(await names(engine)).toEqual(['a.md', 'b.md']);
  });

  it('a touched file (newer time, same bytes) is read once to hash it and counted unchanged', async () => {
    const { engine, counts } = await open('sync-touch');
    const folder = new MemoryFolder().write('a.md', 'Garden flower tree summer.');
    await engine.syncFolder(folder);
    const parsedBefore = counts.parsed;
    folder.touch('a.md');
    const summary = await engine.syncFolder(folder);
    expect(summary).toMatchObject({ changed: [], unchanged: 1, filesRead: 1 });
    expect(counts.parsed).toBe(parsedBefore);
    // Its new time is recorded: the next scan reads nothing.
    expect(await engine.syncFolder(folder)).toMatchObject({ unchanged: 1, filesRead: 0 });
  });

  it('a file whose new version is still being indexed is left to that, never replaced twice', async () => {
    const { engine } = await open('sync-busy');
    const folder = new MemoryFolder().write('a.md', 'River water fish boat.');
    await engine.syncFolder(folder);
    const [doc] = await engine.listDocuments();
    // As a replacement interrupted by a reload leaves it: a new version recorded as replacing the old one.
    const catalogue = (engine as unknown as { catalogue: { docs: Map<number, Record<string, unknown>> } }).catalogue;
    catalogue.docs.set(9999, { ...catalogue.docs.get(doc.id), id: 9999, status: 'ingesting', replaces: doc.id });
    folder.write('a.md', 'River water fish boat, edited.');
    const summary = await engine.syncFolder(folder);
    expect(summary.changed).toEqual([]);
    expect(summary.skipped.map((s) => s.path)).toEqual(['a.md']);
    expect(folder.reads).toEqual(['a.md']);
  });

  it('listing entries that are not relative file paths are reported and never read', async () => {
    const { engine } = await open('sync-bad-listing');
    const folder = new MemoryFolder().write('ok.md', 'River water fish boat.');
    const hostile = {
      list: async () => [
        ...(await folder.list()),
        { path: '../outside.md', size: 3, lastModified: 1 },
        { path: 'x.md', size: -1, lastModified: 1 },
        { path: 'ok.md', size: 1, lastModified: 1 },
      ],
      read: (path: string) => folder.read(path),
    };
    const summary = await engine.syncFolder(hostile);
    expect(summary.added).toEqual(['ok.md']);
    expect(summary.failed.map((f) => f.path)).toEqual(['../outside.md', 'x.md', 'ok.md']);
    expect(folder.reads).toEqual(['ok.md']);
  });

  it('two scans of the same folder at once: the second is refused, the first completes', async () => {
    const { engine } = await open('sync-concurrent');
    const folder = new MemoryFolder().write('a.md', 'River water fish boat.');
    const first = engine.syncFolder(folder, { root: 'F' });
    await expect(engine.syncFolder(folder, { root: 'F' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await first).added).toEqual(['a.md']);
  });

  it('stopping a scan while files are being added keeps those added whole and stores nothing half-written', async () => {
    const opened: { engine?: TroveEngine } = {};
    let parsed = 0;
    const { engine } = await open('sync-stop', () => {
      // The third file parsed: the first group of files is in the ingest pipeline, some stored, some not.
      if (++parsed === 3) void opened.engine!.stopFolderSync('scan-1');
    });
    opened.engine = engine;
    const folder = new MemoryFolder();
    for (let i = 0; i < 12; i++) folder.write(`f${i}.md`, `${TOPICS[i % TOPICS.length]} note number ${i}.`);
    // A long one, stored in passage batches: cut off mid-way it must not stay half-written either.
    folder.write('long.md', longDocument(200));
    const stopped = await engine.syncFolder(folder, { root: 'F', scanId: 'scan-1' });
    expect(stopped.stopped).toBe(true);
    expect(stopped.failed).toEqual([]);
    const docs = await engine.listDocuments();
    expect(docs.length).toBe(stopped.added.length);
    expect(docs.length).toBeLessThan(13);
    for (const doc of docs) expect(doc.status).toBe('ready');
    expect((await engine.stats()).documents).toBe(docs.length);

    // The next scan adds the rest, once each.
    const rest = await engine.syncFolder(folder, { root: 'F' });
    expect(rest.stopped).toBe(false);
    expect(rest.added.length + stopped.added.length).toBe(13);
    expect((await names(engine)).length).toBe(13);
    expect(new Set(await names(engine)).size).toBe(13);
  });

  it('stopping a scan between a replacement’s start and end leaves the old version answering', async () => {
    const opened: { engine?: TroveEngine } = {};
    let stopOn = '';
    const { engine } = await open('sync-stop-replace', (name) => {
      if (name === stopOn) void opened.engine!.stopFolderSync('scan-2');
    });
    opened.engine = engine;
    const folder = new MemoryFolder().write('long.md', longDocument(200));
    await engine.syncFolder(folder, { root: 'F' });
    const before = await engine.listDocuments();
    folder.write('long.md', longDocument(200, { at: 100, text: 'A violin and an orchestra.' }));
    stopOn = 'long.md';
    const stopped = await engine.syncFolder(folder, { root: 'F', scanId: 'scan-2' });
    expect(stopped).toMatchObject({ stopped: true, changed: [], failed: [] });
    const after = await engine.listDocuments();
    expect(after.map((d) => [d.id, d.status])).toEqual(before.map((d) => [d.id, d.status]));
    expect((await engine.search('violin orchestra', { mode: 'keyword' })).results).toEqual([]);
    // Stopping a scan that is over does nothing.
    await engine.stopFolderSync('scan-2');
    expect((await engine.syncFolder(folder, { root: 'F' })).changed).toEqual(['long.md']);
  });

  it('a scan reports the files it applies in its own progress, never on the page’s job list', async () => {
    const { engine } = await open('sync-progress');
    const jobs: string[] = [];
    await engine.onJobProgress((progress) => jobs.push(progress.jobId));
    const folder = new MemoryFolder();
    for (let i = 0; i < 5; i++) folder.write(`f${i}.md`, `${TOPICS[i]} note ${i}.`);
    const applying: number[] = [];
    const summary = await engine.syncFolder(folder, {
      root: 'F',
      onProgress: (progress) => {
        if (progress.phase === 'applying') applying.push(progress.done);
        expect(progress.total).toBe(progress.phase === 'applying' ? 5 : progress.total);
      },
    });
    expect(summary.added).toHaveLength(5);
    expect(applying).toEqual([0, 1, 2, 3, 4, 5]);
    expect(jobs).toEqual([]);
  });

  it('a file moved and edited at once replaces its document at the new place, keeping its tags and collection', async () => {
    const { engine } = await open('sync-move-edit');
    const collection = (await engine.createCollection('Reports')).id;
    const folder = new MemoryFolder()
      .write('drafts/report.md', longDocument(40))
      .write('drafts/other.md', 'Snow on the mountain.');
    await engine.syncFolder(folder, { root: 'F', collection });
    const [before] = (await engine.listDocuments()).filter((d) => d.name === 'report.md');
    await engine.setTags([before!.id], ['quarterly'], 'add');
    folder
      .move('drafts/report.md', 'final/report.md')
      .write('final/report.md', longDocument(40, { at: 20, text: 'A violin and an orchestra.' }));
    const summary = await engine.syncFolder(folder, { root: 'F', collection });
    expect(summary).toMatchObject({
      added: [],
      deleted: [],
      changed: ['final/report.md'],
      movedAndChanged: [{ from: 'drafts/report.md', to: 'final/report.md' }],
      failed: [],
    });
    expect(summary.passagesReused).toBeGreaterThan(summary.passagesEmbedded);
    const docs = await engine.listDocuments();
    expect(docs).toHaveLength(2);
    const after = docs.find((d) => d.name === 'report.md')!;
    expect(after).toMatchObject({ folder: 'F/final', collection, tags: ['quarterly'] });
    expect((await engine.search('violin orchestra', { mode: 'keyword' })).results[0]?.documentId).toBe(after.id);
  });
});
