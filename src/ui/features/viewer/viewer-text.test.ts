import { describe, expect, it } from 'vitest';
import { findMatches, pieces } from './viewer-text.ts';

describe('findMatches', () => {
  it('finds whole words in any case, longest word first', () => {
    const text = 'Oil the chain. Oils and CHAIN-oil; chainring is not a match.';
    const found = findMatches(text, 'chain oils oil').map(([s, e]) => text.slice(s, e));
    expect(found).toEqual(['Oil', 'chain', 'Oils', 'CHAIN', 'oil']);
  });

  it('treats the query as text, not as a pattern', () => {
    expect(findMatches('a (bb) c.*', '.* (bb)')).toEqual([[3, 5]]);
    expect(findMatches('anything', '')).toEqual([]);
  });

  it('stops at the limit', () => {
    expect(findMatches('x1 '.repeat(100), 'x1', 10)).toHaveLength(10);
  });
});

describe('pieces', () => {
  it('splits at passage and match boundaries and labels each piece', () => {
    // text: 0123456789
    const result = pieces(
      0,
      10,
      [2, 6],
      [
        [1, 3],
        [5, 7],
        [8, 9],
      ],
    );
    expect(result).toEqual([
      { start: 0, end: 1, passage: false, match: -1 },
      { start: 1, end: 2, passage: false, match: 0 },
      { start: 2, end: 3, passage: true, match: 0 },
      { start: 3, end: 5, passage: true, match: -1 },
      { start: 5, end: 6, passage: true, match: 1 },
      { start: 6, end: 7, passage: false, match: 1 },
      { start: 7, end: 8, passage: false, match: -1 },
      { start: 8, end: 9, passage: false, match: 2 },
      { start: 9, end: 10, passage: false, match: -1 },
    ]);
  });

  it('covers a stretch inside a long document with matches before and after it', () => {
    const matches: Array<[number, number]> = Array.from({ length: 1000 }, (_, i) => [i * 10, i * 10 + 3]);
    const result = pieces(5000, 5010, undefined, matches);
    expect(result.map((p) => [p.start, p.end, p.match])).toEqual([
      [5000, 5003, 500],
      [5003, 5010, -1],
    ]);
  });
});
