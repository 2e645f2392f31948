// Encryption at rest with WebCrypto (globalThis.crypto.subtle: browsers, workers, Node ≥ 20).
//
// Two keys, so that changing the passphrase never re-encrypts the library:
//   passphrase ──PBKDF2-SHA-256 (≥ 600,000 iterations, random salt)──► key-encryption key (KEK, AES-KW 256)
//   random data-encryption key (DEK, AES-GCM 256) ──wrapped by the KEK──► KeyFile.wrappedKey
// The KeyFile (salt, iterations, wrapped DEK, a check record) is stored in plain; it reveals nothing without the
// passphrase. A wrong passphrase fails AES-KW's integrity check on unwrap, before any record is read. Losing the
// passphrase loses the library: there is no recovery key.
//
// Records are sealed as versioned envelopes:
//   magic "TE" (2 bytes) · version (1) · kind (1) · IV (12, random per record) · AES-GCM ciphertext + 16-byte tag
// The 4 header bytes and a context naming the record's place (see record-context.ts: kind, field, document id,
// chunk id...) are authenticated as additional data, so a record cannot be relabelled or moved to another slot
// without the decryption failing. Version 1 envelopes were sealed with coarser contexts that did not name the
// document or chunk; they open only when the caller passes the legacy context (re-sealing on unlock).
import { TroveError } from '../core/errors.ts';

export const PBKDF2_MIN_ITERATIONS = 600_000;
/** More would only slow every unlock: a key record asking for 2^30 iterations would hold the CPU for minutes. */
export const PBKDF2_MAX_ITERATIONS = 10 * PBKDF2_MIN_ITERATIONS;
/** Envelopes whose context binds the record's place (document, chunk, kind, field). */
export const ENVELOPE_VERSION = 2;
/** Envelopes written before that: opened only with an explicit legacy context, never written. */
export const LEGACY_ENVELOPE_VERSION = 1;
const MAGIC_0 = 0x54; // 'T'
const MAGIC_1 = 0x45; // 'E'
const HEADER_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes an envelope adds to its plaintext. */
export const ENVELOPE_OVERHEAD = HEADER_BYTES + IV_BYTES + TAG_BYTES;
const CHECK_CONTEXT = 'trove-key-check'; // the same in both versions: a KeyFile written before still opens
const CHECK_TEXT = 'trove library key v1';

/** What a sealed record held, so decryption gives back the same type. */
export const RecordKind = { bytes: 1, string: 2, json: 3, float32: 4, uint32: 5 } as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** The plain, storable description of a library key (JSON-safe: binary fields are base64). */
export interface KeyFile {
  version: 1;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  wrap: 'AES-KW';
  wrappedKey: string;
  /** A record sealed with the data key: proves the unwrapped key is the one this library's records use. */
  check: string;
}

