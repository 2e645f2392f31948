// A passphrase-encrypted file around any byte stream (an encrypted .trove export), with the library lock's design:
// PBKDF2-SHA-256 (random 16-byte salt, iterations bounded as for the lock's key record) derives an AES-GCM 256 key,
// and the file is sealed in segments so a library of any size streams through without being held whole.
//
//   magic "TROVE\0EN" (8) · header length (u32 LE) · header JSON · check (32) · segment 0 · segment 1 · …
//   header:  {"format":"trove-encrypted","version":1,"kdf":{"name":"PBKDF2","hash":"SHA-256","iterations":N,
//             "salt":"<16 bytes, base64>"},"cipher":"AES-GCM","segmentBytes":S,"nonce":"<8 bytes, base64>"}
//   check:   AES-GCM of 16 zero bytes, IV = nonce · FFFFFFFF, additional data = magic · length · header · "check"
//   segment: AES-GCM of the next S plain bytes (fewer in the last), IV = nonce · index (u32 BE),
//            additional data = magic · length · header · index (u32 BE) · last (1 byte)
// Every segment authenticates the header, its position and whether it is the last: an altered header, reordered,
// dropped or appended segments, and a file cut at a segment boundary all fail. The check tells a wrong passphrase
// (or an altered salt/iterations, which give another key) from a damaged body. The key is new for every file (new
// salt), and the nonce prefix is random too, so no IV repeats under a key.
import { TroveError } from '../core/errors.ts';
import { PBKDF2_MAX_ITERATIONS, PBKDF2_MIN_ITERATIONS, fromBase64, toBase64 } from './crypto.ts';

export const ENCRYPTED_FILE_MAGIC = new Uint8Array([0x54, 0x52, 0x4f, 0x56, 0x45, 0x00, 0x45, 0x4e]); // "TROVE\0EN"
const FORMAT = 'trove-encrypted';
const VERSION = 1;
const MAX_HEADER_BYTES = 1024;
const SALT_BYTES = 16;
const NONCE_BYTES = 8;
const TAG_BYTES = 16;
const CHECK_BYTES = 16 + TAG_BYTES;
const CHECK_INDEX = 0xffffffff;
/** 1 MiB segments: 16 bytes of tag per MiB, and at most a few MiB in memory at once. */
export const DEFAULT_SEGMENT_BYTES = 1 << 20;
const MIN_SEGMENT_BYTES = 1 << 10;
const MAX_SEGMENT_BYTES = 1 << 24;

interface EncryptedFileHeader {
  format: typeof FORMAT;
  version: typeof VERSION;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: 'AES-GCM';
  segmentBytes: number;
  nonce: string;
}

/** Whatever the file can be read from: bytes, a Blob/File, a ReadableStream or an async iterable of bytes. */
export type EncryptedFileInput =
  Uint8Array | { stream(): ReadableStream<Uint8Array> } | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** An encrypted file whose passphrase was checked: its key, and the header every segment authenticates. */
export interface OpenedEncryptedFile {
  readonly key: CryptoKey;
  readonly prefix: Uint8Array;
  readonly header: EncryptedFileHeader;
}

export interface EncryptFileOptions {
  iterations?: number;
  segmentBytes?: number;
}

const encoder = new TextEncoder();

/** True when the bytes start with the encrypted file's signature (the first 8 bytes are enough). */
export function isEncryptedFile(start: Uint8Array): boolean {
  return start.length >= ENCRYPTED_FILE_MAGIC.length && ENCRYPTED_FILE_MAGIC.every((b, i) => start[i] === b);
}

/** Encrypts a stream of pieces under a passphrase, as pieces of the encrypted file. */
export async function* encryptPieces(
  pieces: AsyncIterable<Uint8Array>,
  passphrase: string,
  options: EncryptFileOptions = {},
): AsyncGenerator<Uint8Array> {
  if (typeof passphrase !== 'string' || passphrase.length === 0)
    throw new TroveError('INVALID_ARGUMENT', 'An encrypted export needs a passphrase.');
  const header: EncryptedFileHeader = {
    format: FORMAT,
    version: VERSION,
    kdf: {
      name: 'PBKDF2',
      hash: 'SHA-256',
      iterations: options.iterations ?? PBKDF2_MIN_ITERATIONS,
      salt: toBase64(random(SALT_BYTES)),
    },
    cipher: 'AES-GCM',
    segmentBytes: options.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
    nonce: toBase64(random(NONCE_BYTES)),
  };
  const refused = headerProblem(header);
  if (refused) throw new TroveError('INVALID_ARGUMENT', `The encrypted export cannot be written: ${refused}.`);
  const json = encoder.encode(JSON.stringify(header));
  const prefix = concat([ENCRYPTED_FILE_MAGIC, u32le(json.length), json]);
  const file: OpenedEncryptedFile = { key: await deriveKey(passphrase, header), prefix, header };
  yield prefix;
  yield await seal(file, CHECK_INDEX, new Uint8Array(16), concat([prefix, encoder.encode('check')]));

  const size = header.segmentBytes;
  let index = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (const piece of pieces) {
    pending.push(piece);
    pendingBytes += piece.byteLength;
    // A full segment goes out only once more follows: the last one is sealed as the last.
    while (pendingBytes > size) {
      const all = concat(pending);
      yield await sealSegment(file, index++, all.subarray(0, size), false);
      pending = [all.subarray(size)];
      pendingBytes = all.byteLength - size;
    }
  }
  yield await sealSegment(file, index, concat(pending), true);
}

