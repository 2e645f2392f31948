// The .trove container: a 16-byte header (magic, format version, flags), then sections. A section is
// [kind: 4 ASCII bytes][payload length: u32 LE][payload][SHA-256 of kind + length + payload: 32 bytes].
// Sections are bounded (a document, a few thousand chunks or vectors), so each is hashed whole with WebCrypto
// (no incremental digest there) and a file of any size streams through in pieces.
import { TroveError } from '../core/errors.ts';

export const MAGIC = new Uint8Array([0x54, 0x52, 0x4f, 0x56, 0x45, 0x00, 0x4c, 0x42]); // "TROVE\0LB"
export const FILE_HEADER_BYTES = 16;
export const SECTION_HEADER_BYTES = 8;
export const CHECKSUM_BYTES = 32;
/**
 * The largest section read or written: 512 MiB. A reader holds a section, and for JSON its decoded string (twice
 * the bytes), at once, so this keeps one section under about 1.5 GB in a browser tab. Vector batches stay far
 * below it (2048 × 4096 dims is 32 MiB); the largest sections are document texts, and a 200 MB file (the
 * default file limit) fits even with every character escaped once.
 */
export const MAX_SECTION_BYTES = 512 * 1024 * 1024;
/** Deepest JSON nesting a section may have (records are at most 5 levels deep). */
export const MAX_JSON_DEPTH = 64;

export type SectionKind = 'MANI' | 'DOCU' | 'CHNK' | 'VECT' | 'THRD' | 'IDXP' | 'END.';
export const SECTION_KINDS: readonly SectionKind[] = ['MANI', 'DOCU', 'CHNK', 'VECT', 'THRD', 'IDXP', 'END.'];

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function fileHeader(version: number): Uint8Array {
  const bytes = new Uint8Array(FILE_HEADER_BYTES);
  bytes.set(MAGIC, 0);
  new DataView(bytes.buffer).setUint32(8, version, true);
  return bytes;
}

/** Header, payload and checksum of one section, as one buffer. */
export async function encodeSection(kind: SectionKind, payload: Uint8Array): Promise<Uint8Array> {
  if (payload.byteLength > MAX_SECTION_BYTES)
    throw new TroveError(
      'INVALID_ARGUMENT',
      `A ${kind} section of ${payload.byteLength} bytes is more than a .trove section may hold (${MAX_SECTION_BYTES}).`,
    );
  const bytes = new Uint8Array(SECTION_HEADER_BYTES + payload.byteLength + CHECKSUM_BYTES);
  bytes.set(encoder.encode(kind), 0);
  new DataView(bytes.buffer).setUint32(4, payload.byteLength, true);
  bytes.set(payload, SECTION_HEADER_BYTES);
  const end = SECTION_HEADER_BYTES + payload.byteLength;
  bytes.set(await sha256(bytes.subarray(0, end)), end);
  return bytes;
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function parseJson(bytes: Uint8Array, what: string, fail: (reason: string) => TroveError): unknown {
  // Deep nesting parses, then overflows the stack of whatever walks the value (IndexedDB's structured clone).
  if (jsonDepth(bytes) > MAX_JSON_DEPTH) throw fail(`its ${what} is nested more than ${MAX_JSON_DEPTH} levels deep`);
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    throw fail(`its ${what} is not valid JSON`);
  }
}