export interface KeyOptions {
  /** PBKDF2 iterations, at least PBKDF2_MIN_ITERATIONS (OWASP 2023 guidance for PBKDF2-HMAC-SHA256). */
  iterations?: number;
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

/** Creates a new random data key and its KeyFile for this passphrase. */
export async function createKeyFile(
  passphrase: string,
  options: KeyOptions = {},
): Promise<{ keyFile: KeyFile; cipher: RecordCipher }> {
  const iterations = options.iterations ?? PBKDF2_MIN_ITERATIONS;
  checkPassphrase(passphrase);
  checkIterations(iterations);
  const dek = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  const keyFile = await wrapDataKey(dek, passphrase, iterations);
  const cipher = new RecordCipher(await reimportNonExtractable(dek));
  keyFile.check = toBase64(await cipher.seal(CHECK_TEXT, CHECK_CONTEXT));
  return { keyFile, cipher };
}

/** Opens a KeyFile with a passphrase. Throws WRONG_PASSPHRASE (touching no record) or DECRYPT_FAILED (damaged file). */
export async function unlockKeyFile(keyFile: KeyFile, passphrase: string): Promise<RecordCipher> {
  const dek = await unwrapDataKey(keyFile, passphrase, false);
  const cipher = new RecordCipher(dek);
  let check: unknown;
  try {
    check = await cipher.open(fromBase64(keyFile.check), CHECK_CONTEXT, CHECK_CONTEXT);
  } catch {
    throw new TroveError('WRONG_PASSPHRASE');
  }
  if (check !== CHECK_TEXT) throw new TroveError('WRONG_PASSPHRASE');
  return cipher;
}

/** Re-wraps the same data key under a new passphrase (new salt): no record is re-encrypted. */
export async function changePassphrase(
  keyFile: KeyFile,
  oldPassphrase: string,
  newPassphrase: string,
  options: KeyOptions = {},
): Promise<KeyFile> {
  await unlockKeyFile(keyFile, oldPassphrase); // checks the old passphrase and the check record
  checkPassphrase(newPassphrase);
  const iterations = options.iterations ?? Math.max(keyFile.kdf.iterations, PBKDF2_MIN_ITERATIONS);
  checkIterations(iterations);
  const dek = await unwrapDataKey(keyFile, oldPassphrase, true);
  const next = await wrapDataKey(dek, newPassphrase, iterations);
  next.check = keyFile.check; // same data key, same check record
  return next;
}

/** Seals and opens records with the data key (which is non-extractable: script cannot read it back). */
export class RecordCipher {
  constructor(private readonly key: CryptoKey) {}

  /** Encrypts bytes, a string, a Float32Array/Uint32Array or a JSON-serialisable value into an envelope. */
  async seal(value: Uint8Array | Float32Array | Uint32Array | string | object, context = ''): Promise<Uint8Array> {
    const [kind, plain] = encodeValue(value);
    const header = new Uint8Array([MAGIC_0, MAGIC_1, ENVELOPE_VERSION, kind]);
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = new Uint8Array(
      await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad(header, context) }, this.key, plain),
    );
    const out = new Uint8Array(HEADER_BYTES + IV_BYTES + sealed.length);
    out.set(header, 0);
    out.set(iv, HEADER_BYTES);
    out.set(sealed, HEADER_BYTES + IV_BYTES);
    return out;
  }

  /**
   * Decrypts an envelope made by seal() with the same context; throws DECRYPT_FAILED otherwise. A version 1
   * envelope opens only when `legacyContext` is given (the context it was sealed with), so a caller decides where
   * records of the older, coarser binding are still acceptable.
   */
  async open(envelope: Uint8Array, context = '', legacyContext?: string): Promise<unknown> {
    const version = envelopeVersion(envelope);
    if (version === undefined || (version === LEGACY_ENVELOPE_VERSION && legacyContext === undefined)) {
      throw new TroveError(
        'DECRYPT_FAILED',
        version === LEGACY_ENVELOPE_VERSION
          ? 'Stored data failed its integrity check: it is sealed with an older binding that is no longer accepted here.'
          : 'Stored data could not be decrypted: not a Trove envelope of a supported version.',
      );
    }
    const header = envelope.subarray(0, HEADER_BYTES);
    // (Views on a plain ArrayBuffer: records never live in shared memory.)
    const view = envelope as Uint8Array<ArrayBuffer>;
    const iv = view.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
    const additionalData = aad(header, version === ENVELOPE_VERSION ? context : legacyContext!);
    let plain: ArrayBuffer;
    try {
      plain = await subtle().decrypt(
        { name: 'AES-GCM', iv, additionalData },
        this.key,
        view.subarray(HEADER_BYTES + IV_BYTES),
      );
    } catch (error) {
      throw new TroveError('DECRYPT_FAILED', undefined, { cause: error });
    }
    return decodeValue(header[3] as RecordKind, plain);
  }

  async openBytes(envelope: Uint8Array, context = '', legacyContext?: string): Promise<Uint8Array> {
    return expectKind(await this.open(envelope, context, legacyContext), Uint8Array);
  }

  async openString(envelope: Uint8Array, context = '', legacyContext?: string): Promise<string> {
    const value = await this.open(envelope, context, legacyContext);
    if (typeof value !== 'string') throw new TroveError('DECRYPT_FAILED', 'Stored data has an unexpected type.');
    return value;
  }

  async openFloat32(envelope: Uint8Array, context = '', legacyContext?: string): Promise<Float32Array> {
    return expectKind(await this.open(envelope, context, legacyContext), Float32Array);
  }

  async openUint32(envelope: Uint8Array, context = '', legacyContext?: string): Promise<Uint32Array> {
    return expectKind(await this.open(envelope, context, legacyContext), Uint32Array);
  }
}

