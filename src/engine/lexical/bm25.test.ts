import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { Bm25Index } from './bm25.ts';

// Three documents, N = 3, avgdl = (3 + 2 + 1) / 3 = 2; k1 = 0.9, b = 0.4.
// norm(dl) = k1 · (1 − b + b · dl / avgdl): norm(3) = 0.9 · 1.2 = 1.08, norm(2) = 0.9 · 1.0 = 0.9.
// idf(df) = ln(1 + (N − df + 0.5) / (df + 0.5)):
//   idf(1) = ln(1 + 2.5/1.5) = ln(8/3), idf(2) = ln(1 + 1.5/2.5) = ln(1.6).
function threeDocs(): Bm25Index {
  const index = new Bm25Index();
  index.add(1, ['cat', 'dog', 'cat']);
  index.add(2, ['dog', 'fish']);
  index.add(3, ['bird']);
  return index;
}

/** Seeded pseudo-random generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDocs(count: number, seed: number): string[][] {
  const next = random(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(next() * 30) }, () => `w${Math.floor(next() ** 2 * 200)}`),
  );
}

const queries = [['w0'], ['w1', 'w5'], ['w3', 'w3', 'w150'], ['w10', 'w20', 'w30', 'w199'], ['absent']];

describe('Bm25Index scores', () => {
  it('matches hand-computed BM25 (Lucene idf, k1 = 0.9, b = 0.4)', () => {
    const index = threeDocs();
    const cat = index.search(['cat'], 10);
    expect(cat).toHaveLength(1);
    expect(cat[0].id).toBe(1);
    expect(cat[0].score).toBeCloseTo((Math.log(8 / 3) * 2) / (2 + 1.08), 12);

    const dog = index.search(['dog'], 10);
    expect(dog.map((h) => h.id)).toEqual([2, 1]); // the shorter document wins
    expect(dog[0].score).toBeCloseTo(Math.log(1.6) / (1 + 0.9), 12);
    expect(dog[1].score).toBeCloseTo(Math.log(1.6) / (1 + 1.08), 12);

    const both = index.search(['cat', 'dog'], 10);
    expect(both[0].score).toBeCloseTo((Math.log(8 / 3) * 2) / 3.08 + Math.log(1.6) / 2.08, 12);
    expect(index.scoreOf(1, ['cat', 'dog'])).toBeCloseTo(both[0].score, 12);
  });

  it('counts a repeated query term once per repeat', () => {
    const index = threeDocs();
    expect(index.search(['fish', 'fish'], 1)[0].score).toBeCloseTo(2 * index.search(['fish'], 1)[0].score, 12);
  });

  it('uses k1 and b when given', () => {
    const index = new Bm25Index({ k1: 1.2, b: 0.75 });
    index.add(1, ['cat', 'dog', 'cat']);
    index.add(2, ['dog', 'fish']);
    index.add(3, ['bird']);
    // norm(3) = 1.2 · (0.25 + 0.75 · 1.5) = 1.65
    expect(index.search(['cat'], 1)[0].score).toBeCloseTo((Math.log(8 / 3) * 2) / 3.65, 12);
  });

  it('returns the top k only, best first, and nothing for unknown terms', () => {
    const index = threeDocs();
    expect(index.search(['dog'], 1).map((h) => h.id)).toEqual([2]);
    expect(index.search(['unicorn'], 10)).toEqual([]);
    expect(index.search([], 10)).toEqual([]);
    expect(index.search(['dog'], 0)).toEqual([]);
  });

  it('applies the filter during scoring, so k results come back even when the best are filtered out', () => {
    const index = new Bm25Index();
    for (let id = 0; id < 50; id++) index.add(id, id % 2 ? ['x', 'x', 'x'] : ['x', 'y', 'z', 'v']);
    const hits = index.search(['x'], 5, (id) => id % 2 === 0);
    expect(hits).toHaveLength(5);
    expect(hits.every((h) => h.id % 2 === 0)).toBe(true);
  });

  it('reports stats', () => {
    expect(threeDocs().stats()).toEqual({ documents: 3, terms: 4, postings: 5, averageLength: 2, k1: 0.9, b: 0.4 });
  });

  it('rejects bad parameters', () => {
    expect(() => new Bm25Index({ b: 2 })).toThrow(TroveError);
  });
});

describe('Bm25Index add and remove', () => {
  it('after removals scores equal a fresh index built without the removed documents', () => {
    const docs = randomDocs(300, 7);
    const index = new Bm25Index();
    docs.forEach((terms, id) => index.add(id, terms));
    const removed = new Set([0, 5, 17, 100, 101, 299]);
    for (const id of removed) index.remove(id);

    const fresh = new Bm25Index();
    docs.forEach((terms, id) => removed.has(id) || fresh.add(id, terms));
    expect(index.size).toBe(fresh.size);
    expect(index.has(5)).toBe(false);
    expect(index.stats()).toEqual(fresh.stats());
    for (const q of queries) expect(index.search(q, 20)).toEqual(fresh.search(q, 20));
  });

  it('stays exact across compaction (many removals) and re-adds', () => {
    const docs = randomDocs(3000, 11);
    const index = new Bm25Index();
    docs.forEach((terms, id) => index.add(id, terms));
    for (let id = 0; id < 3000; id += 2) index.remove(id); // 1500 dead slots: compacts
    index.add(4, docs[4]);
    index.add(7, ['w0', 'new']); // replaces document 7

    const fresh = new Bm25Index();
    docs.forEach((terms, id) => id % 2 === 1 && id !== 7 && fresh.add(id, terms));
    fresh.add(4, docs[4]);
    fresh.add(7, ['w0', 'new']);
    expect(index.stats()).toEqual(fresh.stats());
    for (const q of [...queries, ['new']]) expect(index.search(q, 50)).toEqual(fresh.search(q, 50));
  });

  it('clear() empties the index and keeps k1 and b', () => {
    const index = new Bm25Index({ k1: 1.5 });
    index.add(1, ['a']);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.k1).toBe(1.5);
    index.add(2, ['a']);
    expect(index.search(['a'], 5).map((h) => h.id)).toEqual([2]);
  });

  it('removing every document empties the index; unknown ids are ignored', () => {
    const index = threeDocs();
    index.remove(42);
    for (const id of [1, 2, 3]) index.remove(id);
    expect(index.size).toBe(0);
    expect(index.search(['dog'], 10)).toEqual([]);
    expect(index.stats().terms).toBe(0);
  });
});

describe('Bm25Index serialize', () => {
  it('round-trips to a binary snapshot with identical results', () => {
    const docs = randomDocs(500, 3);
    const index = new Bm25Index({ k1: 1.1, b: 0.6 });
    docs.forEach((terms, id) => index.add(id * 10, terms));
    index.add(9999, ['ünïcödé', '日本語', 'w1']);
    index.remove(30);
    const snapshot = index.serialize();
    expect(snapshot).toBeInstanceOf(ArrayBuffer);

    const copy = Bm25Index.deserialize(new Uint8Array(snapshot));
    expect(copy.k1).toBe(1.1);
    expect(copy.stats()).toEqual(index.stats());
    expect(copy.has(30)).toBe(false);
    for (const q of [...queries, ['日本語', 'ünïcödé']]) expect(copy.search(q, 25)).toEqual(index.search(q, 25));

    // The copy keeps working incrementally.
    copy.add(123456, ['w1', 'w1']);
    copy.remove(9999);
    index.add(123456, ['w1', 'w1']);
    index.remove(9999);
    expect(copy.search(['w1'], 30)).toEqual(index.search(['w1'], 30));
  });

  it('a reloaded index removes, compacts and adds exactly like the one it was saved from', () => {
    // The forward index of a reloaded index is built only at its first change: every df must still come out exact.
    const docs = randomDocs(3000, 11);
    const index = new Bm25Index();
    docs.forEach((terms, id) => index.add(id, terms));
    const copy = Bm25Index.deserialize(index.serialize());
    for (const target of [index, copy]) {
      for (let id = 0; id < 3000; id += 2) target.remove(id); // 1,500 dead slots: enough to compact
      target.add(5000, ['w1', 'w2', 'w2']);
      target.add(7, ['w3']); // a replacement of a live document
    }
    expect(copy.stats()).toEqual(index.stats());
    for (const q of queries) expect(copy.search(q, 40)).toEqual(index.search(q, 40));
    expect(Bm25Index.deserialize(copy.serialize()).stats()).toEqual(index.stats());
  });

  it('round-trips an empty index', () => {
    const copy = Bm25Index.deserialize(new Bm25Index().serialize());
    expect(copy.size).toBe(0);
    copy.add(1, ['a']);
    expect(copy.search(['a'], 1)[0].id).toBe(1);
  });

  it('rejects data that is not a snapshot', () => {
    expect(() => Bm25Index.deserialize(new ArrayBuffer(8))).toThrow(TroveError);
    const snapshot = new Uint8Array(threeDocs().serialize());
    expect(() => Bm25Index.deserialize(snapshot.subarray(0, snapshot.length - 1))).toThrow(/expected/);
    snapshot[0] ^= 0xff;
    expect(() => Bm25Index.deserialize(snapshot)).toThrow(/magic/);
  });
});
