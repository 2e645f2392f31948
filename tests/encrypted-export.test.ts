// The encrypted .trove export: a passphrase-sealed file (privacy/encrypted-file.ts) that an encrypted library
// makes by default, and that an import opens only with its passphrase, writing nothing otherwise.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };
const LIBRARY_PASSPHRASE = 'correct horse battery';
const EXPORT_PASSPHRASE = 'export passphrase 42';

function file(name: string, text: string, extra: Partial<FileInput> = {}): FileInput {
  return {
    jobId: `job-${name}-${Math.random().toString(36).slice(2)}`,
    name,
    type: 'text/plain',
    data: new TextEncoder().encode(text).buffer as ArrayBuffer,
    ...extra,
  };
}

async function open(db: string) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
  });
  await engine.init(fixtureSettings);
  await engine.loadModel();
  return engine;
}

/** An encrypted library with one document in a named collection. */
async function lockedLibrary(db: string) {
  const engine = await open(db);
  await engine.enableEncryption(LIBRARY_PASSPHRASE);
  const collection = await engine.createCollection('Kitchen secrets');
  await engine.ingest(
    [file('guide.txt', 'Lactic acid bacteria make sourdough rise slowly overnight.', { collection: collection.id })],
    () => undefined,
  );
  return engine;
}

const bytesOf = async (blob: Blob) => Buffer.from(await blob.arrayBuffer());
const names = async (engine: TroveEngine) => (await engine.listDocuments()).map((d) => d.name);

describe('encrypted .trove export', () => {
  it('an encrypted library exports encrypted by default: a plain export has to be asked for', async () => {
    const engine = await lockedLibrary('enc-export-default');
    await expect(engine.exportLibrary()).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('anyone with a plain file can read'),
    });
    await expect(engine.exportLibrary({ passphrase: 'short' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const sealed = await bytesOf(await engine.exportLibrary({ passphrase: EXPORT_PASSPHRASE }));
    expect(sealed.subarray(0, 8).toString('latin1')).toBe('TROVE\0EN');
    for (const secret of ['sourdough', 'guide.txt', 'Kitchen secrets']) expect(sealed.includes(secret)).toBe(false);
    const plain = await bytesOf(await engine.exportLibrary({ plain: true }));
    expect(plain.includes('sourdough')).toBe(true);
  });

  it('encrypted export round trip: imported with its passphrase, names, collections and search intact', async () => {
    const source = await lockedLibrary('enc-export-source');
    const blob = await source.exportLibrary({ passphrase: EXPORT_PASSPHRASE });
    expect((await bytesOf(blob)).subarray(0, 8).toString('latin1')).toBe('TROVE\0EN');
    const target = await open('enc-export-target');
    const result = await target.importLibrary(blob, { fileName: 'kitchen.trove', passphrase: EXPORT_PASSPHRASE });
    expect(result.documents).toBe(1);
    expect(await names(target)).toEqual(['guide.txt']);
    expect((await target.listCollections()).map((c) => c.name)).toEqual(['My library', 'Kitchen secrets']);
    expect((await target.search('sourdough', { mode: 'hybrid' })).results[0].documentName).toBe('guide.txt');
  });

  it('a wrong or missing passphrase is refused with a clear error and nothing written', async () => {
    const source = await lockedLibrary('enc-export-wrong-source');
    const blob = await source.exportLibrary({ passphrase: EXPORT_PASSPHRASE });
    const target = await open('enc-export-wrong-target');
    await target.ingest([file('mine.txt', 'My own notes about boats.')], () => undefined);
    await expect(
      target.importLibrary(blob, { fileName: 'kitchen.trove', passphrase: 'not the passphrase' }),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE', message: expect.stringContaining('kitchen.trove') });
    await expect(target.importLibrary(blob, { fileName: 'kitchen.trove' })).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
      message: expect.stringContaining('is encrypted'),
    });
    expect(await names(target)).toEqual(['mine.txt']);
    expect((await target.listCollections()).map((c) => c.name)).toEqual(['My library']);
  });

  it('a tampered encrypted export (header or body) is refused and nothing written', async () => {
    const source = await lockedLibrary('enc-export-tamper-source');
    const bytes = new Uint8Array(await (await source.exportLibrary({ passphrase: EXPORT_PASSPHRASE })).arrayBuffer());
    const target = await open('enc-export-tamper-target');
    const length = new DataView(bytes.buffer).getUint32(8, true);
    const header = new TextDecoder().decode(bytes.subarray(12, 12 + length));
    const tamperedHeader = bytes.slice();
    // Same length, another iteration count: out of bounds, refused before any key is derived.
    tamperedHeader.set(new TextEncoder().encode(header.replace(/"iterations":\d+/, '"iterations":999999999')), 12);
    const tamperedBody = bytes.slice();
    tamperedBody[bytes.length - 20] ^= 1;
    for (const broken of [tamperedHeader, tamperedBody]) {
      await expect(
        target.importLibrary(new Blob([broken]), { fileName: 'kitchen.trove', passphrase: EXPORT_PASSPHRASE }),
      ).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
      expect(await names(target)).toEqual([]);
    }
  });
});
