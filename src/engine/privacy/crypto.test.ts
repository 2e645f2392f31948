import { beforeAll, describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import {
  ENVELOPE_OVERHEAD,
  PBKDF2_MAX_ITERATIONS,
  PBKDF2_MIN_ITERATIONS,
  RecordCipher,
  envelopeVersion,
  changePassphrase,
  createKeyFile,
  decryptRecord,
  encryptRecord,
  unlockKeyFile,
  type KeyFile,
} from './crypto.ts';

const code = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error instanceof TroveError ? error.code : `not a TroveError: ${String(error)}`;
  }
  return 'resolved';
};

describe('library key (PBKDF2 → AES-KW wrapped AES-GCM data key)', () => {
  let keyFile: KeyFile;
  let cipher: RecordCipher;
  beforeAll(async () => {
    ({ keyFile, cipher } = await createKeyFile('correct horse battery staple'));
  });

  it('stores only salt, iterations and the wrapped key, with at least 600,000 iterations', () => {
    expect(keyFile.kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_MIN_ITERATIONS });
    expect(JSON.stringify(keyFile)).not.toContain('correct horse');
    expect(atob(keyFile.wrappedKey).length).toBe(40); // AES-KW of a 32-byte key
  });

  it('opens with the right passphrase and refuses a wrong one', async () => {
    const sealed = await cipher.seal('hello');
    const reopened = await unlockKeyFile(keyFile, 'correct horse battery staple');
    expect(await reopened.open(sealed)).toBe('hello');
    expect(await code(unlockKeyFile(keyFile, 'correct horse battery stapler'))).toBe('WRONG_PASSPHRASE');
    expect(await code(unlockKeyFile(keyFile, ''))).toBe('WRONG_PASSPHRASE');
  });

  it('treats composed and decomposed accents as the same passphrase', async () => {
    const { keyFile: accented } = await createKeyFile('caf\u00e9');
    await expect(unlockKeyFile(accented, 'cafe\u0301')).resolves.toBeInstanceOf(RecordCipher);
  });

  it('re-wraps the same data key on a passphrase change: old records still open, the old passphrase no longer does', async () => {
    const sealed = await cipher.seal({ a: 1 }, 'ctx');
    const next = await changePassphrase(keyFile, 'correct horse battery staple', 'new secret');
    expect(next.kdf.salt).not.toBe(keyFile.kdf.salt);
    expect(await code(unlockKeyFile(next, 'correct horse battery staple'))).toBe('WRONG_PASSPHRASE');
    expect(await (await unlockKeyFile(next, 'new secret')).open(sealed, 'ctx')).toEqual({ a: 1 });
    expect(await code(changePassphrase(keyFile, 'wrong', 'x'))).toBe('WRONG_PASSPHRASE');
  });

  it('refuses weak settings and damaged key records', async () => {
    expect(await code(createKeyFile('pw', { iterations: 100_000 }))).toBe('INVALID_ARGUMENT');
    expect(await code(createKeyFile(''))).toBe('INVALID_ARGUMENT');
    const downgraded = { ...keyFile, kdf: { ...keyFile.kdf, iterations: 1000 } };
    expect(await code(unlockKeyFile(downgraded, 'correct horse battery staple'))).toBe('DECRYPT_FAILED');
    expect(await code(unlockKeyFile({ ...keyFile, version: 2 } as unknown as KeyFile, 'x'))).toBe('DECRYPT_FAILED');
  });

  it('lock key file: refuses PBKDF2 iterations that are not a whole number in range, before deriving any key', async () => {
    const withIterations = (iterations: unknown) =>
      ({ ...keyFile, kdf: { ...keyFile.kdf, iterations } }) as unknown as KeyFile;
    const refusal = async (iterations: unknown) => {
      const error = await unlockKeyFile(withIterations(iterations), 'correct horse battery staple').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TroveError);
      return error as TroveError;
    };
    // 2^30 iterations would hold the CPU for minutes; a string is coerced by WebCrypto rather than refused.
    const huge = await refusal(2 ** 30);
    expect(huge.code).toBe('DECRYPT_FAILED');
    expect(huge.message).toMatch(
      /asks for 1073741824 PBKDF2 iterations; a valid record has a whole number from 600000 to 6000000/,
    );
    const text = await refusal('1e6');
    expect(text.code).toBe('DECRYPT_FAILED');
    expect(text.message).toMatch(/asks for a string \("1e6"\) PBKDF2 iterations/);
    for (const bad of [PBKDF2_MAX_ITERATIONS + 1, 600_000.5, Number.NaN, Infinity, null, [600_000], 2 ** 53 + 2]) {
      expect((await refusal(bad)).code).toBe('DECRYPT_FAILED');
    }
    expect(await code(createKeyFile('pw', { iterations: PBKDF2_MAX_ITERATIONS + 1 }))).toBe('INVALID_ARGUMENT');
    expect(await code(changePassphrase(keyFile, 'correct horse battery staple', 'x', { iterations: 2 ** 30 }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('lock key file: refuses a salt, wrapped key or check record of the wrong type or size as damaged', async () => {
    const pw = 'correct horse battery staple';
    const damaged = [
      { ...keyFile, kdf: { ...keyFile.kdf, salt: 42 } },
      { ...keyFile, kdf: { ...keyFile.kdf, salt: 'not base64!' } },
      { ...keyFile, kdf: { ...keyFile.kdf, salt: 'AAAA' } },
      { ...keyFile, wrappedKey: 'AAAA' },
      { ...keyFile, check: { x: 1 } },
      { ...keyFile, kdf: 'PBKDF2' },
      null,
    ];
    for (const kf of damaged) expect(await code(unlockKeyFile(kf as unknown as KeyFile, pw))).toBe('DECRYPT_FAILED');
    expect(await code(unlockKeyFile(keyFile, pw))).toBe('resolved');
  });
});

describe('record envelopes', () => {
  let cipher: RecordCipher;
  beforeAll(async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    cipher = new RecordCipher(key);
  });

  it('round-trips strings, objects, bytes and typed vectors with their types', async () => {
    const vector = new Float32Array([0.125, -3.5, 1e-7, Number.NaN]);
    const ids = new Uint32Array([1, 2, 4294967295]);
    const bytes = new Uint8Array([0, 255, 7]);
    expect(await cipher.openString(await cipher.seal('naïve ünïcode ✓'))).toBe('naïve ünïcode ✓');
    expect(await decryptRecord(cipher, await encryptRecord(cipher, { text: 'x', headingPath: ['A'] }))).toEqual({
      text: 'x',
      headingPath: ['A'],
    });
    expect(Array.from(await cipher.openBytes(await cipher.seal(bytes)))).toEqual([0, 255, 7]);
    const f = await cipher.openFloat32(await cipher.seal(vector));
    expect(f).toBeInstanceOf(Float32Array);
    expect(Array.from(f.subarray(0, 3))).toEqual(Array.from(vector.subarray(0, 3)));
    expect(Number.isNaN(f[3])).toBe(true);
    expect(Array.from(await cipher.openUint32(await cipher.seal(ids)))).toEqual(Array.from(ids));
    // A view into a larger buffer seals only its own bytes.
    const big = new Float32Array([9, 8, 7, 6]);
    expect(Array.from(await cipher.openFloat32(await cipher.seal(big.subarray(1, 3))))).toEqual([8, 7]);
  });

  it('uses a fresh random IV per record and adds a fixed overhead', async () => {
    const a = await cipher.seal('same text');
    const b = await cipher.seal('same text');
    expect(a.length).toBe(new TextEncoder().encode('same text').length + ENVELOPE_OVERHEAD);
    expect(Buffer.from(a.subarray(4, 16)).equals(Buffer.from(b.subarray(4, 16)))).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Array.from(a.subarray(0, 3))).toEqual([0x54, 0x45, 2]); // "TE", version 2
  });

  it('fails on a tampered byte, another context, a relabelled kind, an unknown version or another key', async () => {
    const sealed = await cipher.seal('secret', 'chunk:1');
    const flip = (i: number) => {
      const copy = sealed.slice();
      copy[i] ^= 1;
      return copy;
    };
    expect(await code(cipher.open(flip(sealed.length - 1), 'chunk:1'))).toBe('DECRYPT_FAILED');
    expect(await code(cipher.open(flip(20), 'chunk:1'))).toBe('DECRYPT_FAILED');
    expect(await code(cipher.open(sealed, 'chunk:2'))).toBe('DECRYPT_FAILED');
    const relabelled = sealed.slice();
    relabelled[3] = 1; // string → bytes
    expect(await code(cipher.open(relabelled, 'chunk:1'))).toBe('DECRYPT_FAILED');
    expect(await code(cipher.open(flip(2), 'chunk:1'))).toBe('DECRYPT_FAILED');
    expect(await code(cipher.open(sealed.subarray(0, 10), 'chunk:1'))).toBe('DECRYPT_FAILED');
    const other = new RecordCipher(
      await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
    );
    expect(await code(other.open(sealed, 'chunk:1'))).toBe('DECRYPT_FAILED');
    expect(await cipher.open(sealed, 'chunk:1')).toBe('secret');
  });

  it('refuses to open a record as the wrong type', async () => {
    expect(await code(cipher.openFloat32(await cipher.seal('text')))).toBe('DECRYPT_FAILED');
  });

  it('opens a version 1 envelope only when the caller names its legacy context', async () => {
    const legacy = await sealVersion1(legacyKey, 'old secret', 'chunk:1');
    const old = new RecordCipher(legacyKey);
    expect(await code(old.open(legacy, 'any'))).toBe('DECRYPT_FAILED');
    expect(await code(old.open(legacy, 'chunk:1'))).toBe('DECRYPT_FAILED');
    expect(await code(old.open(legacy, '', 'chunk:2'))).toBe('DECRYPT_FAILED');
    expect(await old.open(legacy, '', 'chunk:1')).toBe('old secret');
    expect(envelopeVersion(legacy)).toBe(1);
    expect(envelopeVersion(await old.seal('x'))).toBe(2);
  });
});

let legacyKey: CryptoKey;
beforeAll(async () => {
  legacyKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
});

/** A string record as version 1 envelopes were written: header "TE" 1 2, the context as plain additional data. */
async function sealVersion1(key: CryptoKey, text: string, context: string): Promise<Uint8Array> {
  const header = new Uint8Array([0x54, 0x45, 1, 2]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const additionalData = new Uint8Array([...header, ...new TextEncoder().encode(context)]);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, new TextEncoder().encode(text)),
  );
  return new Uint8Array([...header, ...iv, ...sealed]);
}