/** The deepest nesting of arrays and objects in JSON bytes (brackets inside strings not counted). */
export function jsonDepth(bytes: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** A binary payload: [u32 LE JSON length][JSON][zero padding to 4 bytes][binary body]. */
export function headedBinary(head: unknown, body: readonly Uint8Array[]): Uint8Array {
  const json = jsonBytes(head);
  const bodyStart = align4(4 + json.byteLength);
  const total = body.reduce((sum, part) => sum + part.byteLength, bodyStart);
  const bytes = new Uint8Array(total);
  new DataView(bytes.buffer).setUint32(0, json.byteLength, true);
  bytes.set(json, 4);
  let offset = bodyStart;
  for (const part of body) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

export function splitHeadedBinary(
  payload: Uint8Array,
  fail: (reason: string) => TroveError,
): { head: unknown; body: Uint8Array } {
  if (payload.byteLength < 4) throw fail('a binary section is too short');
  const jsonLength = new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0, true);
  const bodyStart = align4(4 + jsonLength);
  if (bodyStart > payload.byteLength) throw fail('a binary section header runs past its end');
  return {
    head: parseJson(payload.subarray(4, 4 + jsonLength), 'section header', fail),
    body: payload.subarray(bodyStart),
  };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Little-endian bytes of a typed array (a view on little-endian hosts, a converted copy elsewhere). */
export function littleEndianBytes(array: Float32Array | Uint32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const bytes = new Uint8Array(array.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < array.length; i++) {
    if (array instanceof Float32Array) view.setFloat32(i * 4, array[i], true);
    else view.setUint32(i * 4, array[i], true);
  }
  return bytes;
}

/** Reads little-endian 32-bit values into a fresh, aligned typed array. */
export function readFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

export function readUint32(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  }
  return out;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function kindOf(bytes: Uint8Array): SectionKind | undefined {
  const text = String.fromCharCode(...bytes);
  return (SECTION_KINDS as readonly string[]).includes(text) ? (text as SectionKind) : undefined;
}

/** Whatever a library file can be read from: bytes, a Blob/File, a ReadableStream or an async iterable of bytes. */
export type BackupInput =
  | Uint8Array
  | { stream(): ReadableStream<Uint8Array>; size?: number }
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** Pulls exact byte counts out of a stream of arbitrarily cut pieces. */
export class ByteReader {
  private readonly pieces: AsyncIterator<Uint8Array>;
  private current: Uint8Array = new Uint8Array(0);
  private offset = 0;
  /** Bytes handed out so far. */
  position = 0;

  constructor(input: BackupInput) {
    this.pieces = iteratePieces(input);
  }

  /**
   * Exactly n bytes, or fewer when the input ends first (the caller reports the truncation); written into `into`
   * from `at` when given (so a caller can put a header and its payload in one buffer without a copy).
   */
  async read(n: number, into?: Uint8Array, at = 0): Promise<Uint8Array> {
    const out = into ? into.subarray(at, at + n) : new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.offset >= this.current.byteLength) {
        const next = await this.pieces.next();
        if (next.done) return out.subarray(0, filled);
        this.current = next.value;
        this.offset = 0;
        continue;
      }
      const take = Math.min(n - filled, this.current.byteLength - this.offset);
      out.set(this.current.subarray(this.offset, this.offset + take), filled);
      this.offset += take;
      filled += take;
    }
    this.position += n;
    return out;
  }

  async atEnd(): Promise<boolean> {
    while (this.offset >= this.current.byteLength) {
      const next = await this.pieces.next();
      if (next.done) return true;
      this.current = next.value;
      this.offset = 0;
    }
    return false;
  }

  async close(): Promise<void> {
    await this.pieces.return?.();
  }
}

export function inputSize(input: BackupInput): number | undefined {
  if (input instanceof Uint8Array) return input.byteLength;
  const size = (input as { size?: unknown }).size;
  return typeof size === 'number' ? size : undefined;
}

async function* iteratePieces(input: BackupInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    // Handed out in slices so progress and cancellation work on large buffers too.
    for (let offset = 0; offset < input.byteLength; offset += 1 << 20) yield input.subarray(offset, offset + (1 << 20));
    return;
  }
  const stream =
    typeof (input as { getReader?: unknown }).getReader === 'function'
      ? (input as ReadableStream<Uint8Array>)
      : typeof (input as { stream?: unknown }).stream === 'function'
        ? (input as { stream(): ReadableStream<Uint8Array> }).stream()
        : undefined;
  if (!stream) {
    yield* input as AsyncIterable<Uint8Array>;
    return;
  }
  // getReader rather than async iteration: Safari's ReadableStream is not async-iterable.
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
