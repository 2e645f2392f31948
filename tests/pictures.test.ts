// Pictures found by what they show, through the engine in Node: image search off until turned on, picture documents
// embedded by the image tower of the generated colour CLIP fixture, a text query's pictures fused with OCR hits, a
// picture as the query, persistence across reopening, delete, and the library lock.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLOURS, colourPng, pictureFixtures } from '../scripts/make-clip-fixture.mjs';
import type { EngineSettings, FileInput } from '../src/engine/api/index.ts';
import { loadClipEmbedder } from '../src/engine/embed/clip-embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import type { OcrRecognizer } from '../src/engine/ingest/ocr/recognizer.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { encodeGif, flatGif } from '../src/engine/testing/gif.ts';

const localModelPath = resolve('public/models') + '/';
const settingsOn: Partial<EngineSettings> = {
  modelId: 'glove-50d-static',
  allowRemoteModels: false,
  localModelPath,
  imageSearch: true,
  imageModelId: 'trove-colour-clip',
};
const pictures = pictureFixtures();
/** A light-grey notice with dark marks: OCR (the stand-in below) reads a timetable in it. */
const NOTICE = colourPng({
  width: 90,
  height: 60,
  rgb: [235, 235, 235],
  mark: { x: 10, y: 20, width: 70, height: 10, rgb: [20, 20, 20] },
});

/** A GIF poster (light grey): OCR (the stand-in below) reads a lost-cat notice in it. */
const POSTER_GIF = flatGif(40, 60, [230, 230, 230]);

/** OCR stand-in: the notice reads as a ferry timetable, the GIF poster as a lost-cat notice; the photos hold no text. */
const recognizer = (): OcrRecognizer => ({
  recognize: async (image) => ({
    text: Buffer.from(image).equals(Buffer.from(NOTICE))
      ? 'FERRY TIMETABLE\nFIRST BOAT 7.15'
      : Buffer.from(image).equals(Buffer.from(POSTER_GIF))
        ? 'LOST CAT\nGINGER, ANSWERS TO MARMALADE'
        : '',
    confidence: 90,
  }),
  terminate: async () => undefined,
});

function picture(name: string, bytes: Uint8Array = pictures[name]): FileInput {
  return { jobId: `job-${name}-${Math.random()}`, name, type: 'image/png', data: bytes.slice().buffer as ArrayBuffer };
}

function text(name: string, body: string): FileInput {
  const data = new TextEncoder().encode(body).buffer as ArrayBuffer;
  return { jobId: `job-${name}-${Math.random()}`, name, type: 'text/plain', data };
}

async function open(db: string, settings: Partial<EngineSettings> = settingsOn) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    loadImageModel: (options) => loadClipEmbedder({ ...options, device: 'auto' }),
    parsing: { recognizer },
    libraryName: db,
  });
  await engine.init(settings);
  await engine.loadModel();
  return engine;
}

const FOLDER = ['kite.png', 'meadow.png', 'lake.png', 'door.png'];

async function addFolder(engine: TroveEngine) {
  const done = await engine.ingest(
    [
      ...FOLDER.map((n) => picture(n)),
      picture('notice.png', NOTICE),
      text('ferries.txt', 'The ferry timetable changes in winter: the first boat leaves at 7.15.'),
    ],
    () => undefined,
  );
  expect(done.map((d) => [d.fileName, d.stage, d.error?.message])).toEqual(
    [...FOLDER, 'notice.png', 'ferries.txt'].map((n) => [n, 'done', undefined]),
  );
  return new Map(done.map((d) => [d.fileName, d.documentId!]));
}

const names = (list: Array<{ documentName: string }> | undefined) => (list ?? []).map((p) => p.documentName);