/**
 * Reads an encrypted file's header and checks the passphrase. The header is checked field by field first (its
 * iterations decide how long the key takes); IMPORT_INVALID for a file that is not a valid encrypted file,
 * WRONG_PASSPHRASE when the passphrase does not open it. Nothing else of the file is read.
 */
export async function openEncryptedFile(
  input: EncryptedFileInput,
  passphrase: string,
  fileName?: string,
): Promise<OpenedEncryptedFile> {
  const fail = invalid(fileName);
  const bytes = new PieceReader(input);
  try {
    const { prefix, header } = await readHeader(bytes, fail);
    if (typeof passphrase !== 'string' || passphrase.length === 0) {
      throw new TroveError(
        'WRONG_PASSPHRASE',
        `${named(fileName)} is encrypted: enter the passphrase it was exported with. Nothing was imported.`,
      );
    }
    const check = await bytes.read(CHECK_BYTES);
    if (check.length < CHECK_BYTES) throw fail('it ends inside its header (the file is truncated)');
    const file: OpenedEncryptedFile = { key: await deriveKey(passphrase, header), prefix, header };
    try {
      await open(file, CHECK_INDEX, check, concat([prefix, encoder.encode('check')]));
    } catch {
      throw new TroveError(
        'WRONG_PASSPHRASE',
        `Wrong passphrase for ${named(fileName)} (or its header was altered): nothing was imported.`,
      );
    }
    return file;
  } finally {
    await bytes.close();
  }
}

/** The plain bytes of a file opened by openEncryptedFile, piece by piece, each segment authenticated first. */
export async function* decryptPieces(
  file: OpenedEncryptedFile,
  input: EncryptedFileInput,
  fileName?: string,
): AsyncGenerator<Uint8Array> {
  const fail = invalid(fileName);
  const bytes = new PieceReader(input);
  try {
    const prefix = await bytes.read(file.prefix.length);
    if (!sameBytes(prefix, file.prefix)) throw fail('its header changed while it was read');
    if ((await bytes.read(CHECK_BYTES)).length < CHECK_BYTES) throw fail('it ends inside its header');
    const sealedSize = file.header.segmentBytes + TAG_BYTES;
    for (let index = 0; ; index++) {
      if (index >= CHECK_INDEX) throw fail('it has more segments than the format allows');
      const sealed = await bytes.read(sealedSize);
      const last = await bytes.atEnd();
      if (sealed.length < TAG_BYTES || (!last && sealed.length < sealedSize))
        throw fail(`it ends inside segment ${index + 1} (the file is truncated)`);
      let plain: Uint8Array;
      try {
        plain = await open(file, index, sealed, segmentData(file.prefix, index, last));
      } catch {
        throw fail(`segment ${index + 1} fails its authentication (the file is damaged, truncated or was altered)`);
      }
      yield plain;
      if (last) return;
    }
  } finally {
    await bytes.close();
  }
}

async function readHeader(
  bytes: PieceReader,
  fail: (reason: string) => TroveError,
): Promise<{ prefix: Uint8Array; header: EncryptedFileHeader }> {
  const start = await bytes.read(ENCRYPTED_FILE_MAGIC.length + 4);
  if (!isEncryptedFile(start)) throw fail('it does not start with the encrypted Trove library signature');
  if (start.length < ENCRYPTED_FILE_MAGIC.length + 4) throw fail('it ends inside its header (the file is truncated)');
  const length = new DataView(start.buffer, start.byteOffset).getUint32(ENCRYPTED_FILE_MAGIC.length, true);
  if (length > MAX_HEADER_BYTES) throw fail(`its header claims ${length} bytes (at most ${MAX_HEADER_BYTES})`);
  const json = await bytes.read(length);
  if (json.length < length) throw fail('it ends inside its header (the file is truncated)');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw fail('its header is not valid JSON');
  }
  const problem = headerProblem(value);
  if (problem) throw fail(problem);
  return { prefix: concat([start, json]), header: value as EncryptedFileHeader };
}

