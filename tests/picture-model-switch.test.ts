// Choosing another image model is blue/green: the model before keeps answering picture queries while the new one
// describes every picture in its own space; then the new space serves and the old one is deleted. Taking the old
// model back mid-switch, and a restart mid-switch, keep answering too. Both models are the generated colour
// fixtures (scripts/make-clip-fixture.mjs), the second with another bias, so their spaces differ.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLOURS, SECOND_BIAS, colourVector, pictureFixtures } from '../scripts/make-clip-fixture.mjs';
import type { EngineSettings, FileInput, ImageModelStatus } from '../src/engine/api/index.ts';
import { loadClipEmbedder } from '../src/engine/embed/clip-embedder.ts';
import type { ImageModelLoader } from '../src/engine/embed/image-model-holder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const FIRST = 'trove-colour-clip';
const SECOND = 'trove-colour-clip-b';
const settings: Partial<EngineSettings> = {
  modelId: 'glove-50d-static',
  allowRemoteModels: false,
  localModelPath: resolve('public/models') + '/',
  imageSearch: true,
  imageModelId: FIRST,
};
const FOLDER = ['kite.png', 'meadow.png', 'lake.png', 'door.png'];
const pictures = pictureFixtures();

function picture(name: string): FileInput {
  return { jobId: `job-${name}-${Math.random()}`, name, type: 'image/png', data: pictures[name].slice().buffer };
}

/** A loader of the fixture models that holds the second one's load until `release`, and records disposals. */
function gatedLoader() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const disposed: string[] = [];
  const load: ImageModelLoader = async (options) => {
    if (options.modelId === SECOND) await gate;
    const embedder = await loadClipEmbedder({ ...options, device: 'auto' });
    const dispose = embedder.dispose.bind(embedder);
    embedder.dispose = async () => {
      disposed.push(options.modelId);
      await dispose();
    };
    return embedder;
  };
  return { load, release, disposed };
}

async function open(db: string, loader: ImageModelLoader, imageModelId = FIRST) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    loadImageModel: loader,
    libraryName: db,
  });
  await engine.init({ ...settings, imageModelId });
  await engine.loadModel();
  return engine;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The fingerprints of every picture row in the database (read directly, beside the engine). */
async function storedFingerprints(db: string): Promise<string[]> {
  const raw = await openDB(db);
  const rows = (await raw.getAll('pictures')) as Array<{ fingerprint: string }>;
  raw.close();
  return [...new Set(rows.map((row) => row.fingerprint))].sort();
}

/**
 * Cosine, in the space with this bias, of the query "orange" and the yellow picture (its nearest): 0.90 in the
 * first model's space, 0.95 in the second's, so it tells which space answered.
 */
