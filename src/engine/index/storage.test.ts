import { describe, expect, it } from 'vitest';
import { quantizeInt8 } from './quantize.ts';
import { BATCH } from './storage-rows.ts';
import { createVectorStorage, wasmKernelsAvailable } from './storage.ts';
import type { Quantization } from './vector-storage.ts';
import { seededRandom as rng } from '../testing/hnsw-test-data.ts';

function unitVectors(n: number, dims: number, random: () => number): Float32Array {
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += (out[i * dims + d] = random() * 2 - 1) ** 2;
    for (let d = 0; d < dims; d++) out[i * dims + d] /= Math.sqrt(norm) || 1;
  }
  return out;
}

const row = (v: Float32Array, dims: number, r: number) => v.subarray(r * dims, (r + 1) * dims);

function dot(a: ArrayLike<number>, b: ArrayLike<number>, dims: number): number {
  let s = 0;
  for (let d = 0; d < dims; d++) s += a[d] * b[d];
  return s;
}

/** What each storage's score should be, computed straight from the float vectors. */
function reference(quantization: Quantization, a: Float32Array, b: Float32Array, dims: number): number {
  if (quantization === 'none') return dot(a, b, dims);
  if (quantization === 'binary') {
    let agree = 0;
    for (let d = 0; d < dims; d++) agree += a[d] > 0 === b[d] > 0 ? 1 : -1;
    return agree;
  }
  const ca = new Int8Array(dims);
  const cb = new Int8Array(dims);
  const scaleA = quantizeInt8(a, 0, dims, ca, 0);
  const scaleB = quantizeInt8(b, 0, dims, cb, 0);
  return dot(ca, cb, dims) * scaleA * scaleB;
}

const tolerance = { none: 1e-5, int8: 1e-5, binary: 0 } as const;
const quantizations: Quantization[] = ['none', 'int8', 'binary'];
const backends = ['wasm', 'ts'] as const;

describe.each(quantizations)('%s storage', (quantization) => {
  for (const backend of backends) {
    describe(backend, () => {
      for (const dims of [1, 7, 33, 100, 384]) {
        it(`scoreRange, scoreRows and scorePair match the reference (${dims} dims)`, () => {
          const random = rng(dims * 31 + quantization.length);
          const n = 300;
          const vectors = unitVectors(n, dims, random);
          const storage = createVectorStorage(dims, quantization, { backend, initialCapacity: 2 });
          // Several appends: growth while rows exist.
          expect(storage.append(vectors.subarray(0, 10 * dims))).toBe(0);
          expect(storage.append(vectors.subarray(10 * dims))).toBe(10);
          expect(storage.size).toBe(n);
          const query = unitVectors(1, dims, random);
          const prepared = storage.prepare(query);
          const want = Array.from({ length: n }, (_, r) => reference(quantization, query, row(vectors, dims, r), dims));
          const close = (got: number, expected: number) =>
            expect(Math.abs(got - expected)).toBeLessThanOrEqual(
              tolerance[quantization] * Math.max(1, Math.abs(expected)),
            );

          const out = new Float32Array(n);
          storage.scoreRange(prepared, 0, n, out);
          out.forEach((s, r) => close(s, want[r]));
          storage.scoreRange(prepared, 250, 260, out);
          for (let i = 0; i < 10; i++) close(out[i], want[250 + i]);
          out.fill(7);
          storage.scoreRange(prepared, 5, 5, out); // empty
          expect(out[0]).toBe(7);

          const rows = Uint32Array.from([299, 0, 17, 17, 150]);
          storage.scoreRows(prepared, rows, 4, out);
          for (let i = 0; i < 4; i++) close(out[i], want[rows[i]]);
          expect(out[4]).toBe(7);

          for (const [a, b] of [
            [0, 1],
            [5, 5],
            [299, 100],
          ]) {
            close(storage.scorePair(a, b), reference(quantization, row(vectors, dims, a), row(vectors, dims, b), dims));
          }
          prepared.release();
        });
      }

      it('scores lists and ranges longer than one kernel batch', () => {
        const dims = 24;
        const n = BATCH * 2 + 77;
        const vectors = unitVectors(n, dims, rng(5));
        const storage = createVectorStorage(dims, quantization, { backend });
        storage.append(vectors);
        const query = unitVectors(1, dims, rng(6));
        const prepared = storage.prepare(query);
        const out = new Float32Array(n);
        storage.scoreRange(prepared, 1, n, out);
        const rows = Uint32Array.from({ length: n }, (_, i) => n - 1 - i);
        const gathered = new Float32Array(n);
        storage.scoreRows(prepared, rows, n, gathered);
        for (let r = 1; r < n; r++) {
          expect(out[r - 1]).toBeCloseTo(reference(quantization, query, row(vectors, dims, r), dims), 4);
          expect(gathered[n - 1 - r]).toBe(out[r - 1]);
        }
      });

      it('move, truncate and export/import keep exact bytes', () => {
        const dims = 20;
        const vectors = unitVectors(6, dims, rng(9));
        const storage = createVectorStorage(dims, quantization, { backend });
        storage.append(vectors);
        const bytes = storage.exportRows(0, 6);
        expect(bytes.length).toBe(6 * storage.bytesPerVector);
        storage.move(5, 1);
        expect(storage.exportRows(1, 2)).toEqual(
          bytes.subarray(5 * storage.bytesPerVector, 6 * storage.bytesPerVector),
        );
        storage.truncate(3);
        expect(storage.size).toBe(3);
        expect(() => storage.scorePair(0, 3)).toThrow(RangeError);
        // Import into a fresh storage of the other backend: the layout is the same.
        const other = createVectorStorage(dims, quantization, { backend: backend === 'wasm' ? 'ts' : 'wasm' });
        expect(other.importRows(bytes)).toBe(0);
        expect(other.exportRows(0, 6)).toEqual(bytes);
        expect(other.importRows(bytes.subarray(0, 2 * other.bytesPerVector))).toBe(6);
        expect(other.size).toBe(8);
        expect(other.scorePair(7, 1)).toBe(other.scorePair(1, 1)); // row 7 is a copy of row 1
        expect(() => other.importRows(new Uint8Array(other.bytesPerVector + 1))).toThrow(RangeError);
      });

      it('refuses queries of another storage, released queries and wrong shapes', () => {
        const a = createVectorStorage(8, quantization, { backend });
        const b = createVectorStorage(8, quantization, { backend });
        a.append(unitVectors(3, 8, rng(1)));
        const query = b.prepare(unitVectors(1, 8, rng(2)));
        const out = new Float32Array(3);
        expect(() => a.scoreRange(query, 0, 3, out)).toThrow(/another storage/);
        const own = a.prepare(unitVectors(1, 8, rng(2)));
        own.release();
        expect(() => a.scoreRange(own, 0, 3, out)).toThrow(/released/);
        expect(() => a.prepare(new Float32Array(7))).toThrow(RangeError);
        expect(() => a.append(new Float32Array(9))).toThrow(RangeError);
        expect(() => a.scoreRange(a.prepare(unitVectors(1, 8, rng(3))), 0, 4, new Float32Array(4))).toThrow(RangeError);
      });
    });
  }

  it('both backends encode rows to the same bytes', () => {
    const dims = 77;
    const vectors = unitVectors(40, dims, rng(11));
    const [wasm, ts] = backends.map((backend) => createVectorStorage(dims, quantization, { backend }));
    wasm.append(vectors);
    ts.append(vectors);
    expect(wasm.exportRows(0, 40)).toEqual(ts.exportRows(0, 40));
  });
});