/** The version of a Trove envelope (1 or 2), or undefined when the bytes are not one. */
export function envelopeVersion(envelope: Uint8Array): number | undefined {
  if (envelope.length < ENVELOPE_OVERHEAD || envelope[0] !== MAGIC_0 || envelope[1] !== MAGIC_1) return undefined;
  const version = envelope[2];
  return version === ENVELOPE_VERSION || version === LEGACY_ENVELOPE_VERSION ? version : undefined;
}

/** Record-level helpers named as in the design note. */
export const encryptRecord = (cipher: RecordCipher, value: Parameters<RecordCipher['seal']>[0], context?: string) =>
  cipher.seal(value, context);
export const decryptRecord = (cipher: RecordCipher, envelope: Uint8Array, context?: string) =>
  cipher.open(envelope, context);

function expectKind<T>(value: unknown, type: new (...args: never[]) => T): T {
  if (!(value instanceof type)) throw new TroveError('DECRYPT_FAILED', 'Stored data has an unexpected type.');
  return value;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function aad(header: Uint8Array, context: string): Uint8Array<ArrayBuffer> {
  const ctx = encoder.encode(context);
  const out = new Uint8Array(header.length + ctx.length);
  out.set(header, 0);
  out.set(ctx, header.length);
  return out;
}

function encodeValue(
  value: Uint8Array | Float32Array | Uint32Array | string | object,
): [RecordKind, Uint8Array<ArrayBuffer>] {
  const copy = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
  if (typeof value === 'string') return [RecordKind.string, encoder.encode(value)];
  if (value instanceof Uint8Array) return [RecordKind.bytes, copy(value)];
  if (value instanceof Float32Array) return [RecordKind.float32, copy(value)];
  if (value instanceof Uint32Array) return [RecordKind.uint32, copy(value)];
  if (ArrayBuffer.isView(value))
    throw new TroveError('INVALID_ARGUMENT', 'Only Uint8Array, Float32Array and Uint32Array records can be sealed.');
  return [RecordKind.json, encoder.encode(JSON.stringify(value))];
}

function decodeValue(kind: RecordKind, plain: ArrayBuffer): unknown {
  switch (kind) {
    case RecordKind.bytes:
      return new Uint8Array(plain);
    case RecordKind.string:
      return decoder.decode(plain);
    case RecordKind.json:
      return JSON.parse(decoder.decode(plain));
    case RecordKind.float32:
      return new Float32Array(plain);
    case RecordKind.uint32:
      return new Uint32Array(plain);
    default:
      throw new TroveError('DECRYPT_FAILED', `Stored data has an unknown record kind ${String(kind)}.`);
  }
}

async function deriveKek(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  // NFC, so the same passphrase typed with another input method (composed vs decomposed accents) opens the library.
  const material = await subtle().importKey('raw', encoder.encode(passphrase.normalize('NFC')), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-KW', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

async function wrapDataKey(dek: CryptoKey, passphrase: string, iterations: number): Promise<KeyFile> {
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const kek = await deriveKek(passphrase, salt, iterations);
  const wrapped = new Uint8Array(await subtle().wrapKey('raw', dek, kek, 'AES-KW'));
  return {
    version: 1,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64(salt) },
    wrap: 'AES-KW',
    wrappedKey: toBase64(wrapped),
    check: '',
  };
}

async function unwrapDataKey(keyFile: KeyFile, passphrase: string, extractable: boolean): Promise<CryptoKey> {
  checkKeyFile(keyFile);
  const kek = await deriveKek(passphrase, fromBase64(keyFile.kdf.salt), keyFile.kdf.iterations);
  try {
    return await subtle().unwrapKey(
      'raw',
      fromBase64(keyFile.wrappedKey),
      kek,
      'AES-KW',
      { name: 'AES-GCM', length: 256 },
      extractable,
      ['encrypt', 'decrypt'],
    );
  } catch {
    // AES-KW's integrity check fails for any other KEK: the passphrase is wrong.
    throw new TroveError('WRONG_PASSPHRASE');
  }
}

async function reimportNonExtractable(dek: CryptoKey): Promise<CryptoKey> {
  const raw = await subtle().exportKey('raw', dek);
  const key = await subtle().importKey('raw', raw, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  new Uint8Array(raw).fill(0);
  return key;
}

function checkPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new TroveError('INVALID_ARGUMENT', 'The passphrase is empty.');
  }
}

const validIterations = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= PBKDF2_MIN_ITERATIONS && n <= PBKDF2_MAX_ITERATIONS;

function checkIterations(iterations: number): void {
  if (!validIterations(iterations)) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `PBKDF2 needs a whole number of iterations from ${PBKDF2_MIN_ITERATIONS} to ${PBKDF2_MAX_ITERATIONS} (got ${String(iterations)}).`,
    );
  }
}