function orangeToYellow(bias?: number[]): number {
  const a = colourVector(COLOURS.orange, bias);
  const b = colourVector(COLOURS.yellow, bias);
  const dot = a.reduce((sum, x, i) => sum + x * b[i], 0);
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

/** The first picture "orange" finds, and its cosine. */
async function orangeSearch(engine: TroveEngine) {
  const [first] = (await engine.search('orange')).pictures ?? [];
  return { first: first?.documentName, cosine: first?.cosine ?? NaN };
}

async function addFolder(db: string, engine: TroveEngine): Promise<void> {
  const done = await engine.ingest(FOLDER.map(picture), () => undefined);
  expect(done.map((d) => d.stage)).toEqual(FOLDER.map(() => 'done'));
  await engine.loadImageModel(); // the first model's space is complete: it becomes the served one
  await until(async () => (await servedSpace(db)) !== undefined, 'the first space to be served');
}

/** The served space as the database holds it. */
async function servedSpace(db: string): Promise<unknown> {
  const raw = await openDB(db);
  const value: unknown = await raw.get('settings', 'picture-space');
  raw.close();
  return value;
}

const status = (engine: TroveEngine): Promise<ImageModelStatus> => engine.imageModelStatus();

describe('switching image models (blue/green)', () => {
  it('the old model answers until the new one has described every picture; then only the new space is kept', async () => {
    const db = 'picture-switch';
    const loader = gatedLoader();
    const engine = await open(db, loader.load);
    await addFolder(db, engine);
    const firstSpace = await storedFingerprints(db);
    expect(firstSpace).toHaveLength(1);

    await engine.updateSettings({ imageModelId: SECOND });
    await until(async () => (await status(engine)).switching?.fromModelId === FIRST, 'the switch to start');
    expect((await status(engine)).switching?.waiting).toBe(FOLDER.length);
    const during = await orangeSearch(engine);
    expect(during.first).toBe('door.png');
    expect(during.cosine).toBeCloseTo(orangeToYellow(), 4);
    expect(loader.disposed).toEqual([]);

    loader.release();
    await until(async () => {
      const now = await status(engine);
      return now.state === 'ready' && now.switching === undefined && now.pictures === FOLDER.length;
    }, 'the switch to complete');
    const fingerprints = await storedFingerprints(db);
    expect(fingerprints).toHaveLength(1);
    expect(fingerprints).not.toEqual(firstSpace);
    const after = await orangeSearch(engine);
    expect(after.first).toBe('door.png');
    expect(after.cosine).toBeCloseTo(orangeToYellow(SECOND_BIAS), 4);
    expect(orangeToYellow()).not.toBeCloseTo(orangeToYellow(SECOND_BIAS), 2); // the two spaces are told apart
    expect(loader.disposed).toEqual([FIRST]);
    await engine.close();
  });

  it('a picture the new model cannot describe again (its original not kept) keeps its old row and thumbnail', async () => {
    const db = 'picture-switch-no-original';
    const loader = gatedLoader();
    const engine = await open(db, loader.load);
    await addFolder(db, engine);
    await engine.updateSettings({ keepOriginals: false });
    const [noOriginal] = await engine.ingest([picture('lake-again.png')], () => undefined);
    expect(noOriginal.stage).toBe('done');
    const [firstSpace] = await storedFingerprints(db);

    loader.release();
    await engine.updateSettings({ imageModelId: SECOND });
    await until(async () => {
      const now = await status(engine);
      return now.modelId === SECOND && now.state === 'ready' && now.switching === undefined;
    }, 'the switch to complete');
    const raw = await openDB(db);
    const rows = (await raw.getAll('pictures')) as Array<{ docId: number; fingerprint: string }>;
    raw.close();
    const kept = rows.filter((row) => row.fingerprint === firstSpace).map((row) => row.docId);
    expect(kept).toEqual([noOriginal.documentId]);
    expect(rows.filter((row) => row.fingerprint !== firstSpace)).toHaveLength(FOLDER.length);
    expect((await engine.getPicture(noOriginal.documentId!))?.thumbnail.bytes.byteLength).toBeGreaterThan(0);
    await engine.close();
  });

  it('choosing the old model again before the switch completes takes it back, with its space intact', async () => {
    const db = 'picture-switch-back';
    const loader = gatedLoader();
    const engine = await open(db, loader.load);
    await addFolder(db, engine);
    const firstSpace = await storedFingerprints(db);
    await engine.updateSettings({ imageModelId: SECOND });
    await until(async () => (await status(engine)).switching !== undefined, 'the switch to start');
    await engine.updateSettings({ imageModelId: FIRST });
    await until(async () => {
      const now = await status(engine);
      return now.modelId === FIRST && now.state === 'ready' && now.switching === undefined;
    }, 'the first model back');
    expect((await orangeSearch(engine)).cosine).toBeCloseTo(orangeToYellow(), 4);
    loader.release();
    expect(await storedFingerprints(db)).toEqual(firstSpace);
    expect(loader.disposed).not.toContain(FIRST);
    await engine.close();
  });

  it('after a restart mid-switch the old model loads again and answers until the new space is complete', async () => {
    const db = 'picture-switch-restart';
    const first = await open(db, gatedLoader().load);
    await addFolder(db, first);
    const firstSpace = await storedFingerprints(db);
    await first.close();

    const loader = gatedLoader();
    const engine = await open(db, loader.load, SECOND);
    void engine.loadImageModel().catch(() => undefined);
    await until(async () => (await status(engine)).switching?.fromModelId === FIRST, 'the old model to answer');
    const during = await orangeSearch(engine);
    expect(during.first).toBe('door.png');
    expect(during.cosine).toBeCloseTo(orangeToYellow(), 4);
    expect(await storedFingerprints(db)).toEqual(firstSpace);

    loader.release();
    await until(async () => (await status(engine)).switching === undefined, 'the switch to complete');
    const fingerprints = await storedFingerprints(db);
    expect(fingerprints).toHaveLength(1);
    expect(fingerprints).not.toEqual(firstSpace);
    await engine.close();
  });
});
