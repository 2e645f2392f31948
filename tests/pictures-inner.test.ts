// Pictures inside documents, through the engine in Node with the colour CLIP fixture: a DOCX's and a PDF's pictures
// are embedded at ingest and found by what they show, with their page; documents added before image search was on
// are looked through from their kept originals when it is turned on; a document without pictures is looked through
// once, not at every start; deleting a document removes its pictures.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { COLOURS, colourPng } from '../scripts/make-clip-fixture.mjs';
import { makeDocx } from '../scripts/make-format-fixtures.mjs';
import type { EngineSettings, FileInput } from '../src/engine/api/index.ts';
import { loadClipEmbedder } from '../src/engine/embed/clip-embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import * as innerPictures from '../src/engine/ingest/pictures/inner-pictures.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { makePdfWithImages } from '../src/engine/testing/pdf-with-images.ts';

// Counts the documents looked through for pictures (the real scan runs).
vi.mock('../src/engine/ingest/pictures/inner-pictures.ts', { spy: true });
const scanned = () => vi.mocked(innerPictures.scanInnerPictures).mock.calls.map((call) => call[1]);

const localModelPath = resolve('public/models') + '/';
const settingsOn: Partial<EngineSettings> = {
  modelId: 'glove-50d-static',
  allowRemoteModels: false,
  localModelPath,
  imageSearch: true,
  imageModelId: 'trove-colour-clip',
};

const colour = (name: keyof typeof COLOURS, width = 96, height = 72) =>
  colourPng({ width, height, rgb: COLOURS[name] });

/** A field report with a red picture, then a blue one; no word in it names a colour. */
const REPORT = makeDocx([
  ['h1', 'Field report'],
  ['p', 'The kite flew over the meadow all afternoon.'],
  ['image', colour('red')],
  ['p', 'The lake was calm by evening.'],
  ['image', colour('blue', 120, 90)],
]);
const PLAIN = makeDocx([['p', 'Minutes of the harbour committee: no pictures at all.']]);
/** Page 2 holds a yellow picture. */
const BROCHURE = makePdfWithImages({ Door: { width: 80, height: 120, rgb: COLOURS.yellow } }, [
  { paints: [], text: ['Welcome to the old town.'] },
  { paints: ['Door'], text: ['The painted door of the bakery.'] },
]);

function file(name: string, type: string, bytes: Uint8Array): FileInput {
  return { jobId: `job-${name}-${Math.random()}`, name, type, data: bytes.slice().buffer as ArrayBuffer };
}
const docx = (name: string, bytes: Uint8Array) =>
  file(name, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes);

async function open(db: string, settings: Partial<EngineSettings> = settingsOn) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    loadImageModel: (options) => loadClipEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
  });
  await engine.init(settings);
  await engine.loadModel();
  return engine;
}

async function add(engine: TroveEngine, files: FileInput[]): Promise<Map<string, number>> {
  const done = await engine.ingest(files, () => undefined);
  expect(done.map((d) => [d.fileName, d.stage, d.error?.message])).toEqual(
    files.map((f) => [f.name, 'done', undefined]),
  );
  return new Map(done.map((d) => [d.fileName, d.documentId!]));
}

const strip = async (engine: TroveEngine, query: string) =>
  ((await engine.search(query)).pictures ?? []).map((p) => ({ name: p.documentName, n: p.n, page: p.page }));

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setImmediate(r));
  }
}