/** What is wrong with a header, field by field (unknown fields included), or undefined when it is valid. */
function headerProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'its header is not an object';
  const unknown = Object.keys(value).filter(
    (key) => !['format', 'version', 'kdf', 'cipher', 'segmentBytes', 'nonce'].includes(key),
  );
  if (unknown.length > 0) return `its header has unknown fields (${unknown.slice(0, 3).join(', ').slice(0, 60)})`;
  if (value.format !== FORMAT) return 'its header does not name the trove-encrypted format';
  if (value.version !== VERSION) {
    return typeof value.version === 'number' && value.version > VERSION
      ? `it was written in encrypted format version ${value.version}, and this Trove reads version ${VERSION} (update Trove)`
      : `its header has an unknown format version`;
  }
  const kdf = value.kdf;
  if (!isPlainObject(kdf) || Object.keys(kdf).length !== 4) return 'its header has no valid key derivation';
  if (kdf.name !== 'PBKDF2' || kdf.hash !== 'SHA-256')
    return 'its header names a key derivation other than PBKDF2-SHA-256';
  const iterations = kdf.iterations;
  if (
    typeof iterations !== 'number' ||
    !Number.isSafeInteger(iterations) ||
    iterations < PBKDF2_MIN_ITERATIONS ||
    iterations > PBKDF2_MAX_ITERATIONS
  ) {
    const got = typeof iterations === 'number' ? String(iterations) : `a ${typeof iterations}`;
    return `its header asks for ${got} PBKDF2 iterations; a valid file has a whole number from ${PBKDF2_MIN_ITERATIONS} to ${PBKDF2_MAX_ITERATIONS}`;
  }
  if (!isBase64Of(kdf.salt, SALT_BYTES)) return `its header's salt is not ${SALT_BYTES} bytes of base64`;
  if (value.cipher !== 'AES-GCM') return 'its header names a cipher other than AES-GCM';
  const size = value.segmentBytes;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < MIN_SEGMENT_BYTES || size > MAX_SEGMENT_BYTES)
    return `its header's segment size is not a whole number from ${MIN_SEGMENT_BYTES} to ${MAX_SEGMENT_BYTES}`;
  if (!isBase64Of(value.nonce, NONCE_BYTES)) return `its header's nonce is not ${NONCE_BYTES} bytes of base64`;
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBase64Of(value: unknown, length: number): boolean {
  if (typeof value !== 'string' || value.length > 4 * length) return false;
  try {
    return fromBase64(value).length === length;
  } catch {
    return false;
  }
}

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (!s)
    throw new TroveError(
      'INVALID_ARGUMENT',
      'WebCrypto is not available here (it needs a secure context: https or localhost).',
    );
  return s;
};

async function deriveKey(passphrase: string, header: EncryptedFileHeader): Promise<CryptoKey> {
  // NFC, as for the library lock: the same passphrase typed another way opens the file.
  const material = await subtle().importKey('raw', encoder.encode(passphrase.normalize('NFC')), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64(header.kdf.salt), iterations: header.kdf.iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function ivFor(file: OpenedEncryptedFile, index: number): Uint8Array<ArrayBuffer> {
  const iv = new Uint8Array(12);
  iv.set(fromBase64(file.header.nonce), 0);
  new DataView(iv.buffer).setUint32(NONCE_BYTES, index, false);
  return iv;
}

function segmentData(prefix: Uint8Array, index: number, last: boolean): Uint8Array {
  const tail = new Uint8Array(5);
  new DataView(tail.buffer).setUint32(0, index, false);
  tail[4] = last ? 1 : 0;
  return concat([prefix, tail]);
}

function sealSegment(file: OpenedEncryptedFile, index: number, plain: Uint8Array, last: boolean) {
  if (index >= CHECK_INDEX) throw new TroveError('INVALID_ARGUMENT', 'The export is too large to encrypt.');
  return seal(file, index, plain, segmentData(file.prefix, index, last));
}

async function seal(file: OpenedEncryptedFile, index: number, plain: Uint8Array, data: Uint8Array) {
  return new Uint8Array(
    await subtle().encrypt(
      { name: 'AES-GCM', iv: ivFor(file, index), additionalData: data as Uint8Array<ArrayBuffer> },
      file.key,
      plain as Uint8Array<ArrayBuffer>,
    ),
  );
}

async function open(file: OpenedEncryptedFile, index: number, sealed: Uint8Array, data: Uint8Array) {
  return new Uint8Array(
    await subtle().decrypt(
      { name: 'AES-GCM', iv: ivFor(file, index), additionalData: data as Uint8Array<ArrayBuffer> },
      file.key,
      sealed as Uint8Array<ArrayBuffer>,
    ),
  );
}

function invalid(fileName: string | undefined): (reason: string) => TroveError {
  return (reason) =>
    new TroveError(
      'IMPORT_INVALID',
      `${named(fileName)} is not a valid encrypted Trove library: ${reason}. Nothing was imported.`,
    );
}

const named = (fileName: string | undefined) => (fileName ? `“${fileName}”` : 'The file');

function random(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

function u32le(n: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, n, true);
  return bytes;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Exact byte counts out of a stream of arbitrarily cut pieces. */
class PieceReader {
  private readonly pieces: AsyncIterator<Uint8Array>;
  private current: Uint8Array = new Uint8Array(0);
  private offset = 0;

  constructor(input: EncryptedFileInput) {
    this.pieces = iterate(input);
  }

  /** Exactly n bytes, or fewer when the input ends first. */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
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

async function* iterate(input: EncryptedFileInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    yield input;
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
