import { describe, expect, it } from 'vitest';
import type { Hit } from '../core/types.ts';
import { FlatIndex } from './flat.ts';
import { HnswIndex, type HnswOptions } from './hnsw.ts';
import { clusteredVectors, recallOf } from '../testing/hnsw-test-data.ts';
import type { IndexPage } from './index-pages.ts';
import { createVectorStorage } from './storage.ts';
import type { Quantization, VectorStorage } from './vector-storage.ts';

const DIMS = 384;
const N = 5000;
const QUERIES = 100;
const K = 10;
const data = clusteredVectors(N, QUERIES, DIMS, 20251125);
const ids = Uint32Array.from({ length: N }, (_, i) => 7 + i * 3); // ids ≠ rows
const query = (q: number, from = data.queries, dims = DIMS): Float32Array => from.subarray(q * dims, (q + 1) * dims);
const vectorOf = (row: number, from = data.base, dims = DIMS): Float32Array =>
  from.subarray(row * dims, (row + 1) * dims);

const flat = new FlatIndex(DIMS);
flat.add(ids, data.base);

/** Built once per setting and shared by the tests that only read it. */
const builds = new Map<string, HnswIndex>();
function built(quantization: Quantization = 'none'): HnswIndex {
  let index = builds.get(quantization);
  if (!index) {
    index = new HnswIndex({ dims: DIMS, seed: 1, quantization });
    index.add(ids, data.base);
    builds.set(quantization, index);
  }
  return index;
}

function meanRecall(
  index: HnswIndex,
  truth: FlatIndex,
  search: (q: Float32Array) => Hit[] = (q) => index.search(q, K),
): number {
  let total = 0;
  for (let q = 0; q < QUERIES; q++) {
    const want = truth.search(query(q), K).map((h) => h.id);
    total += recallOf(
      search(query(q)).map((h) => h.id),
      want,
    );
  }
  return total / QUERIES;
}

const pageMap = (pages: IndexPage[]): Map<string, Uint8Array> => new Map(pages.map((p) => [p.name, p.bytes]));

function expectSamePages(a: IndexPage[], b: IndexPage[]): void {
  const left = pageMap(a);
  const right = pageMap(b);
  expect([...left.keys()].sort()).toEqual([...right.keys()].sort());
  for (const [name, bytes] of left) expect(Buffer.compare(bytes, right.get(name)!), name).toBe(0);
}

