// A picture (image-model vector and thumbnail) as it travels in a .trove file: inside its document's DOCU section,
// under `picture`, as JSON (vector as numbers, thumbnail as base64). Readers that know no pictures ignore the key,
// so files stay readable by them; this reader checks every field (store/picture-record.ts) before using it.
import type { TroveError } from '../core/errors.ts';
import { checkPicture } from '../store/picture-record.ts';
import type { PictureRecord } from '../store/store.ts';
import { float32Decimal } from './float-text.ts';

/** The JSON a picture is written as (docId is the document's, outside). */
export function pictureJson(picture: PictureRecord): Record<string, unknown> {
  const { fingerprint, dims, vector, thumbnail, width, height, page } = picture;
  return {
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
