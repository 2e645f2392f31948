// A picture's kept original loses the camera's record of place, time and person (EXIF, XMP) unless the user keeps
// it (setting keepPictureMetadata); its pixels and orientation stay, and a picture that cannot be cleaned is not
// kept at all (the document says why) rather than kept as it is.
import 'fake-indexeddb/auto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { EngineSettings, FileInput } from '../src/engine/api/index.ts';
import type { EngineDependencies } from '../src/engine/engine.ts';
import { openFixtureEngine } from '../src/engine/testing/fixture-engine.ts';

const SECRET = 'GPS-48.8584N-Trove-home-address';

async function photo(): Promise<Uint8Array> {
  const image = sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 30, g: 90, b: 200 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { ImageDescription: SECRET }, IFD3: { GPSLatitudeRef: 'N' } });
  return new Uint8Array(await image.toBuffer());
}

function picture(name: string, bytes: Uint8Array): FileInput {
  return { jobId: `job-${name}-${Math.random()}`, name, type: 'image/jpeg', data: bytes.slice().buffer as ArrayBuffer };
}

async function open(db: string, settings: Partial<EngineSettings> = {}) {
  // OCR stand-in: every picture reads as a street sign.
  const parse: EngineDependencies['parse'] = async () => ({
    format: 'image',
    text: 'Harbour Street',
    blocks: [{ start: 0, end: 14, kind: 'paragraph', page: 1 }],
  });
  return (await openFixtureEngine(db, { settings, deps: { parse } })).engine;
}

describe('kept picture originals', () => {
  it('are stored without EXIF text or GPS, with the same pixels and orientation', async () => {
    const engine = await open('picture-originals-clean');
    const source = await photo();
    expect(Buffer.from(source).includes(SECRET)).toBe(true);
    const [done] = await engine.ingest([picture('street.jpg', source)], () => undefined);
    expect(done.stage).toBe('done');
    const original = await engine.getOriginal(done.documentId!);
    const kept = new Uint8Array(original!.bytes);
    expect(Buffer.from(kept).includes(SECRET)).toBe(false);
    expect((await sharp(kept).metadata()).orientation).toBe(6);
    const [a, b] = await Promise.all([sharp(kept).raw().toBuffer(), sharp(source).raw().toBuffer()]);
    expect(Buffer.compare(a, b)).toBe(0);
    await engine.close();
  });

  it('keep the metadata when the user asks for it', async () => {
    const engine = await open('picture-originals-asked', { keepPictureMetadata: true });
    const [done] = await engine.ingest([picture('street.jpg', await photo())], () => undefined);
    const original = await engine.getOriginal(done.documentId!);
    expect(Buffer.from(new Uint8Array(original!.bytes)).includes(SECRET)).toBe(true);
    await engine.close();
  });

  it('a picture whose metadata cannot be removed is indexed but not kept, and its document says why', async () => {
    const engine = await open('picture-originals-unwalkable');
    const source = await photo();
    // A JPEG whose second segment claims more bytes than there are: the file cannot be walked segment by segment.
    const broken = source.slice();
    broken[4] = 0xff;
    broken[5] = 0xff;
    const [done] = await engine.ingest([picture('broken.jpg', broken)], () => undefined);
    expect(done.stage).toBe('done');
    expect(await engine.getOriginal(done.documentId!)).toBeUndefined();
    const doc = (await engine.listDocuments()).find((d) => d.id === done.documentId);
    expect(doc?.warnings?.join(' ')).toMatch(/original picture was not kept/);
    await engine.close();
  });

  it('the setting is validated like the others', async () => {
    const engine = await open('picture-originals-setting');
    expect((await engine.getSettings()).keepPictureMetadata).toBe(false);
    await expect(engine.updateSettings({ keepPictureMetadata: 'yes' as unknown as boolean })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await engine.close();
  });
});
