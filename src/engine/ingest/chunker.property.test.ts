// Property tests of the chunker: for any text, blocks and options, chunks slice the text exactly, stay within
// the token and character caps, never lose a non-space character of a block, and come in order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../models/token-estimate.ts';
import type { ChunkerOptions, ParsedDocument } from '../core/types.ts';
import { chunkDocument } from './chunker.ts';
import { markdownBlocks } from './parsers/markdown.ts';
import { paragraphBlocks } from './parsers/text.ts';
import { chunkProblems, uncovered } from '../testing/ingest-test-utils.ts';

const counters: Record<string, (s: string) => number> = {
  words: (s) => s.split(/\s+/).filter(Boolean).length,
  codePoints: (s) => [...s.replace(/\s/g, '')].length,
  estimate: estimateTokens,
  /** WordPiece-like [UNK]: any run of non-space is one token, however long. */
  unknownWords: (s) => s.split(/\s+/).filter(Boolean).length,
  withSpecials: (s) => s.split(/\s+/).filter(Boolean).length + 2,
};

/** Pieces that exercise every path: words, sentence ends, soft and hard line breaks, CJK, emoji, long blobs. */
const piece = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('kelp', 'otter', 'Dr.', 'e.g.', '3.14', 'naïve', 'The', 'urchin,') },
  { weight: 4, arbitrary: fc.constantFrom(' ', ' ', '  ', '\t') },
  { weight: 3, arbitrary: fc.constantFrom('. ', '! ', '? ', '。', '”. ') },
  { weight: 2, arbitrary: fc.constantFrom('\n', '\n\n', '\n  \n', '\r\n') },
  { weight: 1, arbitrary: fc.constantFrom('# Heading\n', '## Sub\n', '```\ncode();\n```\n', '- item\n', '---\n') },
  { weight: 1, arbitrary: fc.constantFrom('你好世界', '😀😀', 'x'.repeat(300), 'https://example.com/a/b?c=d') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);
const text = fc.array(piece, { maxLength: 300 }).map((parts) => parts.join(''));
const options = fc.record({
  maxTokens: fc.integer({ min: 1, max: 120 }),
  overlap: fc.integer({ min: 0, max: 60 }),
  maxChars: fc.option(fc.integer({ min: 2, max: 1500 }), { nil: undefined }),
  counter: fc.constantFrom(...Object.keys(counters)),
});

function toOptions(o: {
  maxTokens: number;
  overlap: number;
  maxChars: number | undefined;
  counter: string;
}): ChunkerOptions {
  return {
    maxTokens: o.maxTokens,
    overlapTokens: o.overlap,
    countTokens: counters[o.counter]!,
    ...(o.maxChars ? { maxChars: o.maxChars } : {}),
  };
}

function checkAll(doc: ParsedDocument, chunkerOptions: ChunkerOptions): void {
  const chunks = chunkDocument(doc, chunkerOptions);
  expect(chunkProblems(doc, chunks, chunkerOptions)).toEqual([]);
  const maxChars = chunkerOptions.maxChars ?? chunkerOptions.maxTokens * 8;
  for (const c of chunks) {
    expect(c.start).toBeGreaterThanOrEqual(0);
    expect(c.end).toBeLessThanOrEqual(doc.text.length);
    expect(c.text.length).toBeLessThanOrEqual(maxChars);
  }
  const covered = doc.blocks.length ? doc : { ...doc, blocks: paragraphBlocks(doc.text) };
  expect(uncovered(covered, chunks)).toEqual([]);
}

describe('chunker properties', () => {
  it('plain text: exact slices, caps hold, nothing lost, in order', () => {
    fc.assert(
      fc.property(text, options, (t, o) => checkAll({ format: 'text', text: t, blocks: [] }, toOptions(o))),
      { numRuns: 200, seed: 7 },
    );
  });

  it('Markdown structure (headings, fences, rules): the same invariants hold', () => {
    fc.assert(
      fc.property(text, options, (t, o) => {
        const normalized = t.replace(/\r\n?/g, '\n'); // what the parser's decoder does first
        checkAll({ format: 'markdown', text: normalized, blocks: markdownBlocks(normalized) }, toOptions(o));
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
