import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import type { Hit } from '../core/types.ts';
import { FlatIndex, type FlatIndexOptions } from './flat.ts';
import { ROWS_PER_PAGE, type IndexPage } from './index-pages.ts';
import { TopK } from '../core/top-k.ts';
import { seededRandom as rng } from '../testing/hnsw-test-data.ts';

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

const configs: FlatIndexOptions[] = [
  { quantization: 'none', backend: 'ts' },
  { quantization: 'none', backend: 'wasm' },
  // Rescoring every row (k × 50 ≥ 500 rows): exact answers, so the plumbing can be checked against brute force.
  { quantization: 'int8', backend: 'wasm', rescore: 50 },
  { quantization: 'int8', backend: 'ts', rescore: 50 },
  { quantization: 'binary', backend: 'wasm', rescore: 50 },
  { quantization: 'binary', backend: 'ts', rescore: 50 },
];

describe.each(configs)('FlatIndex $quantization, $backend kernels, rescore $rescore', (options) => {
  const dims = 16;
  const random = rng(42);
  const n = 500;
  const vectors = randomUnitVectors(n, dims, random);
  const ids = Array.from({ length: n }, (_, i) => 1000 + i * 3);

  it('returns exactly the brute-force top k, in order, with exact float32 scores', () => {
    const index = new FlatIndex(dims, { ...options, initialCapacity: 4 }); // small capacity forces growth
    expect(index.backend).toBe(options.backend);
    index.add(ids.slice(0, 100), vectors.subarray(0, 100 * dims));
    index.add(ids.slice(100), vectors.subarray(100 * dims));
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
    const index = new FlatIndex(dims, options);
    index.add(ids, vectors);
    const removed = ids.filter((_, i) => i % 3 === 0);
    index.remove(removed);
    index.remove([removed[0], 7]); // unknown ids are ignored
    expect(index.size).toBe(n - removed.length);
    expect(removed.some((id) => index.has(id))).toBe(false);
    const keptRows = ids.map((id, row) => ({ id, row })).filter(({ id }) => !removed.includes(id));
    const keptVectors = new Float32Array(keptRows.length * dims);
    keptRows.forEach(({ row }, i) => keptVectors.set(vectors.subarray(row * dims, (row + 1) * dims), i * dims));
    for (let q = 0; q < 10; q++) {
      const query = randomUnitVectors(1, dims, random);
      const got = index.search(query, 25).map((h) => h.id);
      const want = bruteForce(
        keptVectors,
        keptRows.map((r) => r.id),
        dims,
        query,
        25,
      ).map((h) => h.id);
      expect(got).toEqual(want);
      expect(got.some((id) => removed.includes(id))).toBe(false);
    }
    for (const { id, row } of keptRows.slice(0, 20)) {
      expect(Array.from(index.vectorOf(id)!)).toEqual(Array.from(vectors.subarray(row * dims, (row + 1) * dims)));
    }
  });

  it('applies the filter during the scan and returns the k best matches', () => {
    const index = new FlatIndex(dims, options);
    index.add(ids, vectors);
    const query = randomUnitVectors(1, dims, random);
    const even = (id: number) => id % 2 === 0;
    const hits = index.search(query, 10, even);
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => even(h.id))).toBe(true);
    const matching = ids.map((id, row) => ({ id, row })).filter(({ id }) => even(id));
    const matchingVectors = new Float32Array(matching.length * dims);
    matching.forEach(({ row }, i) => matchingVectors.set(vectors.subarray(row * dims, (row + 1) * dims), i * dims));
    const want = bruteForce(
      matchingVectors,
      matching.map((m) => m.id),
      dims,
      query,
      10,
    );
    expect(hits.map((h) => h.id)).toEqual(want.map((h) => h.id));
    // A filter matching fewer than k rows returns all of them.
    expect(
      index
        .search(query, 10, (id) => id === ids[7] || id === ids[8])
        .map((h) => h.id)
        .sort(),
    ).toEqual([ids[7], ids[8]]);
  });

  it('re-adding an id replaces its vector (the last copy wins within one call)', () => {
    const index = new FlatIndex(2, options);
    index.add([1, 2], new Float32Array([1, 0, 0, 1]));
    index.add([1], new Float32Array([0, 1]));
    expect(index.size).toBe(2);
    expect(Array.from(index.vectorOf(1)!)).toEqual([0, 1]);
    index.add([3, 3, 2], new Float32Array([1, 0, -1, 0, 0.6, 0.8]));
    expect(index.size).toBe(3);
    expect(Array.from(index.vectorOf(3)!)).toEqual([-1, 0]);
    const top = index.search(new Float32Array([-1, 0]), 1);
    expect(top).toEqual([{ id: 3, score: 1 }]);
  });

  it('handles k larger than the index, k = 0 and an empty index', () => {
    const index = new FlatIndex(3, options);
    expect(index.search(new Float32Array([1, 0, 0]), 5)).toEqual([]);
    index.add([4, 5], new Float32Array([1, 0, 0, 0, 1, 0]));
    expect(index.search(new Float32Array([1, 0, 0]), 5).map((h) => h.id)).toEqual([4, 5]);
    expect(index.search(new Float32Array([1, 0, 0]), 0)).toEqual([]);
  });

  it('rejects wrong shapes', () => {
    const index = new FlatIndex(3, options);
    expect(() => index.add([1], new Float32Array(2))).toThrow(RangeError);
    expect(() => index.search(new Float32Array(2), 1)).toThrow(RangeError);
    expect(() => new FlatIndex(0, options)).toThrow(RangeError);
  });
});