/** A storage that counts every similarity it computes. */
function countingStorage(counter: { scores: number }) {
  return (dims: number, quantization: Quantization): VectorStorage => {
    const inner = createVectorStorage(dims, quantization);
    return new Proxy(inner, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (typeof value !== 'function') return value;
        if (key === 'scoreRows' || key === 'scorePair' || key === 'scoreRange') {
          return (...args: unknown[]) => {
            counter.scores++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  };
}

describe('HnswIndex: graph search', () => {
  it('reaches recall@10 ≥ 0.95 against the flat index on 5,000 clustered 384-d vectors', () => {
    const index = built();
    expect(index.size).toBe(N);
    expect(index.kind).toBe('hnsw');
    const recall = meanRecall(index, flat);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // Scores are the exact dot products, best first.
    const hits = index.search(query(0), K);
    const exact = new Map(flat.search(query(0), N).map((h) => [h.id, h.score]));
    for (const hit of hits) expect(hit.score).toBeCloseTo(exact.get(hit.id)!, 5);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
  });

  it('gets better with a larger ef, set per search or on the index', () => {
    const index = built();
    const low = meanRecall(index, flat, (q) => index.search(q, K, undefined, { ef: 10 }));
    const high = meanRecall(index, flat, (q) => index.search(q, K, undefined, { ef: 200 }));
    expect(high).toBeGreaterThan(low);
    expect(high).toBeGreaterThanOrEqual(0.99);
    const saved = index.ef;
    index.ef = 200;
    expect(meanRecall(index, flat)).toBe(high);
    index.ef = saved;
  });

  it('finds every stored vector as its own nearest neighbour', () => {
    const index = built();
    for (let row = 0; row < N; row += 97) expect(index.search(vectorOf(row), 1)[0].id).toBe(ids[row]);
  });

  it('builds the identical graph from the same seed, and a different one from another seed', () => {
    const small = clusteredVectors(1500, 0, 64, 5);
    const make = (seed: number): IndexPage[] => {
      const index = new HnswIndex({ dims: 64, seed, M: 8, efConstruction: 64 });
      index.add(ids.subarray(0, 1500), small.base);
      return index.allPages();
    };
    const a = make(3);
    expectSamePages(a, make(3));
    const c = pageMap(make(4));
    expect(Buffer.compare(pageMap(a).get('nodes/0')!, c.get('nodes/0')!)).not.toBe(0);
  });

  it('continues reproducibly after a reload: two sessions of inserts equal one', () => {
    const small = clusteredVectors(1200, 0, 48, 6);
    const options: HnswOptions = { dims: 48, seed: 9, M: 8, efConstruction: 48 };
    const once = new HnswIndex(options);
    once.add(ids.subarray(0, 1200), small.base);
    const first = new HnswIndex(options);
    first.add(ids.subarray(0, 700), small.base.subarray(0, 700 * 48));
    const second = HnswIndex.fromPages(first.allPages());
    second.add(ids.subarray(700, 1200), small.base.subarray(700 * 48));
    expectSamePages(second.allPages(), once.allPages());
  });

  it('handles the edges: empty index, k above size, replaced ids, unknown removals, bad input', () => {
    const index = new HnswIndex({ dims: 4, seed: 1 });
    expect(index.search(new Float32Array([1, 0, 0, 0]), 5)).toEqual([]);
    index.add([5], new Float32Array([1, 0, 0, 0]));
    index.add([6, 7], new Float32Array([0, 1, 0, 0, 0, 0, 1, 0]));
    expect(index.search(new Float32Array([1, 0, 0, 0]), 10).map((h) => h.id)).toEqual([5, 6, 7]);
    expect(index.search(new Float32Array([1, 0, 0, 0]), 0)).toEqual([]);
    // Re-adding an id replaces its vector.
    index.add([5], new Float32Array([0, 0, 0, 1]));
    expect(index.size).toBe(3);
    expect(index.search(new Float32Array([0, 0, 0, 1]), 1)[0]).toEqual({ id: 5, score: 1 });
    index.remove([12345]);
    expect(index.size).toBe(3);
    index.remove([5, 6, 7]);
    expect(index.size).toBe(0);
    expect(index.has(6)).toBe(false);
    expect(index.search(new Float32Array([0, 1, 0, 0]), 3)).toEqual([]);
    index.add([6], new Float32Array([0, 1, 0, 0]));
    expect(index.search(new Float32Array([0, 1, 0, 0]), 3)).toEqual([{ id: 6, score: 1 }]);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(RangeError);
    expect(() => index.add([1], new Float32Array(3))).toThrow(RangeError);
    expect(() => index.add([-1], new Float32Array(4))).toThrow(RangeError);
    expect(() => new HnswIndex({ dims: 0 })).toThrow(RangeError);
  });
});

describe('HnswIndex: delete', () => {
  it('never returns deleted ids and keeps recall ≥ 0.9 after deleting 30% (repaired in batches)', () => {
    const index = new HnswIndex({ dims: DIMS, seed: 1 });
    index.add(ids, data.base);
    const remaining = new FlatIndex(DIMS);
    remaining.add(ids, data.base);
    const deleted = new Set<number>();
    const order = Array.from({ length: N }, (_, row) => row).filter((row) => (row * 2654435761) % 1000 < 300);
    // Ten batches: tombstones pile up, then a consolidation repairs them (more than 10% of the live nodes).
    for (let b = 0; b < 10; b++) {
      const batch = order.slice((b * order.length) / 10, ((b + 1) * order.length) / 10).map((row) => ids[row]);
      index.remove(batch);
      remaining.remove(batch);
      for (const id of batch) deleted.add(id);
      for (let q = 0; q < QUERIES; q += 5) {
        for (const hit of index.search(query(q), K)) expect(deleted.has(hit.id)).toBe(false);
      }
    }
    expect(index.size).toBe(N - deleted.size);
    for (let q = 0; q < QUERIES; q++) {
      const hits = index.search(query(q), K);
      expect(hits).toHaveLength(K);
      for (const hit of hits) expect(deleted.has(hit.id)).toBe(false);
    }
    expect(meanRecall(index, remaining)).toBeGreaterThanOrEqual(0.9);
    // Deleted vectors themselves find only live neighbours.
    for (const row of order.slice(0, 50)) {
      for (const hit of index.search(vectorOf(row), K)) expect(deleted.has(hit.id)).toBe(false);
    }
    // Re-adding deleted ids works, and reuses the freed rows.
    index.consolidate();
    expect(index.deletedCount).toBe(0);
    const rows = index.rowCount;
    const back = order.slice(0, 200);
    index.add(
      back.map((row) => ids[row]),
      Float32Array.from(back.flatMap((row) => Array.from(vectorOf(row)))),
    );
    expect(index.rowCount).toBe(rows);
    for (const row of back.slice(0, 50)) expect(index.search(vectorOf(row), 1)[0].id).toBe(ids[row]);
    expect(index.size).toBe(N - deleted.size + back.length);
  });

  it('keeps recall with tombstones alone (no repair), and after a repair of 30% at once', () => {
    for (const maxTombstoneFraction of [Infinity, 0.1]) {
      const index = new HnswIndex({ dims: DIMS, seed: 2, maxTombstoneFraction });
      index.add(ids, data.base);
      const remaining = new FlatIndex(DIMS);
      remaining.add(ids, data.base);
      const gone = ids.filter((_, row) => row % 10 < 3);
      index.remove(gone);
      remaining.remove(gone);
      expect(index.deletedCount).toBe(maxTombstoneFraction === Infinity ? gone.length : 0);
      const deleted = new Set(gone);
      for (let q = 0; q < QUERIES; q++) {
        for (const hit of index.search(query(q), K)) expect(deleted.has(hit.id)).toBe(false);
      }
      expect(meanRecall(index, remaining)).toBeGreaterThanOrEqual(0.9);
    }
  });
});

describe('HnswIndex: delete whole clusters', () => {
  it('keeps recall for the remaining topics after whole clusters are deleted and repaired', () => {
    // Deleting a document removes a tight group of similar vectors: the repair must walk through the deleted
    // region to reconnect its border, or the clusters reached only through it drop out of the results.
    const index = new HnswIndex({ dims: DIMS, seed: 3 });
    index.add(ids, data.base);
    const remaining = new FlatIndex(DIMS);
    remaining.add(ids, data.base);
    const goneClusters = (c: number) => c % 4 === 1;
    const gone = ids.filter((_, row) => goneClusters(data.clusterOf[row]));
    expect(gone.length).toBeGreaterThan(N / 10);
    index.remove(gone);
    remaining.remove(gone);
    expect(index.deletedCount).toBe(0); // repaired
    const deleted = new Set(gone);
    let recall = 0;
    for (let row = 0; row < N; row += 25) {
      if (goneClusters(data.clusterOf[row])) continue;
      const hits = index.search(vectorOf(row), K);
      expect(hits).toHaveLength(K);
      for (const hit of hits) expect(deleted.has(hit.id)).toBe(false);
      recall += recallOf(
        hits.map((h) => h.id),
        remaining.search(vectorOf(row), K).map((h) => h.id),
      );
    }
    const probes = Array.from({ length: N / 25 }, (_, i) => i * 25).filter((row) => !goneClusters(data.clusterOf[row]));
    expect(recall / probes.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('HnswIndex: repair quality', () => {
  it('reconnects the neighbours of deleted nodes (recall above what dropping their links leaves)', () => {
    // A sparse graph (M = 8) and a small ef make lost links visible: dropping the deleted links without
    // replacements gives 0.885 here, the repair 0.925.
    const index = new HnswIndex({ dims: DIMS, seed: 3, M: 8, efConstruction: 100 });
    index.add(ids, data.base);
    const remaining = new FlatIndex(DIMS);
    remaining.add(ids, data.base);
    const gone = ids.filter((_, row) => row % 10 < 3);
    index.remove(gone);
    remaining.remove(gone);
    expect(index.deletedCount).toBe(0);
    let recall = 0;
    let probes = 0;
    for (let row = 0; row < N; row += 5) {
      if (row % 10 < 3) continue;
      probes++;
      recall += recallOf(
        index.search(vectorOf(row), K, undefined, { ef: 20 }).map((h) => h.id),
        remaining.search(vectorOf(row), K).map((h) => h.id),
      );
    }
    expect(recall / probes).toBeGreaterThanOrEqual(0.91);
  });
});

describe('HnswIndex: filtered search', () => {
  /** Accepts exactly fraction × N of the ids, scattered over the clusters (row × 7919 mod N is a permutation). */
  const selective = (fraction: number): ((id: number) => boolean) => {
    const accepted = new Set(Array.from(ids).filter((_, row) => (row * 7919) % N < fraction * N));
    return (id) => accepted.has(id);
  };

  for (const fraction of [0.5, 0.05, 0.002]) {
    it(`returns k matches at ${fraction * 100}% selectivity, by every strategy`, () => {
      const index = built();
      const filter = selective(fraction);
      const matching = Array.from(ids).filter(filter).length;
      expect(matching).toBeGreaterThanOrEqual(K);
      for (const options of [
        {},
        { matchingCount: matching },
        { strategy: 'graph' as const },
        { strategy: 'exact' as const },
      ]) {
        let recall = 0;
        for (let q = 0; q < QUERIES; q += 4) {
          const hits = index.search(query(q), K, filter, options);
          expect(hits).toHaveLength(K);
          for (const hit of hits) expect(filter(hit.id)).toBe(true);
          recall += recallOf(
            hits.map((h) => h.id),
            flat.search(query(q), K, filter).map((h) => h.id),
          );
        }
        expect(recall / (QUERIES / 4)).toBeGreaterThanOrEqual(0.9);
      }
    });
  }

  it('returns every match when fewer than k exist, and none for a filter that accepts nothing', () => {
    const index = built();
    const few = new Set([ids[3], ids[4000], ids[4999]]);
    for (const strategy of ['auto', 'graph'] as const) {
      const hits = index.search(query(1), K, (id) => few.has(id), { strategy });
      expect(hits.map((h) => h.id).sort((a, b) => a - b)).toEqual([...few].sort((a, b) => a - b));
      expect(index.search(query(1), K, () => false, { strategy })).toEqual([]);
    }
  });

  it('combines filters with tombstones', () => {
    const index = new HnswIndex({ dims: DIMS, seed: 1, maxTombstoneFraction: Infinity });
    index.add(ids, data.base);
    const gone = new Set(ids.filter((_, row) => row % 4 === 0));
    index.remove([...gone]);
    const filter = selective(0.05);
    for (const strategy of ['auto', 'graph'] as const) {
      for (let q = 0; q < QUERIES; q += 10) {
        const hits = index.search(query(q), K, filter, { strategy });
        expect(hits).toHaveLength(K);
        for (const hit of hits) {
          expect(filter(hit.id)).toBe(true);
          expect(gone.has(hit.id)).toBe(false);
        }
      }
    }
  });
});

describe('HnswIndex: quantized graphs', () => {
  for (const [quantization, minRecall] of [
    ['int8', 0.95],
    ['binary', 0.88],
  ] as const) {
    it(`${quantization}: high recall with exact rescoring, exact float32 scores`, () => {
      const index = built(quantization);
      expect(index.quantization).toBe(quantization);
      expect(meanRecall(index, flat)).toBeGreaterThanOrEqual(minRecall);
      if (quantization === 'binary') {
        // Deeper rescoring buys recall back (sign bits of 384-d isotropic noise are a coarse code).
        const deeper = new HnswIndex({ dims: DIMS, seed: 1, quantization, rescore: 40 });
        deeper.add(ids, data.base);
        expect(meanRecall(deeper, flat)).toBeGreaterThanOrEqual(0.95);
      }
      const exact = new Map(flat.search(query(2), N).map((h) => [h.id, h.score]));
      for (const hit of index.search(query(2), K)) expect(hit.score).toBeCloseTo(exact.get(hit.id)!, 5);
    });
  }

  it('without rescoring keeps no float32 copy and returns quantized similarities', () => {
    const index = new HnswIndex({ dims: DIMS, seed: 1, quantization: 'int8', rescore: false });
    index.add(ids.subarray(0, 1000), data.base.subarray(0, 1000 * DIMS));
    const withCopy = new HnswIndex({ dims: DIMS, seed: 1, quantization: 'int8' });
    withCopy.add(ids.subarray(0, 1000), data.base.subarray(0, 1000 * DIMS));
    expect(withCopy.bytesPerVector - index.bytesPerVector).toBe(DIMS * 4);
    expect(index.allPages().some((p) => p.name.startsWith('exact/'))).toBe(false);
    const hits = index.search(query(0), K);
    expect(hits).toHaveLength(K);
  });
});

describe('HnswIndex: persistence', () => {
  for (const quantization of ['none', 'int8', 'binary'] as const) {
    it(`${quantization}: a page round trip gives identical search results, with no scoring on load`, () => {
      const index = built(quantization);
      const counter = { scores: 0 };
      const loaded = HnswIndex.fromPages(index.allPages(), { createStorage: countingStorage(counter) });
      expect(counter.scores).toBe(0);
      expect(loaded.size).toBe(index.size);
      expect(loaded.quantization).toBe(quantization);
      expect(loaded.bytesPerVector).toBe(index.bytesPerVector);
      for (let q = 0; q < QUERIES; q += 3) {
        expect(loaded.search(query(q), K)).toEqual(index.search(query(q), K));
        const filter = (id: number) => id % 7 === 0;
        expect(loaded.search(query(q), K, filter)).toEqual(index.search(query(q), K, filter));
      }
      expectSamePages(loaded.allPages(), index.allPages());
    });
  }

  it('round-trips tombstones and free rows', () => {
    const index = new HnswIndex({ dims: DIMS, seed: 1 });
    index.add(ids.subarray(0, 2000), data.base.subarray(0, 2000 * DIMS));
    index.remove(ids.subarray(0, 400)); // consolidated: free rows
    index.remove(ids.subarray(1000, 1100)); // tombstones
    expect(index.deletedCount).toBe(100);
    const loaded = HnswIndex.fromPages(index.allPages());
    expect(loaded.deletedCount).toBe(100);
    expect(loaded.size).toBe(1500);
    for (let q = 0; q < QUERIES; q += 5) expect(loaded.search(query(q), K)).toEqual(index.search(query(q), K));
    const more = data.base.subarray(2000 * DIMS, 2300 * DIMS);
    index.add(ids.subarray(2000, 2300), more);
    loaded.add(ids.subarray(2000, 2300), more);
    expect(loaded.rowCount).toBe(2000); // free rows were reused, in the same order
    expectSamePages(loaded.allPages(), index.allPages());
  });

  it('rejects damaged pages', () => {
    const pages = built().allPages();
    expect(() => HnswIndex.fromPages(pages.filter((p) => p.name !== 'nodes/1'))).toThrow(/damaged/);
    const meta = pages.map((p) => (p.name === 'meta' ? { name: 'meta', bytes: new Uint8Array([123]) } : p));
    expect(() => HnswIndex.fromPages(meta)).toThrow(/damaged/);
  });

  it('writes only the pages an update touched, and patching an old snapshot with them equals a new snapshot', () => {
    const extra = clusteredVectors(400, 0, DIMS, 12).base;
    const extraIds = Uint32Array.from({ length: 400 }, (_, i) => 1_000_000 + i);
    const index = new HnswIndex({ dims: DIMS, seed: 4 });
    index.add(ids, data.base); // rows 0 … 4999: row groups 0 and 1
    const snapshot = pageMap(index.allPages());
    expect(index.takeDirtyPages().pages.length).toBe(snapshot.size); // everything is new
    expect(index.takeDirtyPages()).toEqual({ pages: [], removedPages: [] });

    const apply = (): string[] => {
      const { pages, removedPages } = index.takeDirtyPages();
      for (const page of pages) snapshot.set(page.name, page.bytes);
      for (const name of removedPages) snapshot.delete(name);
      expectSamePages(
        [...snapshot].map(([name, bytes]) => ({ name, bytes })),
        index.allPages(),
      );
      return pages.map((p) => p.name).sort();
    };

    // Insert 10: the new rows' graph page, pages of neighbours whose lists changed, the last vector page, meta;
    // never the vectors of old rows, nor the tombstone list.
    index.add(extraIds.subarray(0, 10), extra.subarray(0, 10 * DIMS));
    const touched = apply();
    expect(touched).toContain('meta');
    expect(touched).toContain('nodes/1');
    expect(touched).toContain('vec/1');
    for (const name of touched) expect(['meta', 'nodes/0', 'nodes/1', 'upper/0', 'upper/1', 'vec/1']).toContain(name);

    // Deletes write the tombstone list and meta only.
    index.remove(ids.subarray(500, 520));
    expect(apply()).toEqual(['deleted', 'meta']);
    // A consolidation rewrites repaired lists; free rows are then reused by inserts.
    index.remove(ids.subarray(0, 600));
    expect(index.deletedCount).toBe(0);
    apply();
    index.add(extraIds.subarray(10, 400), extra.subarray(10 * DIMS));
    expect(index.rowCount).toBe(N + 10);
    apply();
    const reloaded = HnswIndex.fromPages([...snapshot].map(([name, bytes]) => ({ name, bytes })));
    for (let q = 0; q < QUERIES; q += 5) expect(reloaded.search(query(q), K)).toEqual(index.search(query(q), K));
  });
});
