// A document's pictures (image-model vector and thumbnail each) as they travel in a .trove file: inside its DOCU
// section, under `pictures`, as JSON (vector as numbers, thumbnail as base64; n says which picture of the document).
// Files written before pictures inside documents carry one `picture` (the picture document's own, n = 0): still
// read. Readers that know no pictures ignore the keys, so files stay readable by them; this reader checks every
// field (store/picture-record.ts) before using it.
import type { TroveError } from '../core/errors.ts';
import { MAX_PICTURE_N, checkPicture } from '../store/picture-record.ts';
import type { PictureRecord } from '../store/store.ts';
import { float32Decimal } from './float-text.ts';

/** The JSON a picture is written as (docId is the document's, outside). */
export function pictureJson(picture: PictureRecord): Record<string, unknown> {
  const { n, fingerprint, dims, vector, thumbnail, width, height, page } = picture;
  return {
    n,
    fingerprint,
    dims,
    vector: Array.from(vector, float32Decimal),
    thumbnail: {
      type: thumbnail.type,
      width: thumbnail.width,
      height: thumbnail.height,
      base64: toBase64(new Uint8Array(thumbnail.bytes)),
    },
    width,
    height,
    ...(page !== undefined && { page }),
  };
}

/** Most picture entries one document may carry: every picture it may hold, in a few image models' spaces. */
const MAX_PICTURE_ENTRIES = 4 * (MAX_PICTURE_N + 1);

/** A DOCU section's pictures (`pictures`, or a legacy `picture`), each checked; no two with the same n and model. */
export function picturesFromJson(
  section: Record<string, unknown>,
  docId: number,
  fail: (reason: string) => TroveError,
): PictureRecord[] {
  const raw = section.pictures ?? (section.picture === undefined ? [] : [{ ...(section.picture as object), n: 0 }]);
  if (!Array.isArray(raw)) throw fail(`the pictures of document ${docId} are not a list`);
  if (raw.length > MAX_PICTURE_ENTRIES)
    throw fail(`document ${docId} carries more than ${MAX_PICTURE_ENTRIES} pictures`);
  const seen = new Set<string>();
  return raw.map((value: unknown) => {
    const picture = pictureFromJson(value, docId, fail);
    const key = `${picture.n}|${picture.fingerprint}`;
    if (seen.has(key)) throw fail(`document ${docId} carries picture ${picture.n} twice`);
    seen.add(key);
    return picture;
  });
}

/** A picture read from a file, checked field by field; fails naming the document when anything is wrong. */
export function pictureFromJson(value: unknown, docId: number, fail: (reason: string) => TroveError): PictureRecord {
  const raw = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const thumb =
    typeof raw.thumbnail === 'object' && raw.thumbnail !== null ? (raw.thumbnail as Record<string, unknown>) : {};
  const bytes = typeof thumb.base64 === 'string' ? fromBase64(thumb.base64) : undefined;
  const vector =
    Array.isArray(raw.vector) && raw.vector.every((x) => typeof x === 'number')
      ? Float32Array.from(raw.vector as number[])
      : undefined;
  const picture = checkPicture(
    { ...raw, docId, vector, thumbnail: { type: thumb.type, width: thumb.width, height: thumb.height, bytes } },
    docId,
  );
  if (!picture) throw fail(`the picture of document ${docId} is malformed`);
  let squares = 0;
  for (const x of picture.vector) squares += x * x;
  if (Math.abs(Math.sqrt(squares) - 1) > 1e-3 && squares !== 0) {
    throw fail(`the picture vector of document ${docId} is not normalised`);
  }
  return picture;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}