describe('pictures inside documents', () => {
  it('a DOCX and a PDF added with image search on: their pictures are found by what they show, with n and page', async () => {
    const engine = await open('inner-at-ingest');
    const ids = await add(engine, [docx('report.docx', REPORT), file('brochure.pdf', 'application/pdf', BROCHURE)]);
    expect((await strip(engine, 'red'))[0]).toEqual({ name: 'report.docx', n: 1, page: undefined });
    expect((await strip(engine, 'blue'))[0]).toEqual({ name: 'report.docx', n: 2, page: undefined });
    expect((await strip(engine, 'yellow'))[0]).toEqual({ name: 'brochure.pdf', n: 1, page: 2 });

    // The viewer: the picture's thumbnail and size; for the PDF's, the text of its page.
    const blue = await engine.getPicture(ids.get('report.docx')!, 2);
    expect([blue?.n, blue?.width, blue?.height, blue?.thumbnail.type]).toEqual([2, 120, 90, 'image/webp']);
    const door = await engine.getPicture(ids.get('brochure.pdf')!, 1);
    expect(door?.page).toBe(2);
    expect(door?.ocrText).toBe('The painted door of the bakery.');
    const brochure = await engine.getDocument(ids.get('brochure.pdf')!);
    expect(brochure?.text.slice(door!.pageSpan!.start, door!.pageSpan!.end)).toBe(door?.ocrText);
    expect(door!.pageSpan!.start).toBeGreaterThan(0);
    expect(await engine.getPicture(ids.get('report.docx')!, 0)).toBeUndefined();
    expect((await engine.imageModelStatus()).pictures).toBe(3);

    // Deleting the document removes its pictures.
    await engine.deleteDocument(ids.get('report.docx')!);
    expect((await strip(engine, 'red')).map((p) => p.name)).not.toContain('report.docx');
    const raw = await openDB('inner-at-ingest');
    const rows = (await raw.getAll('pictures')) as Array<{ docId: number; n: number }>;
    raw.close();
    expect(rows.map((r) => [r.docId, r.n])).toEqual([[ids.get('brochure.pdf'), 1]]);
    await engine.close();
  });

  it('a .trove export carries the pictures inside documents with n and page; in a locked library they are sealed', async () => {
    const source = await open('inner-export');
    await source.enableEncryption('correct horse battery');
    await add(source, [docx('report.docx', REPORT), file('brochure.pdf', 'application/pdf', BROCHURE)]);
    expect((await strip(source, 'red'))[0]).toEqual({ name: 'report.docx', n: 1, page: undefined });
    const raw = await openDB('inner-export');
    const rows = (await raw.getAll('pictures')) as Array<{
      n: number;
      vector: Float32Array;
      sealedVector?: ArrayBuffer;
    }>;
    raw.close();
    expect(rows.map((r) => r.n).sort()).toEqual([1, 1, 2]);
    for (const row of rows) {
      expect(row.vector).toHaveLength(0);
      expect(row.sealedVector?.byteLength).toBeGreaterThan(16);
    }
    await source.lock();
    await source.unlock('correct horse battery');
    expect((await strip(source, 'yellow'))[0]).toEqual({ name: 'brochure.pdf', n: 1, page: 2 });
    const blob = await source.exportLibrary({ plain: true });
    await source.close();

    const target = await open('inner-import');
    await target.importLibrary(blob, { fileName: 'inner.trove' });
    await target.loadImageModel();
    expect((await strip(target, 'blue'))[0]).toEqual({ name: 'report.docx', n: 2, page: undefined });
    expect((await strip(target, 'yellow'))[0]).toEqual({ name: 'brochure.pdf', n: 1, page: 2 });
    expect((await target.imageModelStatus()).waiting).toBe(0);
    await target.close();
  });

  it('added before image search was on: looked through once from the kept originals; a document without pictures is not looked through again at the next start', async () => {
    const first = await open('inner-backfill', { ...settingsOn, imageSearch: false });
    await add(first, [
      docx('report.docx', REPORT),
      docx('plain.docx', PLAIN),
      file('notes.txt', 'text/plain', new TextEncoder().encode('Notes without pictures.')),
    ]);
    const before = scanned().length;
    await first.updateSettings({ imageSearch: true });
    await first.loadImageModel();
    const status = await waitFor(
      () => first.imageModelStatus(),
      (s) => s.waiting === 0 && s.pictures === 2,
    );
    expect(status.state).toBe('ready');
    expect(scanned().slice(before).sort()).toEqual(['plain.docx', 'report.docx']);
    expect((await strip(first, 'red'))[0]).toEqual({ name: 'report.docx', n: 1, page: undefined });
    await first.close();

    const after = scanned().length;
    const again = await open('inner-backfill');
    await again.loadImageModel();
    expect((await again.imageModelStatus()).waiting).toBe(0);
    expect((await strip(again, 'blue'))[0]).toEqual({ name: 'report.docx', n: 2, page: undefined });
    expect(scanned().slice(after)).toEqual([]);
    await again.close();
  });
});