describe('storage details', () => {
  it('uses the WebAssembly kernels by default where SIMD exists', () => {
    expect(wasmKernelsAvailable()).toBe(true);
    expect(createVectorStorage(4, 'int8').backend).toBe('wasm');
  });

  it('bytes per vector: float32 4 × dims, int8 dims + a 4-byte scale, binary dims / 8 (padded)', () => {
    const bytes = (q: Quantization, dims: number) => createVectorStorage(dims, q).bytesPerVector;
    expect([bytes('none', 384), bytes('int8', 384), bytes('binary', 384)]).toEqual([1536, 388, 48]);
    expect([bytes('none', 5), bytes('int8', 17), bytes('binary', 65)]).toEqual([32, 36, 16]);
  });

  it('binary scores are the exact dot products of ±1 vectors', () => {
    const dims = 130;
    const random = rng(21);
    const signs = new Float32Array(50 * dims).map(() => (random() < 0.5 ? -1 : 1));
    for (const backend of backends) {
      const storage = createVectorStorage(dims, 'binary', { backend });
      storage.append(signs);
      const query = row(signs, dims, 3);
      const out = new Float32Array(50);
      storage.scoreRange(storage.prepare(query), 0, 50, out);
      out.forEach((s, r) => expect(s).toBe(dot(query, row(signs, dims, r), dims)));
      expect(out[3]).toBe(dims);
      expect(storage.scorePair(3, 7)).toBe(dot(query, row(signs, dims, 7), dims));
    }
  });

  it('int8 scores approximate the exact cosine', () => {
    const dims = 384;
    const random = rng(33);
    const vectors = unitVectors(2000, dims, random);
    const storage = createVectorStorage(dims, 'int8');
    storage.append(vectors);
    let maxError = 0;
    const out = new Float32Array(2000);
    for (let q = 0; q < 20; q++) {
      const query = unitVectors(1, dims, random);
      storage.scoreRange(storage.prepare(query), 0, 2000, out);
      out.forEach((s, r) => (maxError = Math.max(maxError, Math.abs(s - dot(query, row(vectors, dims, r), dims)))));
    }
    console.log(`int8 max |score − exact cosine| over 40,000 pairs at 384 dims: ${maxError.toExponential(2)}`);
    expect(maxError).toBeLessThan(0.005);
  });

  it('a zero vector quantizes to zero codes and scores 0', () => {
    for (const quantization of ['int8', 'none'] as const) {
      const storage = createVectorStorage(3, quantization);
      storage.append(new Float32Array([0, 0, 0, 1, 0, 0]));
      const out = new Float32Array(2);
      storage.scoreRange(storage.prepare(new Float32Array([1, 0, 0])), 0, 2, out);
      expect(Array.from(out)).toEqual([0, 1]);
    }
  });
});
