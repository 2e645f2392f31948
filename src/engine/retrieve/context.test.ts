import { describe, expect, it } from 'vitest';
import { assembleContext, citationLabel, type ContextPassage } from './context.ts';

/** WordPiece-like: every word and every punctuation mark is a token (so "end." is 2, not 1 as by spaces). */
let calls = 0;
const countTokens = (text: string) => {
  calls++;
  return text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
};

const words = (n: number, w = 'alpha') => Array.from({ length: n }, (_, i) => `${w}${i}.`).join(' ');

const passages: ContextPassage[] = [
  { documentName: 'report.pdf', page: 3, text: 'The budget grew by 4% in 2024.', chunkId: 11 },
  {
    documentName: 'notes.md',
    headingPath: ['Setup', 'Install'],
    text: 'Run the installer, then restart.',
    chunkId: 12,
  },
  { documentName: 'report.pdf', page: 3, text: '  the budget grew by 4%\nin 2024. ', chunkId: 13 }, // same text, other spacing
  { documentName: 'report.pdf', page: 4, text: 'grew by 4%', chunkId: 14 }, // inside passage 1 (overlapping chunk)
];

describe('assembleContext', () => {
  it('numbers citations in search order with file, page and heading, and carries the question and the instruction', () => {
    const ctx = assembleContext({ question: 'How much did the budget grow?', passages, countTokens, maxTokens: 500 });
    expect(ctx.citations.map((c) => [c.n, c.label, c.chunkId])).toEqual([
      [1, 'report.pdf, p. 3', 11],
      [2, 'notes.md — Setup › Install', 12],
    ]);
    expect(ctx.text).toContain('[1] report.pdf, p. 3\nThe budget grew by 4% in 2024.');
    expect(ctx.text).toContain('[2] notes.md — Setup › Install\nRun the installer');
    expect(ctx.text).toMatch(/only the numbered context/);
    expect(ctx.text).toMatch(/not in the context/);
    expect(ctx.text.endsWith('Question: How much did the budget grow?\nAnswer:')).toBe(true);
    expect(ctx.duplicates).toBe(2);
    expect(ctx.omitted).toBe(0);
    expect(ctx.tokens).toBe(countTokens(ctx.text));
  });

  it('never exceeds the budget, counted by the tokenizer and not by spaces', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ documentName: `d${i}.txt`, text: words(40, `w${i}x`) }));
    for (const maxTokens of [120, 200, 333, 1000, 5000]) {
      const ctx = assembleContext({ question: 'q?', passages: many, countTokens, maxTokens });
      expect(ctx.tokens).toBeLessThanOrEqual(maxTokens);
      expect(countTokens(ctx.text)).toBe(ctx.tokens);
      // Words separated by spaces would undercount by half: each "w0x1." is 2 tokens.
      expect(ctx.text.split(/\s+/).length).toBeLessThan(ctx.tokens);
      expect(ctx.citations.length + ctx.omitted + ctx.duplicates).toBe(30);
    }
  });

  it('cuts the passage that does not fit at a word boundary, marks it, and stops there', () => {
    const ctx = assembleContext({
      question: 'q?',
      passages: [
        { documentName: 'a.txt', text: words(10) },
        { documentName: 'b.txt', text: words(200, 'beta') },
        { documentName: 'c.txt', text: 'gamma.' },
      ],
      countTokens,
      maxTokens: 200,
    });
    expect(ctx.citations.map((c) => c.trimmed)).toEqual([false, true]);
    expect(ctx.omitted).toBe(1);
    expect(ctx.text).toMatch(/beta\d+\. …\n/);
    expect(ctx.tokens).toBeLessThanOrEqual(200);
    expect(ctx.tokens).toBeGreaterThan(190); // the cut uses the room left, not far less
  });

  it('leaves a passage out rather than keep a fragment under the minimum', () => {
    const first = assembleContext({
      question: 'q?',
      passages: [{ documentName: 'a.txt', text: words(10) }],
      countTokens,
      maxTokens: 1000,
    });
    const budget = first.tokens + 10; // room for about 10 more tokens only
    const ctx = assembleContext({
      question: 'q?',
      passages: [
        { documentName: 'a.txt', text: words(10) },
        { documentName: 'b.txt', text: words(50, 'beta') },
      ],
      countTokens,
      maxTokens: budget,
    });
    expect(ctx.citations).toHaveLength(1);
    expect(ctx.omitted).toBe(1);
    expect(ctx.text).not.toContain('beta');
  });

  it('says so when nothing was found, and refuses a budget below the instruction and question', () => {
    const none = assembleContext({ question: 'q?', passages: [], countTokens, maxTokens: 200 });
    expect(none.text).toContain('(no passages found)');
    expect(none.citations).toEqual([]);
    expect(() => assembleContext({ question: 'q?', passages, countTokens, maxTokens: 10 })).toThrow(
      /budget of 10 tokens is below the \d+/,
    );
    expect(() => assembleContext({ question: 'q?', passages, countTokens, maxTokens: 0 })).toThrow(
      /positive whole number/,
    );
  });

  it('cuts a single huge "word" by characters', () => {
    const ctx = assembleContext({
      question: 'q?',
      passages: [{ documentName: 'x', text: 'a'.repeat(50_000) }],
      countTokens: (t) => Math.ceil(t.length / 4),
      maxTokens: 300,
    });
    expect(ctx.tokens).toBeLessThanOrEqual(300);
    expect(ctx.citations[0].trimmed).toBe(true);
  });

  it('costs what it includes: 100x more candidates than fit take no more tokenizer calls', () => {
    const make = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ documentName: `d${i}`, text: words(30, `w${i}x`) }));
    calls = 0;
    assembleContext({ question: 'q?', passages: make(10), countTokens, maxTokens: 400 });
    const few = calls;
    calls = 0;
    assembleContext({ question: 'q?', passages: make(1000), countTokens, maxTokens: 400 });
    expect(calls).toBeLessThanOrEqual(few + 2);
  });

  it('labels citations', () => {
    expect(citationLabel({ documentName: 'a.pdf' })).toBe('a.pdf');
    expect(citationLabel({ documentName: 'a.pdf', page: 2, headingPath: ['Intro'] })).toBe('a.pdf, p. 2 — Intro');
  });
});