describe('pictures through the engine', () => {
  it('is off by default: no image model loads, a photo without text is refused as before, no pictures in results', async () => {
    const engine = await open('pictures-off', { ...settingsOn, imageSearch: undefined });
    expect((await engine.getSettings()).imageSearch).toBe(false);
    expect((await engine.imageModelStatus()).state).toBe('off');
    const [kite] = await engine.ingest([picture('kite.png')], () => undefined);
    expect(kite.stage).toBe('failed');
    expect(kite.error?.code).toBe('EMPTY_DOCUMENT');
    expect((await engine.search('red')).pictures).toBeUndefined();
    await engine.close();
  });

  it('"red" ranks the red picture first; "yellow" the yellow one; a picture found by its OCR text is fused in', async () => {
    const engine = await open('pictures-text-query');
    const ids = await addFolder(engine);
    expect((await engine.imageModelStatus()).state).toBe('ready');
    expect(names((await engine.search('red')).pictures)[0]).toBe('kite.png');
    expect(names((await engine.search('a yellow door')).pictures)[0]).toBe('door.png');
    const ferry = await engine.search('ferry timetable');
    const notice = ferry.pictures?.find((p) => p.documentId === ids.get('notice.png'));
    expect(notice?.ocrRank).toBe(1);
    expect(ferry.results.map((r) => r.documentName)).toContain('ferries.txt');
    await engine.close();
  });

  it('an image query finds its near-duplicate first, and passages mentioning what OCR read in it', async () => {
    const engine = await open('pictures-image-query');
    await addFolder(engine);
    const twin = pictures['lake-again.png'];
    const similar = await engine.searchByImage(twin.slice().buffer as ArrayBuffer, 'lake-again.png');
    expect(names(similar.pictures)[0]).toBe('lake.png');
    expect(similar.pictures[0].cosine).toBeGreaterThan(0.99);
    expect(similar.ocrText).toBe('');

    const byText = await engine.searchByImage(NOTICE.slice().buffer as ArrayBuffer, 'photo-of-notice.png');
    expect(byText.ocrText).toMatch(/FERRY TIMETABLE/);
    expect(byText.passages?.results.map((r) => r.documentName)).toContain('ferries.txt');
    await expect(
      engine.searchByImage(new TextEncoder().encode('not a picture').buffer as ArrayBuffer, 'x.png'),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await engine.close();
  });

  it('the viewer gets a WebP thumbnail of at most 256 px and the OCR text', async () => {
    const engine = await open('pictures-viewer');
    const ids = await addFolder(engine);
    const view = await engine.getPicture(ids.get('notice.png')!);
    expect(view?.thumbnail.type).toBe('image/webp');
    expect(Math.max(view!.thumbnail.width, view!.thumbnail.height)).toBeLessThanOrEqual(256);
    expect(view?.ocrText).toMatch(/FERRY TIMETABLE/);
    expect(await engine.getPicture(ids.get('ferries.txt')!)).toBeUndefined();
    await engine.close();
  });

  it('pictures survive reopening the library, are filtered by collection, and are deleted with their document', async () => {
    const first = await open('pictures-persist');
    const ids = await addFolder(first);
    await first.close();
    const engine = await open('pictures-persist');
    // The first search loads the model (local files only: worth the wait) and already shows the pictures.
    expect(names((await engine.search('red')).pictures)[0]).toBe('kite.png');
    expect((await engine.search('red', { filter: { collections: ['elsewhere'] } })).pictures).toEqual([]);
    await engine.deleteDocument(ids.get('kite.png')!);
    expect(names((await engine.search('red')).pictures)).not.toContain('kite.png');
    const raw = await openDB('pictures-persist');
    const rows = (await raw.getAll('pictures')) as Array<{ docId: number }>;
    raw.close();
    expect(rows.map((r) => r.docId)).not.toContain(ids.get('kite.png'));
    expect(rows).toHaveLength(4);
    await engine.close();
  });

  it('pictures are sealed under the lock: no plain thumbnail or vector on disk, answers again after unlock', async () => {
    const engine = await open('pictures-locked');
    await engine.enableEncryption('correct horse battery');
    await addFolder(engine);
    const raw = await openDB('pictures-locked');
    const rows = (await raw.getAll('pictures')) as Array<{
      vector: Float32Array;
      sealedVector?: ArrayBuffer;
      thumbnail: { bytes: ArrayBuffer };
    }>;
    raw.close();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row.vector).toHaveLength(0);
      expect(row.sealedVector?.byteLength).toBeGreaterThan(16);
      expect(Buffer.from(row.thumbnail.bytes).subarray(0, 4).toString('latin1')).not.toBe('RIFF');
    }
    expect(names((await engine.search('red')).pictures)[0]).toBe('kite.png');
    await engine.lock();
    await expect(engine.search('red')).rejects.toMatchObject({ code: 'LOCKED' });
    await engine.unlock('correct horse battery');
    expect(names((await engine.search('red')).pictures)[0]).toBe('kite.png');
    await engine.close();
  });

  it('the map names the picture documents among its points; locked, neither the map nor a thumbnail is given', async () => {
    const engine = await open('pictures-map');
    await engine.enableEncryption('correct horse battery');
    const ids = await addFolder(engine);
    const map = await engine.projectMap();
    const pictureIds = [...FOLDER, 'notice.png'].map((n) => ids.get(n)!).sort((a, b) => a - b);
    expect([...map.pictureDocumentIds]).toEqual(pictureIds);
    expect([...map.documentIds]).toContain(ids.get('ferries.txt'));
    expect((await engine.getPicture(ids.get('kite.png')!))?.thumbnail.bytes.byteLength).toBeGreaterThan(0);
    await engine.lock();
    await expect(engine.projectMap()).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(engine.getPicture(ids.get('kite.png')!)).rejects.toMatchObject({ code: 'LOCKED' });
    await engine.close();
  });

  it('a .trove export carries pictures (vectors and thumbnails); importing it answers image queries', async () => {
    const source = await open('pictures-export');
    await addFolder(source);
    const blob = await source.exportLibrary({});
    await source.close();
    const target = await open('pictures-import');
    const result = await target.importLibrary(blob, { fileName: 'pictures.trove' });
    expect(result.documents).toBe(6);
    await target.loadImageModel();
    expect(names((await target.search('red')).pictures)[0]).toBe('kite.png');
    const twin = pictures['lake-again.png'];
    const similar = await target.searchByImage(twin.slice().buffer as ArrayBuffer, 'lake-again.png');
    expect(names(similar.pictures)[0]).toBe('lake.png');
    const kite = (await target.listDocuments()).find((d) => d.name === 'kite.png')!;
    expect((await target.getPicture(kite.id))?.thumbnail.type).toBe('image/webp');
    await target.close();
  });

  it('a GIF without text (its first frame) is added and found while image search is on', async () => {
    const { default: sharp } = await import('sharp');
    const red = Buffer.alloc(40 * 30 * 3);
    for (let i = 0; i < red.length; i += 3) red.set([220, 30, 30], i);
    const gif = new Uint8Array(
      await sharp(red, { raw: { width: 40, height: 30, channels: 3 } })
        .gif()
        .toBuffer(),
    );
    const engine = await open('pictures-gif');
    await addFolder(engine);
    const [done] = await engine.ingest([{ ...picture('balloon.gif', gif), type: 'image/gif' }], () => undefined);
    expect([done.stage, done.error?.message]).toEqual(['done', undefined]);
    const red1 = names((await engine.search('red')).pictures)
      .slice(0, 2)
      .sort();
    expect(red1).toEqual(['balloon.gif', 'kite.png']);
    await engine.close();
  });

  it('.gif files from a folder walk (no MIME type) are pictures: OCR reads their text, the image model their first frame', async () => {
    const frame = (rgb: readonly number[]) => ({
      width: 24,
      height: 16,
      rgb: new Uint8Array(24 * 16 * 3).map((_, i) => rgb[i % 3]!),
    });
    // Red first, then blue: only the first frame may decide what it shows.
    const animated = encodeGif([frame(COLOURS.red), frame(COLOURS.blue), frame(COLOURS.blue)]);
    const engine = await open('pictures-gif-walk');
    const done = await engine.ingest(
      [
        { ...picture('poster.gif', POSTER_GIF), type: '' },
        { ...picture('balloons.gif', animated), type: '' },
        picture('lake.png'),
      ],
      () => undefined,
    );
    expect(done.map((d) => [d.fileName, d.stage, d.error?.message])).toEqual(
      ['poster.gif', 'balloons.gif', 'lake.png'].map((n) => [n, 'done', undefined]),
    );
    const poster = (await engine.listDocuments()).find((d) => d.name === 'poster.gif');
    expect(poster?.format).toBe('image');
    const cat = await engine.search('lost cat marmalade');
    expect(cat.results[0]?.documentName).toBe('poster.gif');
    expect(names(cat.pictures)).toContain('poster.gif');
    expect(names((await engine.search('red')).pictures)[0]).toBe('balloons.gif');
    expect(names((await engine.search('blue')).pictures)[0]).toBe('lake.png');
    expect((await engine.imageModelStatus()).pictures).toBe(3);
    await engine.close();
  });
});