/** Unit vectors from a seeded Gaussian mixture: `clusters` random unit centres, each point centre + noise. */
function clustered(n: number, dims: number, clusters: number, noise: number, seed: number): Float32Array {
  const random = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = randomUnitVectors(clusters, dims, rng(1));
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * clusters);
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const v = centres[c * dims + d] + (noise / Math.sqrt(dims)) * gauss();
      out[i * dims + d] = v;
      norm += v * v;
    }
    for (let d = 0; d < dims; d++) out[i * dims + d] /= Math.sqrt(norm);
  }
  return out;
}

describe('FlatIndex recall with quantization and rescoring', () => {
  const dims = 384;
  const n = 4000;
  // Noise 2: binary needs real rescoring here (×3 gives recall 0.73, ×20 0.99).
  const base = clustered(n, dims, 40, 2, 7);
  const queries = clustered(100, dims, 40, 2, 8);
  const ids = Array.from({ length: n }, (_, i) => i);
  const exact = new FlatIndex(dims);
  exact.add(ids, base);
  const truth = Array.from({ length: 100 }, (_, q) => exact.search(queries.subarray(q * dims, (q + 1) * dims), 10));

  for (const quantization of ['int8', 'binary'] as const) {
    it(`${quantization}: recall@10 ≥ 0.99 at the default rescore, scores exact`, () => {
      const index = new FlatIndex(dims, { quantization });
      index.add(ids, base);
      let found = 0;
      truth.forEach((want, q) => {
        const got = index.search(queries.subarray(q * dims, (q + 1) * dims), 10);
        const wanted = new Set(want.map((h) => h.id));
        found += got.filter((h) => wanted.has(h.id)).length;
        // Whatever was found carries its exact float32 score.
        for (const hit of got) {
          const same = want.find((h) => h.id === hit.id);
          if (same) expect(hit.score).toBeCloseTo(same.score, 6);
        }
      });
      const recall = found / (truth.length * 10);
      console.log(`flat ${quantization} rescore ${index.rescore}: recall@10 ${recall.toFixed(3)}`);
      expect(recall).toBeGreaterThanOrEqual(0.99);
    });
  }
});

