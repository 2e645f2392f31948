// Field-by-field validation of a picture record read back from the store or a .trove file: every field checked for
// type and range, unknown keys dropped, a fresh object returned; undefined when it cannot be used at all.
import { isRecordObject, isWhole, MAX_ID } from './record-schema.ts';
import type { PictureRecord } from './store.ts';

/** Longest image vector accepted (the largest CLIP-family towers give 1,152). */
const MAX_PICTURE_DIMS = 4096;
const MAX_THUMBNAIL_SIDE = 256;
/** A 256 × 256 thumbnail is a few KB; anything near this is not one of ours. */
const MAX_THUMBNAIL_BYTES = 1024 * 1024;
const MAX_SIDE = 1_000_000;
/** Most pictures kept from inside one document (the extractor keeps fewer). */
export const MAX_PICTURE_N = 1000;

function bytesOf(value: unknown): ArrayBuffer | undefined {
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) {
    return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  }
  return undefined;
}

export function checkPicture(value: unknown, expectedDocId?: number): PictureRecord | undefined {
  if (!isRecordObject(value)) return undefined;
  const { docId, fingerprint, dims, vector, thumbnail, width, height, page } = value;
  // Rows and files from before pictures inside documents have no n: they are picture documents' own (0).
  const n = value.n ?? 0;
  if (!isWhole(docId, 0, MAX_ID) || (expectedDocId !== undefined && docId !== expectedDocId)) return undefined;
  if (!isWhole(n, 0, MAX_PICTURE_N)) return undefined;
  if (typeof fingerprint !== 'string' || fingerprint.length === 0 || fingerprint.length > 500) return undefined;
  if (!isWhole(dims, 1, MAX_PICTURE_DIMS)) return undefined;
  // A fingerprint names its space's length last (image-model-registry imageModelFingerprint): they must agree.
  const named = /\|(\d+)$/.exec(fingerprint);
  if (named && Number(named[1]) !== dims) return undefined;
  if (!(vector instanceof Float32Array) || vector.length !== dims || !vector.every(Number.isFinite)) return undefined;
  if (!isWhole(width, 1, MAX_SIDE) || !isWhole(height, 1, MAX_SIDE)) return undefined;
  if (page !== undefined && !isWhole(page, 1, MAX_ID)) return undefined;
  if (!isRecordObject(thumbnail)) return undefined;
  const bytes = bytesOf(thumbnail.bytes);
  const type = thumbnail.type;
  if (type !== 'image/webp' && type !== 'image/png') return undefined;
  if (!bytes || bytes.byteLength === 0 || bytes.byteLength > MAX_THUMBNAIL_BYTES) return undefined;
  if (!isWhole(thumbnail.width, 1, MAX_THUMBNAIL_SIDE) || !isWhole(thumbnail.height, 1, MAX_THUMBNAIL_SIDE)) {
    return undefined;
  }
  return {
    docId,
    n,
    fingerprint,
    dims,
    vector: Float32Array.from(vector),
    thumbnail: { type, width: thumbnail.width, height: thumbnail.height, bytes },
    width,
    height,
    ...(page !== undefined && { page }),
  };
}
