// Property tests of BM25: scores are finite and positive, results are ordered, and adding then removing
// documents leaves the index answering exactly as if they had never been added.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25.ts';

const VOCAB = [
  'kelp',
  'otter',
  'urchin',
  'forest',
  'light',
  'cold',
  'water',
  'hunt',
  'seabed',
  'grow',
  'arch',
  'stone',
];
const doc = fc.array(fc.constantFrom(...VOCAB), { minLength: 0, maxLength: 40 });
const query = fc.array(fc.constantFrom(...VOCAB, 'missing'), { minLength: 1, maxLength: 4 });
const corpus = fc.array(doc, { minLength: 1, maxLength: 40 });

function build(docs: string[][], ids: number[]): Bm25Index {
  const index = new Bm25Index();
  docs.forEach((terms, i) => index.add(ids[i]!, terms));
  return index;
}

describe('BM25 properties', () => {
  it('scores are finite and positive, sorted, and only for documents holding a query term', () => {
    fc.assert(
      fc.property(corpus, query, (docs, q) => {
        const index = build(
          docs,
          docs.map((_, i) => i),
        );
        const hits = index.search(q, 100);
        for (let i = 0; i < hits.length; i++) {
          expect(Number.isFinite(hits[i]!.score)).toBe(true);
          expect(hits[i]!.score).toBeGreaterThan(0);
          if (i > 0) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
          expect(q.some((t) => docs[hits[i]!.id]!.includes(t))).toBe(true);
        }
        const expected = docs.filter((d) => q.some((t) => d.includes(t))).length;
        expect(hits.length).toBe(Math.min(100, expected));
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it('adding then removing documents equals never adding them (scores, stats, serialized form’s answers)', () => {
    fc.assert(
      fc.property(
        corpus,
        corpus,
        fc.array(query, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (kept, extra, queries, interleave) => {
          const clean = build(
            kept,
            kept.map((_, i) => i),
          );
          const dirty = new Bm25Index();
          const extraIds = extra.map((_, i) => 1000 + i);
          if (interleave) {
            kept.forEach((terms, i) => {
              dirty.add(i, terms);
              if (i < extra.length) dirty.add(extraIds[i]!, extra[i]!);
            });
            extra.slice(kept.length).forEach((terms, j) => dirty.add(extraIds[kept.length + j]!, terms));
          } else {
            extra.forEach((terms, i) => dirty.add(extraIds[i]!, terms));
            kept.forEach((terms, i) => dirty.add(i, terms));
          }
          for (const id of extraIds) dirty.remove(id);
          expect(dirty.stats()).toEqual(clean.stats());
          const reloaded = Bm25Index.deserialize(dirty.serialize());
          for (const q of queries) {
            const want = clean.search(q, 50);
            for (const index of [dirty, reloaded]) {
              const got = index.search(q, 50);
              expect(got.map((h) => h.id).sort((a, b) => a - b)).toEqual(want.map((h) => h.id).sort((a, b) => a - b));
              const score = new Map(want.map((h) => [h.id, h.score]));
              for (const h of got) expect(h.score).toBeCloseTo(score.get(h.id)!, 9);
            }
          }
        },
      ),
      { numRuns: 150, seed: 17 },
    );
  });
});
