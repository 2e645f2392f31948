// A picture in a .trove DOCU section: written and read back exactly; anything malformed in a file is refused.
import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import type { PictureRecord } from '../store/store.ts';
import { decodeEntry, encodeEntry } from './entry-codec.ts';
import { pictureFromJson, pictureJson, picturesFromJson } from './picture-entry.ts';

const fail = (reason: string) => new TroveError('IMPORT_INVALID', reason);

const picture: PictureRecord = {
  n: 0,
  docId: 7,
  fingerprint: 'image:trove/colour-clip@local|fp32|4',
  dims: 4,
  vector: Float32Array.from([0.6, -0.48, 0.64, 0]),
  thumbnail: { type: 'image/webp', width: 20, height: 10, bytes: new Uint8Array([82, 73, 70, 70, 1, 2, 3]).buffer },
  width: 200,
  height: 100,
};

describe('pictures in .trove files', () => {
  it("round-trips a document's pictures (its own and those inside it) in its section, bit for bit", () => {
    const document = { id: 7, name: 'kite.png', format: 'image', size: 10, addedAt: 1, status: 'ready', chunkCount: 1 };
    const inner: PictureRecord = { ...picture, n: 3, page: 2 };
    const [kind, payload] = encodeEntry({
      kind: 'document',
      document,
      text: null,
      pictures: [picture, inner],
    } as never);
    const entry = decodeEntry(kind, payload, fail);
    expect(entry.kind === 'document' && entry.pictures).toEqual([picture, inner]);
  });

  it('reads the single `picture` of files written before pictures inside documents as picture 0', () => {
    const { n: _n, ...legacy } = pictureJson({ ...picture, n: 0 });
    expect(picturesFromJson({ picture: legacy }, 7, fail)).toEqual([picture]);
    expect(picturesFromJson({}, 7, fail)).toEqual([]);
  });

  it('refuses a picture list that is not a list, repeats a picture, or has a bad n', () => {
    const good = pictureJson(picture);
    expect(() => picturesFromJson({ pictures: good }, 7, fail)).toThrow(/not a list/);
    expect(() => picturesFromJson({ pictures: [good, good] }, 7, fail)).toThrow(/twice/);
    for (const n of [-1, 1.5, 100_000, '1']) {
      expect(() => picturesFromJson({ pictures: [{ ...good, n }] }, 7, fail), String(n)).toThrow(/picture/);
    }
  });

  it('refuses a malformed picture: NaN or unnormalised vector, wrong dims, bad thumbnail type or base64', () => {
    const good = pictureJson(picture);
    const bad: Array<Record<string, unknown>> = [
      { ...good, vector: [NaN, 0, 0, 1] },
      { ...good, vector: [3, 0, 0, 0] },
      { ...good, dims: 5 },
      { ...good, dims: 1, vector: [1] }, // normalised, but not the length its fingerprint names
      { ...good, thumbnail: { ...(good.thumbnail as object), type: 'text/html' } },
      { ...good, thumbnail: { ...(good.thumbnail as object), base64: '%%%' } },
      { ...good, thumbnail: { ...(good.thumbnail as object), width: 5000 } },
      { ...good, page: -1 },
    ];
    for (const value of bad) expect(() => pictureFromJson(value, 7, fail), JSON.stringify(value)).toThrow(/picture/);
    expect(pictureFromJson(good, 7, fail).vector).toEqual(picture.vector);
  });
});
