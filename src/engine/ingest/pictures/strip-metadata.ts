// A picture's file without the metadata cameras and phones write into it: EXIF (GPS position, time, camera serial),
// XMP, IPTC, comments and text chunks. The pixels are not touched (no re-encoding): the segments or chunks that hold
// metadata are left out and the rest copied. Only the orientation is carried over, in a minimal EXIF block of its
// own, so a portrait photo still shows upright. Kept originals go through this unless the user asks to keep the
// metadata; the thumbnails are re-encoded pixels and never had any.
import { sniffPicture } from './decode-picture.ts';

/** What came out: the cleaned bytes, or why the file could not be walked (then it must not be kept as it is). */
export type StrippedPicture = { bytes: Uint8Array; removed: number } | { error: string };

/** Strips a PNG, JPEG or WebP; any other bytes (GIF included: its comment blocks are not walked) are refused. */
export function withoutPictureMetadata(bytes: Uint8Array): StrippedPicture {
  try {
    switch (sniffPicture(bytes)) {
      case 'jpeg':
        return jpeg(bytes);
      case 'png':
        return png(bytes);
      case 'webp':
        return webp(bytes);
      default:
        return { error: 'not a PNG, JPEG or WebP picture' };
    }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

class Output {
  private readonly parts: Uint8Array[] = [];
  length = 0;
  push(part: Uint8Array): void {
    this.parts.push(part);
    this.length += part.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

function need(bytes: Uint8Array, end: number, what: string): void {
  if (end > bytes.length) throw new Error(`truncated ${what}`);
}

const ascii = (bytes: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...bytes.subarray(at, Math.min(bytes.length, at + length)));

/** The EXIF orientation (1–8) in a TIFF block, or 1 when absent or unreadable. */
export function tiffOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 12 > tiff.length) return 1;
    if (view.getUint16(at, little) === 0x0112 && view.getUint16(at + 2, little) === 3) {
      const value = view.getUint16(at + 8, little);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** A big-endian TIFF block with one IFD holding only the orientation tag. */
function orientationTiff(orientation: number): Uint8Array {
  const tiff = new Uint8Array(26);
  const view = new DataView(tiff.buffer);
  tiff.set([0x4d, 0x4d, 0x00, 0x2a]);
  view.setUint32(4, 8);
  view.setUint16(8, 1); // one entry
  view.setUint16(10, 0x0112); // Orientation
  view.setUint16(12, 3); // SHORT
  view.setUint32(14, 1); // count
  view.setUint16(18, orientation);
  view.setUint32(22, 0); // no next IFD
  return tiff;
}

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"

/**
 * JPEG: kept are JFIF/JFXX (APP0), the ICC colour profile (APP2 "ICC_PROFILE") and Adobe's colour transform (APP14);
 * left out are every other APPn (APP1 EXIF and XMP, APP13 IPTC, makers' blocks) and comments. From the start of
 * scan on, the bytes are copied as they are.
 */
function jpeg(bytes: Uint8Array): StrippedPicture {
  const out = new Output();
  out.push(bytes.subarray(0, 2));
  let at = 2;
  let removed = 0;
  let orientation = 1;
  let wroteOrientation = false;
  while (at < bytes.length) {
    need(bytes, at + 2, 'JPEG marker');
    if (bytes[at] !== 0xff) throw new Error('JPEG segment does not start with a marker');
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      out.push(bytes.subarray(at, at + 2));
      at += 2;
      continue;
    }
    if (marker === 0xd9) {
      out.push(bytes.subarray(at));
      return { bytes: out.bytes(), removed };
    }
    need(bytes, at + 4, 'JPEG segment length');
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2) throw new Error('JPEG segment length below 2');
    const end = at + 2 + length;
    need(bytes, end, 'JPEG segment');
    const payload = bytes.subarray(at + 4, end);
    const isApp = marker >= 0xe0 && marker <= 0xef;
    const kept =
      !isApp && marker !== 0xfe
        ? true
        : marker === 0xe0 ||
          (marker === 0xe2 && ascii(payload, 0, 12) === 'ICC_PROFILE\0') ||
          (marker === 0xee && ascii(payload, 0, 5) === 'Adobe');
    if (marker === 0xe1 && ascii(payload, 0, 6) === 'Exif\0\0') orientation = tiffOrientation(payload.subarray(6));
    if (marker === 0xda) {
      // Start of scan: the orientation goes in before the frame data; everything after is entropy-coded data.
      if (orientation !== 1 && !wroteOrientation) out.push(jpegOrientationSegment(orientation));
      out.push(bytes.subarray(at));
      return { bytes: out.bytes(), removed };
    }
    if (!kept) removed += 1;
    else {
      // SOFn is the first frame segment: the orientation block goes just before it, where cameras put EXIF.
      const frame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (frame && orientation !== 1 && !wroteOrientation) {
        out.push(jpegOrientationSegment(orientation));
        wroteOrientation = true;
      }
      out.push(bytes.subarray(at, end));
    }
    at = end;
  }
  throw new Error('JPEG ends before its image data');
}

function jpegOrientationSegment(orientation: number): Uint8Array {
  const tiff = orientationTiff(orientation);
  const length = 2 + EXIF_HEADER.length + tiff.length;
  const segment = new Uint8Array(2 + length);
  segment.set([0xff, 0xe1, length >> 8, length & 0xff, ...EXIF_HEADER]);
  segment.set(tiff, 4 + EXIF_HEADER.length);
  return segment;
}

/** PNG chunks that carry metadata rather than pixels or colour: EXIF, text (three encodings) and the edit time. */
const PNG_METADATA = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

function png(bytes: Uint8Array): StrippedPicture {
  const out = new Output();
  out.push(bytes.subarray(0, 8));
  let at = 8;
  let removed = 0;
  let orientation = 1;
  while (at < bytes.length) {
    need(bytes, at + 12, 'PNG chunk');
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, 8);
    const length = view.getUint32(0);
    const type = ascii(bytes, at + 4, 4);
    const end = at + 12 + length;
    need(bytes, end, `PNG ${type} chunk`);
    if (type === 'eXIf') orientation = tiffOrientation(bytes.subarray(at + 8, at + 8 + length));
    if (PNG_METADATA.has(type)) removed += 1;
    else {
      // eXIf must come before the image data: the orientation chunk goes in just before the first IDAT.
      if (type === 'IDAT' && orientation !== 1) {
        out.push(pngChunk('eXIf', orientationTiff(orientation)));
        orientation = 1;
      }
      out.push(bytes.subarray(at, end));
    }
    at = end;
    if (type === 'IEND') return { bytes: out.bytes(), removed };
  }
  throw new Error('PNG ends without its IEND chunk');
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

let crcTable: Uint32Array | undefined;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** WebP (RIFF): the EXIF and XMP chunks are left out and their flags cleared in the VP8X header. */
function webp(bytes: Uint8Array): StrippedPicture {
  need(bytes, 12, 'WebP header');
  const parts: Uint8Array[] = [];
  let at = 12;
  let removed = 0;
  let orientation = 1;
  let extendedAt = -1;
  let length = 4; // "WEBP"
  while (at + 8 <= bytes.length) {
    const type = ascii(bytes, at, 4);
    const size = new DataView(bytes.buffer, bytes.byteOffset + at + 4, 4).getUint32(0, true);
    const end = at + 8 + size + (size & 1);
    need(bytes, Math.min(end, at + 8 + size), `WebP ${type} chunk`);
    const chunk = bytes.subarray(at, Math.min(end, bytes.length));
    if (type === 'EXIF') {
      const data = chunk.subarray(8, 8 + size);
      orientation = tiffOrientation(ascii(data, 0, 6) === 'Exif\0\0' ? data.subarray(6) : data);
    }
    if (type === 'EXIF' || type === 'XMP ') removed += 1;
    else {
      if (type === 'VP8X') extendedAt = parts.length;
      parts.push(chunk.slice());
      length += chunk.length;
    }
    at = end;
  }
  if (extendedAt >= 0) {
    const flags = parts[extendedAt];
    flags[8] &= ~(0x08 | 0x04); // EXIF, XMP present
    if (orientation !== 1) {
      // Metadata chunks follow the image data: the orientation goes last, flagged in VP8X.
      const tiff = orientationTiff(orientation);
      const chunk = new Uint8Array(8 + tiff.length);
      chunk.set([0x45, 0x58, 0x49, 0x46]); // "EXIF"
      new DataView(chunk.buffer).setUint32(4, tiff.length, true);
      chunk.set(tiff, 8);
      parts.push(chunk);
      length += chunk.length;
      flags[8] |= 0x08;
    }
  }
  const out = new Output();
  const header = bytes.slice(0, 12);
  new DataView(header.buffer).setUint32(4, length, true);
  out.push(header);
  for (const part of parts) out.push(part);
  return { bytes: out.bytes(), removed };
}
