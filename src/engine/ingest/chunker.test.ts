import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makePdf, twoPagePdf } from '../../../scripts/make-doc-fixtures.mjs';
import type { ChunkDraft, ChunkerOptions, ParsedDocument } from '../core/types.ts';
import { SentenceChunker, chunkDocument } from './chunker.ts';
import { parseFile } from './parsers/index.ts';
import { chunkProblems, seededRandom, uncovered } from '../testing/ingest-test-utils.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../e2e/fixtures/${name}`, import.meta.url)));
/** Whitespace-separated words: a real-ish counter whose sums equal the count of joined text. */
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
/** One token per non-space code point, as BERT does for CJK. */
const codePoints = (s: string) => [...s.replace(/\s/g, '')].length;
/** Subword-like: long words cost several tokens, punctuation and CJK characters one each. */
const subwords = (s: string) => {
  let n = 0;
  for (const m of s.matchAll(/\p{Script=Han}|[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) n += Math.ceil(m[0].length / 4);
  return n;
};
const opts = (maxTokens: number, overlapTokens = 0, countTokens = words): ChunkerOptions => ({
  maxTokens,
  overlapTokens,
  countTokens,
});

function plain(text: string): ParsedDocument {
  return { format: 'text', text, blocks: [] };
}

function check(doc: ParsedDocument, chunks: ChunkDraft[], options: ChunkerOptions): void {
  expect(chunkProblems(doc, chunks, options)).toEqual([]);
  expect(uncovered(doc, chunks)).toEqual([]);
}

async function fixtureDocs(): Promise<ParsedDocument[]> {
  return [
    await parseFile(fixture('field-guide.md'), 'field-guide.md', ''),
    await parseFile(fixture('injection.html'), 'injection.html', ''),
    await parseFile(fixture('windows-1252.txt'), 'windows-1252.txt', ''),
    await parseFile(twoPagePdf(), 'two-pages.pdf', ''),
  ];
}

/** A seeded document with nested headings, paragraphs, soft wraps and the odd very long sentence. */
function randomDoc(seed: number): ParsedDocument {
  const rand = seededRandom(seed);
  const vocab = [
    'kelp',
    'bridge',
    'stone',
    'forest',
    'ocean',
    'light',
    'arch',
    'timber',
    'sugar',
    'otter',
    'Dr.',
    'e.g.',
    '3.14',
    '你好',
    'naïve',
  ];
  const sentence = () => {
    const n = rand() < 0.05 ? 60 + Math.floor(rand() * 80) : 3 + Math.floor(rand() * 15);
    const ws = Array.from({ length: n }, () => vocab[Math.floor(rand() * vocab.length)]!);
    return ws.join(rand() < 0.1 ? '\n' : ' ') + (rand() < 0.8 ? '.' : '!');
  };
  const parts: string[] = [];
  const blocks: ParsedDocument['blocks'] = [];
  let length = 0;
  for (let i = 0; i < 40; i++) {
    const heading = rand() < 0.25;
    const s = heading
      ? `${vocab[i % vocab.length]} section ${i}`
      : Array.from({ length: 1 + Math.floor(rand() * 5) }, sentence).join(' ');
    if (length) {
      parts.push('\n\n');
      length += 2;
    }
    blocks.push(
      heading
        ? { start: length, end: length + s.length, kind: 'heading', level: 1 + Math.floor(rand() * 3) }
        : { start: length, end: length + s.length, kind: 'paragraph', page: 1 + Math.floor(i / 10) },
    );
    parts.push(s);
    length += s.length;
  }
  return { format: 'markdown', text: parts.join(''), blocks };
}

describe('SentenceChunker', () => {
  it('keeps exact offsets, budgets and coverage on every fixture', async () => {
    for (const doc of await fixtureDocs()) {
      for (const [max, overlap] of [
        [4, 0],
        [8, 2],
        [20, 5],
        [64, 16],
        [512, 64],
      ] as const) {
        const options = opts(max, overlap);
        check(doc, new SentenceChunker().chunk(doc, options), options);
      }
    }
  });

  it('keeps its invariants on seeded random documents with several counters', () => {
    const counters = [words, codePoints, subwords];
    for (let seed = 1; seed <= 25; seed++) {
      const doc = randomDoc(seed);
      for (const countTokens of counters) {
        for (const [max, overlap] of [
          [5, 2],
          [16, 4],
          [50, 10],
          [200, 40],
        ] as const) {
          const options = opts(max, overlap, countTokens);
          check(doc, chunkDocument(doc, options), options);
        }
      }
    }
  });

  it('never crosses a heading, starts sections with their heading, and tracks the heading path by level', async () => {
    const doc = await parseFile(fixture('field-guide.md'), 'field-guide.md', '');
    const chunks = chunkDocument(doc, opts(200, 20));
    const find = (s: string) => chunks.find((c) => c.text.includes(s))!;
    expect(find('two hobbies').headingPath).toEqual(['Field Guide']);
    expect(find('two hobbies').text.startsWith('Field Guide')).toBe(true);
    expect(find('wild yeast').headingPath).toEqual(['Field Guide', 'Sourdough Baking']);
    expect(find('wild yeast').text.startsWith('Sourdough Baking\n\nSourdough bread rises')).toBe(true);
    expect(find('equal weights of flour').headingPath).toEqual([
      'Field Guide',
      'Sourdough Baking',
      'Feeding the Starter',
    ]);
    expect(find('echo "feed the starter"').headingPath).toEqual([
      'Field Guide',
      'Sourdough Baking',
      'Feeding the Starter',
    ]);
    expect(find('tight boule').headingPath).toEqual(['Field Guide', 'Sourdough Baking', 'Shaping the Loaf']);
    expect(find('degreaser').headingPath).toEqual(['Field Guide', 'Chain Lubrication']);
    expect(find('sidewall').headingPath).toEqual(['Field Guide', 'Chain Lubrication', 'Tyre Pressure']);
    expect(find('Tyre Pressure').text.startsWith('Tyre Pressure')).toBe(true);
    // A heading followed by a sibling keeps its own (heading-only) chunk, so it is still findable.
    expect(chunks.find((c) => c.text === 'Bicycle Maintenance')?.headingPath).toEqual([
      'Field Guide',
      'Bicycle Maintenance',
    ]);
    for (const c of chunks) expect(c.text.includes('wild yeast') && c.text.includes('degreaser')).toBe(false);
  });

  it('puts a heading directly followed by a deeper one at the start of the child’s first chunk', () => {
    const text = 'Biology\n\nKelp\n\nKelp grows fast.';
    const doc: ParsedDocument = {
      format: 'markdown',
      text,
      blocks: [
        { start: 0, end: 7, kind: 'heading', level: 1 },
        { start: 9, end: 13, kind: 'heading', level: 2 },
        { start: 15, end: text.length, kind: 'paragraph' },
      ],
    };
    expect(chunkDocument(doc, opts(50))).toEqual([
      { text, start: 0, end: text.length, headingPath: ['Biology', 'Kelp'], tokenCount: 5 },
    ]);
  });

  it('packs whole sentences up to the budget and treats soft line wraps as spaces', () => {
    const doc = plain('This is a sentence\nthat wraps. Another one here. And a third sentence now.');
    expect(chunkDocument(doc, opts(10)).map((c) => c.text)).toEqual([
      'This is a sentence\nthat wraps. Another one here.',
      'And a third sentence now.',
    ]);
  });

  it('prefers to end a chunk at a paragraph boundary', () => {
    const doc = plain('One two three four five six.\n\nSeven eight nine. Ten eleven twelve.');
    expect(chunkDocument(doc, opts(10)).map((c) => c.text)).toEqual([
      'One two three four five six.',
      'Seven eight nine. Ten eleven twelve.',
    ]);
  });

  it('repeats trailing sentences as overlap, within overlapTokens, never across headings', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} ends.`); // 4 words each
    const doc = plain(sentences.join(' '));
    const options = opts(20, 8);
    const chunks = chunkDocument(doc, options);
    check(doc, chunks, options);
    expect(chunks.length).toBeGreaterThan(5);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!;
      const next = chunks[i]!;
      expect(next.start).toBeLessThan(prev.end); // overlap present
      expect(words(doc.text.slice(next.start, prev.end))).toBeLessThanOrEqual(8); // and bounded
      expect(next.end).toBeGreaterThan(prev.end); // progress
    }
    const noOverlap = chunkDocument(doc, opts(20, 0));
    for (let i = 1; i < noOverlap.length; i++)
      expect(noOverlap[i]!.start).toBeGreaterThanOrEqual(noOverlap[i - 1]!.end);

    const text = '# A\n\nOne two. Three four.\n\n# B\n\nFive six.';
    const span = (s: string) => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length });
    const md: ParsedDocument = {
      format: 'markdown',
      text,
      blocks: [
        { ...span('A'), kind: 'heading', level: 1 },
        { ...span('One two. Three four.'), kind: 'paragraph' },
        { ...span('B'), kind: 'heading', level: 1 },
        { ...span('Five six.'), kind: 'paragraph' },
      ],
    };
    const sectioned = chunkDocument(md, opts(50, 10));
    expect(sectioned.map((c) => c.text)).toEqual(['A\n\nOne two. Three four.', 'B\n\nFive six.']);
  });

  it('splits a sentence longer than the budget at word boundaries', () => {
    const text = Array.from({ length: 95 }, (_, i) => `w${i}`).join(' ') + '.';
    const doc = plain(text);
    const options = opts(10, 3);
    const chunks = chunkDocument(doc, options);
    check(doc, chunks, options);
    expect(chunks.length).toBeGreaterThanOrEqual(10);
    for (const c of chunks) {
      expect(c.start === 0 || text[c.start - 1] === ' ').toBe(true);
      expect(c.end === text.length || text[c.end] === ' ').toBe(true);
    }
  });

  it('chunks CJK text without spaces, by sentence and by word', () => {
    const zh =
      '光合作用是植物利用阳光把二氧化碳和水转化为糖的过程。巨藻生长在寒冷的海洋中，每天可以长高半米。海獭捕食海胆，从而保护了海藻森林。';
    const ja = 'ケルプの森は多くの海洋生物にとって重要な住処であり光合作用によって大量の酸素を生み出しています';
    for (const text of [zh, ja, zh + ja]) {
      const doc = plain(text);
      for (const max of [6, 20, 40]) {
        const options = opts(max, 4, codePoints);
        const chunks = chunkDocument(doc, options);
        check(doc, chunks, options);
        expect(chunks.length).toBeGreaterThan(text.length / max / 2);
      }
    }
    expect(chunkDocument(plain(zh), opts(30, 0, codePoints)).map((c) => c.text)).toEqual([
      '光合作用是植物利用阳光把二氧化碳和水转化为糖的过程。',
      '巨藻生长在寒冷的海洋中，每天可以长高半米。',
      '海獭捕食海胆，从而保护了海藻森林。',
    ]);
  });

  it('hard-splits a single over-long "word" without breaking surrogate pairs', () => {
    const text = 'a'.repeat(300) + ' ' + '😀'.repeat(120);
    const doc = plain(text);
    const options = opts(50, 0, codePoints);
    const chunks = chunkDocument(doc, options);
    check(doc, chunks, options);
    const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    for (const c of chunks) expect(loneSurrogate.test(c.text)).toBe(false);
    expect(chunks.map((c) => c.tokenCount)).toEqual([50, 50, 50, 50, 50, 50, 50, 50, 20]);

    let counted = 0;
    const blob = plain('x'.repeat(200_000)); // one 200k-character "word"
    const counting = opts(64, 0, (s) => {
      counted += s.length;
      return codePoints(s);
    });
    const pieces = chunkDocument(blob, counting);
    expect(pieces).toHaveLength(Math.ceil(200_000 / 64));
    expect(counted).toBeLessThan(200_000 * 40); // ~log2(piece) counts of each piece, not quadratic
  });

  it('recounts whole chunks when the counter disagrees with the sum of sentences', () => {
    // Joined text costs more than its parts: one extra token per sentence boundary.
    const sticky = (s: string) => words(s) + (s.match(/\. /g)?.length ?? 0);
    const doc = plain(Array.from({ length: 40 }, (_, i) => `Alpha beta ${i}.`).join(' '));
    const options = opts(12, 4, sticky);
    check(doc, chunkDocument(doc, options), options);
  });

  it('treats countTokens("") as per-call overhead (e.g. [CLS]/[SEP]) rather than per-sentence cost', () => {
    const withSpecials = (s: string) => words(s) + 2;
    const doc = plain(Array.from({ length: 20 }, (_, i) => `One two three four ${i}.`).join(' '));
    const options = opts(20, 0, withSpecials);
    const chunks = chunkDocument(doc, options);
    check(doc, chunks, options);
    expect(chunks.every((c) => c.tokenCount === 20)).toBe(true);
  });

  it('gives each chunk the page of its first character', async () => {
    const pages = Array.from({ length: 6 }, (_, p) => [
      [`Page ${p + 1} heading`],
      Array.from({ length: 4 }, (_, l) => `Line ${l} of page ${p + 1} has several words in it.`),
    ]);
    const doc = await parseFile(makePdf(pages), 'six.pdf', '');
    const options = opts(25, 8);
    const chunks = chunkDocument(doc, options);
    check(doc, chunks, options);
    for (const c of chunks) {
      const block = doc.blocks.find((b) => b.start <= c.start && c.start < b.end)!;
      expect(c.page).toBe(block.page);
    }
    expect(new Set(chunks.map((c) => c.page))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    // Page breaks end chunks: no passage claims a page it only partly sits on.
    for (const c of chunks)
      expect(doc.blocks.filter((b) => b.start < c.end && b.end > c.start).every((b) => b.page === c.page)).toBe(true);
    const kelp = chunkDocument(await parseFile(twoPagePdf(), 'two-pages.pdf', ''), opts(400));
    expect(kelp.find((c) => c.text.includes('Photosynthesis in Kelp'))?.page).toBe(2);
  });

  it('falls back to blank-line paragraphs for a document without blocks', () => {
    const chunks = chunkDocument(plain('\n  First para.\n\nSecond para.  \n'), opts(2));
    expect(chunks.map((c) => [c.text, c.start])).toEqual([
      ['First para.', 3],
      ['Second para.', 16],
    ]);
    expect(chunkDocument(plain('   \n '), opts(5))).toEqual([]);
  });

  it('rejects nonsensical options', () => {
    expect(() => chunkDocument(plain('x'), opts(0))).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => chunkDocument(plain('x'), opts(1.5))).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => chunkDocument(plain('x'), opts(5, -1))).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('is linear: hundreds of pages chunk fast, counting each character about twice', () => {
    const rand = seededRandom(99);
    const vocab = 'the kelp forest grows in cold water where otters hunt urchins and light reaches the seabed'.split(
      ' ',
    );
    const paragraphs = Array.from({ length: 3000 }, () =>
      Array.from(
        { length: 5 },
        () =>
          Array.from({ length: 8 + Math.floor(rand() * 20) }, () => vocab[Math.floor(rand() * vocab.length)]).join(
            ' ',
          ) + '.',
      ).join(' '),
    );
    const doc = plain(paragraphs.join('\n\n')); // ~400 pages of text
    let counted = 0;
    const options = opts(256, 32, (s) => {
      counted += s.length;
      return words(s);
    });
    const t0 = performance.now();
    const chunks = chunkDocument(doc, options);
    const ms = performance.now() - t0;
    counted = 0;
    chunkDocument(doc, options);
    expect(counted).toBeLessThan(doc.text.length * 2.5);
    expect(ms).toBeLessThan(5000);
    expect(chunkProblems(doc, chunks, opts(256, 32))).toEqual([]);
  });
});
