// Property tests of HNSW against the exact flat index on random data: recall stays high for any size, dimension
// and seed, and deleted ids never come back while recall over the survivors holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlatIndex } from './flat.ts';
import { HnswIndex } from './hnsw.ts';
import { clusteredVectors, recallOf, seededRandom } from '../testing/hnsw-test-data.ts';

const K = 10;

const setting = fc.record({
  n: fc.integer({ min: 20, max: 600 }),
  dims: fc.integer({ min: 4, max: 48 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  deleteFraction: fc.double({ min: 0, max: 0.6, noNaN: true }),
  M: fc.constantFrom(8, 16),
});

function meanRecall(hnsw: HnswIndex, flat: FlatIndex, queries: Float32Array, dims: number): number {
  const count = queries.length / dims;
  let total = 0;
  for (let q = 0; q < count; q++) {
    const query = queries.subarray(q * dims, (q + 1) * dims);
    total += recallOf(
      hnsw.search(query, K).map((h) => h.id),
      flat.search(query, K).map((h) => h.id),
    );
  }
  return total / count;
}

describe('HNSW vs flat properties', () => {
  it('recall@10 stays high on random data, before and after deletes; deleted ids never return', () => {
    fc.assert(
      fc.property(setting, ({ n, dims, seed, deleteFraction, M }) => {
        const data = clusteredVectors(n, 20, dims, seed);
        const ids = Uint32Array.from({ length: n }, (_, i) => 5 + i * 7);
        const hnsw = new HnswIndex({ dims, M, seed, efConstruction: 100, ef: 64 });
        const flat = new FlatIndex(dims);
        hnsw.add(ids, data.base);
        flat.add(ids, data.base);
        expect(hnsw.size).toBe(n);
        expect(meanRecall(hnsw, flat, data.queries, dims)).toBeGreaterThanOrEqual(0.9);

        const random = seededRandom(seed);
        const deleted = [...ids].filter(() => random() < deleteFraction);
        hnsw.remove(deleted);
        flat.remove(deleted);
        expect(hnsw.size).toBe(n - deleted.length);
        const gone = new Set(deleted);
        for (let q = 0; q < 20; q++) {
          const hits = hnsw.search(data.queries.subarray(q * dims, (q + 1) * dims), K);
          expect(hits.filter((h) => gone.has(h.id))).toEqual([]);
          expect(hits.length).toBe(Math.min(K, n - deleted.length));
          for (const h of hits) expect(Number.isFinite(h.score)).toBe(true);
        }
        if (n - deleted.length >= K) expect(meanRecall(hnsw, flat, data.queries, dims)).toBeGreaterThanOrEqual(0.85);
      }),
      { numRuns: 25, seed: 29 },
    );
  });
});
