import { describe, expect, it } from 'vitest';
import { FlatIndex } from './flat.ts';
import { TopK } from './top-k.ts';

/** Seeded PRNG (mulberry32) so the test data is the same on every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomUnitVectors(n: number, dims: number, random: () => number): Float32Array {
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const v = random() * 2 - 1;
      out[i * dims + d] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dims; d++) out[i * dims + d] /= norm;
  }
  return out;
}

function bruteForce(vectors: Float32Array, ids: number[], dims: number, q: Float32Array, k: number) {
  return ids
    .map((id, row) => {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += vectors[row * dims + d] * q[d];
      return { id, score: dot };
    })
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, k);
}

describe('FlatIndex', () => {
  const dims = 16;
  const random = rng(42);
  const n = 500;
  const vectors = randomUnitVectors(n, dims, random);
  const ids = Array.from({ length: n }, (_, i) => 1000 + i * 3);

  it('returns exactly the brute-force top k, in order', () => {
    const index = new FlatIndex(dims, 4); // small capacity forces growth
    index.add(ids, vectors);
    expect(index.size).toBe(n);
    for (let q = 0; q < 20; q++) {
      const query = randomUnitVectors(1, dims, random);
      const got = index.search(query, 10);
      const want = bruteForce(vectors, ids, dims, query, 10);
      expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
      got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i].score, 5));
    }
  });

  it('never returns removed ids and stays exact after removal', () => {
    const index = new FlatIndex(dims);
    index.add(ids, vectors);
    const removed = ids.filter((_, i) => i % 3 === 0);
    index.remove(removed);
    expect(index.size).toBe(n - removed.length);
    const keptRows = ids.map((id, row) => ({ id, row })).filter(({ id }) => !removed.includes(id));
    const keptVectors = new Float32Array(keptRows.length * dims);
    keptRows.forEach(({ row }, i) => keptVectors.set(vectors.subarray(row * dims, (row + 1) * dims), i * dims));
    for (let q = 0; q < 10; q++) {
      const query = randomUnitVectors(1, dims, random);
      const got = index.search(query, 25).map((h) => h.id);
      const want = bruteForce(keptVectors, keptRows.map((r) => r.id), dims, query, 25).map((h) => h.id);
      expect(got).toEqual(want);
      expect(got.some((id) => removed.includes(id))).toBe(false);
    }
  });

  it('applies the filter during the scan and still returns k matches', () => {
    const index = new FlatIndex(dims);
    index.add(ids, vectors);
    const query = randomUnitVectors(1, dims, random);
    const hits = index.search(query, 10, (id) => id % 2 === 0);
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => h.id % 2 === 0)).toBe(true);
  });

  it('re-adding an id replaces its vector', () => {
    const index = new FlatIndex(2);
    index.add([1, 2], new Float32Array([1, 0, 0, 1]));
    index.add([1], new Float32Array([0, 1]));
    expect(index.size).toBe(2);
    expect(Array.from(index.vectorOf(1)!)).toEqual([0, 1]);
  });

  it('rejects wrong shapes', () => {
    const index = new FlatIndex(3);
    expect(() => index.add([1], new Float32Array(2))).toThrow(RangeError);
    expect(() => index.search(new Float32Array(2), 1)).toThrow(RangeError);
  });
});

describe('TopK', () => {
  it('keeps the k largest', () => {
    const top = new TopK(3);
    [5, 1, 9, 3, 7, 2].forEach((s, i) => top.push(i, s));
    expect(top.sorted().map((h) => h.score)).toEqual([9, 7, 5]);
  });
});