/**
 * Checks a stored KeyFile's fields by type and range before any key is derived: its iterations decide how long an
 * unlock runs, and a string such as "1e6" would be coerced by WebCrypto rather than refused.
 */
export function checkKeyFile(keyFile: KeyFile): void {
  const kf = keyFile as unknown as Record<string, unknown> | undefined;
  const kdf = kf?.['kdf'] as Record<string, unknown> | undefined;
  if (
    typeof kf !== 'object' ||
    kf === null ||
    kf['version'] !== 1 ||
    typeof kdf !== 'object' ||
    kdf === null ||
    kdf['name'] !== 'PBKDF2' ||
    kdf['hash'] !== 'SHA-256' ||
    kf['wrap'] !== 'AES-KW' ||
    typeof kdf['salt'] !== 'string' ||
    typeof kf['wrappedKey'] !== 'string' ||
    typeof kf['check'] !== 'string'
  ) {
    throw new TroveError('DECRYPT_FAILED', 'The library key record is damaged or of an unsupported version.');
  }
  try {
    // 16 bytes of salt and a wrapped 256-bit key (40 bytes), as wrapDataKey writes them.
    if (fromBase64(kdf['salt']).length < 16 || fromBase64(kf['wrappedKey']).length !== 40) throw new Error('length');
  } catch {
    throw new TroveError('DECRYPT_FAILED', 'The library key record is damaged: its salt or wrapped key is not valid.');
  }
  const iterations = kdf['iterations'];
  if (!validIterations(iterations)) {
    const got =
      typeof iterations === 'number'
        ? String(iterations)
        : `a ${typeof iterations} (${JSON.stringify(iterations)?.slice(0, 40)})`;
    throw new TroveError(
      'DECRYPT_FAILED',
      `The library key record asks for ${got} PBKDF2 iterations; a valid record has a whole number from ${PBKDF2_MIN_ITERATIONS} to ${PBKDF2_MAX_ITERATIONS}. It is damaged or was altered: the library stays locked.`,
    );
  }
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Bytes as a one-byte string (code units 0-255): stores an envelope in a string field at one byte per byte. */
export function bytesToLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

export function latin1ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
