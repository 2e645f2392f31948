// Reads every object store of every IndexedDB database of the page's origin as bytes, so a test can prove that a
// phrase or a vector is NOT stored (encryption at rest, PII redaction, deletion). Strings are dumped both as UTF-8
// and as UTF-16LE, numbers as float64, typed arrays/ArrayBuffers/Blobs as their raw bytes, keys as well as values.
import type { Page } from '@playwright/test';

export interface StoreDump {
  database: string;
  store: string;
  rows: number;
  bytes: Buffer;
}

export async function dumpIndexedDb(page: Page): Promise<StoreDump[]> {
  const raw = await page.evaluate(async () => {
    const parts: Uint8Array[] = [];
    const encoder = new TextEncoder();
    const utf16 = (s: string) => {
      const out = new Uint8Array(s.length * 2);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        out[2 * i] = c & 0xff;
        out[2 * i + 1] = c >> 8;
      }
      return out;
    };
    const walk = async (value: unknown): Promise<void> => {
      if (typeof value === 'string') parts.push(encoder.encode(value), utf16(value));
      else if (typeof value === 'number') parts.push(new Uint8Array(new Float64Array([value]).buffer));
      else if (ArrayBuffer.isView(value))
        parts.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice());
      else if (value instanceof ArrayBuffer) parts.push(new Uint8Array(value.slice(0)));
      else if (value instanceof Blob) parts.push(new Uint8Array(await value.arrayBuffer()));
      else if (Array.isArray(value)) for (const item of value) await walk(item);
      else if (value instanceof Map) {
        for (const [k, v] of value) {
          await walk(k);
          await walk(v);
        }
      } else if (value instanceof Set) for (const v of value) await walk(v);
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          await walk(k);
          await walk(v);
        }
      }
    };
    const toBase64 = (chunks: Uint8Array[]) => {
      let binary = '';
      for (const chunk of chunks)
        for (let i = 0; i < chunk.length; i += 0x8000) binary += String.fromCharCode(...chunk.subarray(i, i + 0x8000));
      return btoa(binary);
    };
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const result: Array<{ database: string; store: string; rows: number; base64: string }> = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
        r.onupgradeneeded = () => r.transaction?.abort(); // never create a database while dumping
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const objectStore = db.transaction(store).objectStore(store);
        const [keys, values] = await Promise.all([request(objectStore.getAllKeys()), request(objectStore.getAll())]);
        parts.length = 0;
        await walk(keys);
        await walk(values);
        result.push({ database: info.name, store, rows: values.length, base64: toBase64(parts) });
      }
      db.close();
    }
    return result;
  });
  return raw.map(({ base64, ...rest }) => ({ ...rest, bytes: Buffer.from(base64, 'base64') }));
}

/** The stores whose bytes contain the text (as UTF-8 or UTF-16LE, case-sensitive). */
export function storesContainingText(dump: StoreDump[], text: string): string[] {
  const needles = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')];
  return dump.filter((s) => needles.some((n) => s.bytes.includes(n))).map((s) => `${s.database}/${s.store}`);
}

/** The stores holding any two consecutive floats of `vector` as float32 bytes (the way vectors are stored). */
export function storesContainingVector(dump: StoreDump[], vector: Float32Array): string[] {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  const windows: Buffer[] = [];
  for (let i = 0; i + 8 <= bytes.length; i += 4) windows.push(bytes.subarray(i, i + 8));
  return dump.filter((s) => windows.some((w) => s.bytes.includes(w))).map((s) => `${s.database}/${s.store}`);
}