describe('FlatIndex pages', () => {
  const dims = 12;
  const random = rng(77);

  function store(pages: IndexPage[], removed: string[], into: Map<string, Uint8Array>): void {
    for (const page of pages) into.set(page.name, page.bytes.slice());
    for (const name of removed) into.delete(name);
  }
  /** Identical hits on the same backend; across backends the same ids, scores within float32 rounding. */
  function sameAnswers(a: FlatIndex, b: FlatIndex): void {
    expect(b.size).toBe(a.size);
    const same = (got: Hit[], want: Hit[]) => {
      if (a.backend === b.backend) return expect(got).toEqual(want);
      expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
      got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i].score, 6));
    };
    for (let q = 0; q < 8; q++) {
      const query = randomUnitVectors(1, dims, random);
      same(b.search(query, 10), a.search(query, 10));
      same(
        b.search(query, 5, (id) => id % 3 === 0),
        a.search(query, 5, (id) => id % 3 === 0),
      );
    }
  }

  for (const quantization of ['none', 'int8', 'binary'] as const) {
    it(`${quantization}: allPages round trip gives identical search results, on either backend`, () => {
      const index = new FlatIndex(dims, { quantization, rescore: 3 });
      const n = ROWS_PER_PAGE + 123;
      index.add(
        Array.from({ length: n }, (_, i) => i * 2 + 1),
        randomUnitVectors(n, dims, random),
      );
      index.remove([1, 5, 9]);
      const pages = index.allPages();
      expect(pages.map((p) => p.name).sort()).toEqual(
        ['meta', 'ids/0', 'ids/1', 'vec/0', 'vec/1', ...(quantization === 'none' ? [] : ['f32/0', 'f32/1'])].sort(),
      );
      for (const backend of ['wasm', 'ts'] as const) {
        const loaded = FlatIndex.fromPages(pages, { backend });
        expect(loaded.backend).toBe(backend);
        expect(loaded.quantization).toBe(quantization);
        expect(loaded.rescore).toBe(3);
        expect(loaded.bytesPerVector).toBe(index.bytesPerVector);
        expect(loaded.has(3)).toBe(true);
        expect(loaded.has(5)).toBe(false);
        expect(loaded.vectorOf(7)).toEqual(index.vectorOf(7));
        sameAnswers(index, loaded);
        expect(loaded.takeDirtyPages()).toEqual({ pages: [], removedPages: [] }); // loaded = stored
      }
    });

    it(`${quantization}: dirty pages written incrementally rebuild the same index`, () => {
      const index = new FlatIndex(dims, { quantization });
      const saved = new Map<string, Uint8Array>();
      const fromSaved = () => FlatIndex.fromPages([...saved].map(([name, bytes]) => ({ name, bytes })));
      let next = 0;
      const addRows = (count: number) => {
        index.add(
          Array.from({ length: count }, () => next++),
          randomUnitVectors(count, dims, random),
        );
      };
      addRows(2 * ROWS_PER_PAGE + 10);
      store(index.takeDirtyPages().pages, [], saved);
      sameAnswers(index, fromSaved());
      // Remove across pages, re-add some ids, append, then shrink below a page boundary.
      index.remove([3, ROWS_PER_PAGE + 4, 2 * ROWS_PER_PAGE + 1]);
      index.add([ROWS_PER_PAGE + 9], randomUnitVectors(1, dims, random));
      addRows(5);
      let dirty = index.takeDirtyPages();
      store(dirty.pages, dirty.removedPages, saved);
      sameAnswers(index, fromSaved());
      index.remove(Array.from({ length: ROWS_PER_PAGE }, (_, i) => i + 10));
      dirty = index.takeDirtyPages();
      expect(dirty.removedPages.sort()).toEqual(
        ['ids/2', 'vec/2', ...(quantization === 'none' ? [] : ['f32/2'])].sort(),
      );
      store(dirty.pages, dirty.removedPages, saved);
      sameAnswers(index, fromSaved());
      expect(saved.size).toBe(1 + 2 * (quantization === 'none' ? 2 : 3));
    });
  }

  it('appending 10 rows to a 10,000-row index dirties only the tail page and meta', () => {
    for (const quantization of ['none', 'int8'] as const) {
      const index = new FlatIndex(dims, { quantization });
      index.add(
        Array.from({ length: 10_000 }, (_, i) => i),
        randomUnitVectors(10_000, dims, random),
      );
      const first = index.takeDirtyPages();
      expect(first.pages).toHaveLength(1 + 3 * (quantization === 'none' ? 2 : 3));
      expect(index.takeDirtyPages()).toEqual({ pages: [], removedPages: [] }); // nothing changed since
      index.add(
        Array.from({ length: 10 }, (_, i) => 10_000 + i),
        randomUnitVectors(10, dims, random),
      );
      const { pages, removedPages } = index.takeDirtyPages();
      const tail = Math.floor(10_000 / ROWS_PER_PAGE);
      expect(pages.map((p) => p.name).sort()).toEqual(
        [`ids/${tail}`, `vec/${tail}`, 'meta', ...(quantization === 'none' ? [] : [`f32/${tail}`])].sort(),
      );
      expect(removedPages).toEqual([]);
      // A swap-remove dirties the hole's page and the last page.
      index.remove([5]);
      expect(
        index
          .takeDirtyPages()
          .pages.map((p) => p.name)
          .filter((name) => name.startsWith('ids/'))
          .sort(),
      ).toEqual(['ids/0', `ids/${tail}`]);
    }
  });

  it('a new index hands out its meta page; damaged pages are refused', () => {
    const index = new FlatIndex(dims);
    expect(index.takeDirtyPages().pages.map((p) => p.name)).toEqual(['meta']);
    index.add([1, 2], randomUnitVectors(2, dims, random));
    const pages = index.allPages();
    expect(() => FlatIndex.fromPages(pages.filter((p) => p.name !== 'vec/0'))).toThrow(TroveError);
    expect(() => FlatIndex.fromPages(pages.filter((p) => p.name !== 'meta'))).toThrow(TroveError);
    const short = pages.map((p) => (p.name === 'ids/0' ? { name: p.name, bytes: p.bytes.subarray(4) } : p));
    expect(() => FlatIndex.fromPages(short)).toThrow(TroveError);
    expect(FlatIndex.fromPages(pages).size).toBe(2);
  });
});

describe('TopK', () => {
  it('keeps the k largest', () => {
    const top = new TopK(3);
    [5, 1, 9, 3, 7, 2].forEach((s, i) => top.push(i, s));
    expect(top.sorted().map((h) => h.score)).toEqual([9, 7, 5]);
  });
});
