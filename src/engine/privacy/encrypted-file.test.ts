import { describe, expect, it } from 'vitest';
import { PBKDF2_MAX_ITERATIONS } from './crypto.ts';
import { decryptPieces, encryptPieces, isEncryptedFile, openEncryptedFile } from './encrypted-file.ts';

const PASSPHRASE = 'correct horse battery';
const encoder = new TextEncoder();

async function* piecesOf(...parts: Uint8Array[]) {
  yield* parts;
}

async function collect(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const piece of pieces) parts.push(piece);
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

async function encrypt(plain: Uint8Array, segmentBytes = 1024): Promise<Uint8Array> {
  return collect(encryptPieces(piecesOf(plain.subarray(0, 100), plain.subarray(100)), PASSPHRASE, { segmentBytes }));
}

async function decrypt(file: Uint8Array, passphrase = PASSPHRASE): Promise<Uint8Array> {
  const opened = await openEncryptedFile(file, passphrase, 'lib.trove');
  return collect(decryptPieces(opened, file, 'lib.trove'));
}

/** The header as JSON, and a copy of the file with it replaced (same length prefix rewritten). */
function withHeader(file: Uint8Array, change: (header: Record<string, unknown>) => void): Uint8Array {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(file.subarray(12, 12 + length))) as Record<string, unknown>;
  change(header);
  const json = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(12 + json.length + file.length - 12 - length);
  out.set(file.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(file.subarray(12 + length), 12 + json.length);
  return out;
}

const plain = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 251);

describe('encrypted file (passphrase export)', () => {
  it('round-trips any length through several segments, and holds none of the plain bytes', async () => {
    for (const length of [0, 1024, 5000]) {
      const file = await encrypt(plain.subarray(0, length));
      expect(isEncryptedFile(file)).toBe(true);
      expect(await decrypt(file)).toEqual(plain.subarray(0, length));
    }
    const secret = encoder.encode('the secret sourdough recipe');
    const file = await encrypt(secret);
    expect(Buffer.from(file).includes(Buffer.from(secret))).toBe(false);
  });

  it('refuses a wrong passphrase with WRONG_PASSPHRASE before reading any segment', async () => {
    const file = await encrypt(plain);
    await expect(decrypt(file, 'not the passphrase')).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
      message: expect.stringContaining('lib.trove'),
    });
    await expect(decrypt(file, '')).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
      message: expect.stringContaining('is encrypted'),
    });
  });

  it('refuses a tampered header: each field checked, and an authenticated change fails the check', async () => {
    const file = await encrypt(plain);
    const refused = async (change: (h: Record<string, unknown>) => void, message: RegExp) =>
      expect(decrypt(withHeader(file, change))).rejects.toMatchObject({ code: 'IMPORT_INVALID', message });
    await refused((h) => ((h.kdf as Record<string, unknown>).iterations = PBKDF2_MAX_ITERATIONS + 1), /iterations/);
    await refused((h) => ((h.kdf as Record<string, unknown>).iterations = '1e6'), /iterations/);
    await refused((h) => ((h.kdf as Record<string, unknown>).iterations = 1000), /iterations/);
    await refused((h) => ((h.kdf as Record<string, unknown>).salt = 'AAAA'), /salt/);
    await refused((h) => ((h.kdf as Record<string, unknown>).hash = 'SHA-1'), /PBKDF2-SHA-256/);
    await refused((h) => (h.cipher = 'AES-CBC'), /cipher/);
    await refused((h) => (h.segmentBytes = 2 ** 40), /segment size/);
    await refused((h) => (h.nonce = 12), /nonce/);
    await refused((h) => (h.version = 2), /version 2.*update Trove/);
    await refused((h) => (h.extra = true), /unknown fields/);
    // Valid fields but not the ones sealed with: the header is authenticated.
    await expect(decrypt(withHeader(file, (h) => (h.segmentBytes = 2048)))).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    const oversized = file.slice();
    new DataView(oversized.buffer).setUint32(8, 1 << 30, true);
    await expect(decrypt(oversized)).rejects.toMatchObject({ code: 'IMPORT_INVALID', message: /header claims/ });
  });

  it('refuses a flipped, dropped, reordered or appended segment and a file cut at a segment boundary', async () => {
    const file = await encrypt(plain);
    const length = new DataView(file.buffer).getUint32(8, true);
    const body = 12 + length + 32;
    const segment = 1024 + 16;
    const broken = [
      (() => {
        const f = file.slice();
        f[body + 5] ^= 1;
        return f;
      })(),
      Uint8Array.from([...file.subarray(0, body), ...file.subarray(body + segment)]),
      Uint8Array.from([
        ...file.subarray(0, body),
        ...file.subarray(body + segment, body + 2 * segment),
        ...file.subarray(body, body + segment),
        ...file.subarray(body + 2 * segment),
      ]),
      Uint8Array.from([...file, ...file.subarray(body, body + segment)]),
      file.subarray(0, body + 2 * segment),
      file.subarray(0, file.length - 3),
    ];
    for (const f of broken) {
      await expect(decrypt(f)).rejects.toMatchObject({ code: 'IMPORT_INVALID', message: /segment \d+/ });
    }
  });
});
