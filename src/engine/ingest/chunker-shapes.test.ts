// Chunking text that is not prose: logs, CSV, code, text without spaces; and the async, cancellable form.
import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../models/token-estimate.ts';
import type { ChunkDraft, ChunkerOptions, ParsedDocument } from '../core/types.ts';
import { chunkDocument, chunkDocumentAsync } from './chunker.ts';
import { markdownParser } from './parsers/markdown.ts';
import { chunkProblems, seededRandom, uncovered } from '../testing/ingest-test-utils.ts';

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
const plain = (text: string): ParsedDocument => ({ format: 'text', text, blocks: [] });

function logText(bytes: number, seed = 7): string {
  const rand = seededRandom(seed);
  const levels = ['INFO', 'WARN', 'DEBUG', 'ERROR'];
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const line = `2026-11-29T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z ${levels[Math.floor(rand() * 4)]} worker-${Math.floor(rand() * 8)} GET /api/v1/items/${Math.floor(rand() * 1e6)} status=${rand() < 0.9 ? 200 : 503} took=${(rand() * 100).toFixed(1)}ms`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

function expectSound(doc: ParsedDocument, chunks: ChunkDraft[], options: ChunkerOptions): void {
  expect(chunkProblems(doc, chunks, options)).toEqual([]);
  const maxChars = options.maxChars ?? options.maxTokens * 8;
  expect(chunks.filter((c) => c.text.length > maxChars).length).toBe(0);
  const withBlocks = doc.blocks.length
    ? doc
    : { ...doc, blocks: [{ start: 0, end: doc.text.length, kind: 'paragraph' as const }] };
  expect(uncovered(withBlocks, chunks).length).toBe(0);
}

/** Chunks that start at a line start and end at a line end (indentation aside): whole lines, as a reader wants them. */
function wholeLines(text: string, chunks: ChunkDraft[]): number {
  const lineStart = (i: number) => /(^|\n)[ \t]*$/.test(text.slice(Math.max(0, i - 200), i));
  return chunks.filter((c) => lineStart(c.start) && (c.end === text.length || text[c.end] === '\n')).length;
}

describe('chunking text that is not prose', () => {
  it('chunks a 5 MB log without blank lines in linear time, in whole lines (Intl.Segmenter took half an hour)', () => {
    const text = logText(5 * 1024 * 1024);
    const doc = plain(text);
    let counted = 0;
    const options: ChunkerOptions = {
      maxTokens: 128,
      overlapTokens: 16,
      countTokens: (s) => ((counted += s.length), words(s)),
    };
    const t0 = performance.now();
    const chunks = chunkDocument(doc, options);
    const ms = performance.now() - t0;
    expect(counted).toBeLessThan(text.length * 3); // each character counted ~twice, plus the overlap
    expect(ms).toBeLessThan(60_000); // generous on a loaded machine; the old path needed >30 min
    expect(chunks.length).toBeGreaterThan(text.length / (128 * 8));
    expect(wholeLines(text, chunks)).toBe(chunks.length);
    expect(chunkProblems(doc, chunks, options).slice(0, 3)).toEqual([]);
    // Overlap repeats whole trailing lines.
    expect(chunks[1]!.start).toBeLessThan(chunks[0]!.end);
  });

  it('keeps CSV rows whole', () => {
    const rand = seededRandom(3);
    const rows = ['id,name,city,amount,note'];
    for (let i = 0; i < 3000; i++)
      rows.push(`${i},"Smith, J.",Zürich,${(rand() * 1000).toFixed(2)},paid in full. Thanks`);
    const text = rows.join('\n');
    const options: ChunkerOptions = { maxTokens: 64, overlapTokens: 0, countTokens: estimateTokens };
    const chunks = chunkDocument(plain(text), options);
    expectSound(plain(text), chunks, options);
    // "paid in full. Thanks" ends a sentence mid-row, so a row can straddle two sentences: most chunks are whole rows.
    expect(wholeLines(text, chunks) / chunks.length).toBeGreaterThan(0.9);
  });

  it('keeps code lines whole inside a fenced block', async () => {
    const body = Array.from(
      { length: 4000 },
      (_, i) => `  const value${i} = compute(items[${i}], { retries: ${i % 5} }); // step ${i}`,
    ).join('\n');
    const md = '# Source\n\n```ts\nfunction run() {\n' + body + '\n}\n```\n';
    const doc = await markdownParser.parse(new TextEncoder().encode(md), 'code.md');
    const options: ChunkerOptions = { maxTokens: 96, overlapTokens: 8, countTokens: estimateTokens };
    const chunks = chunkDocument(doc, options);
    expectSound(doc, chunks, options);
    expect(wholeLines(doc.text, chunks) / chunks.length).toBeGreaterThan(0.95);
    expect(chunks.every((c) => c.headingPath[0] === 'Source')).toBe(true);
  });

  it('caps characters when the counter calls a 1 MB word one token (WordPiece [UNK] pinned this bug)', () => {
    const text = 'x'.repeat(1024 * 1024);
    const oneToken = (s: string) => (s.trim() ? Math.max(1, words(s)) : 0);
    const options: ChunkerOptions = { maxTokens: 256, overlapTokens: 32, countTokens: oneToken };
    const chunks = chunkDocument(plain(text), options);
    expectSound(plain(text), chunks, options);
    expect(chunks).toHaveLength(Math.ceil(text.length / (256 * 8)));
    const explicit = chunkDocument(plain(text), { ...options, maxChars: 1000 });
    expect(Math.max(...explicit.map((c) => c.text.length))).toBe(1000);
  });

  it('caps characters on no-space scripts and on a single 2 MB line of prose', () => {
    const cjk = '巨藻生长在寒冷的海洋中每天可以长高半米海獭捕食海胆从而保护了海藻森林'.repeat(3000);
    const oneToken = (s: string) => (s.trim() ? 1 : 0);
    const options: ChunkerOptions = { maxTokens: 100, overlapTokens: 0, countTokens: oneToken, maxChars: 300 };
    expectSound(plain(cjk), chunkDocument(plain(cjk), options), options);

    const line = 'The otters hunt urchins in the kelp and nobody stops them '.repeat(35_000); // no full stop, no line break
    const prose: ChunkerOptions = { maxTokens: 64, overlapTokens: 8, countTokens: words };
    const chunks = chunkDocument(plain(line), prose);
    expectSound(plain(line), chunks, prose);
    for (const c of chunks) expect(c.start === 0 || line[c.start - 1] === ' ').toBe(true); // cut between words
  });

  it('still cuts soft-wrapped prose at sentence ends, not at its line breaks', () => {
    const rand = seededRandom(21);
    const vocab = 'the kelp forest grows in cold water where otters hunt urchins and light reaches the seabed'.split(
      ' ',
    );
    const sentences = Array.from({ length: 200 }, () => {
      const ws = Array.from({ length: 6 + Math.floor(rand() * 14) }, () => vocab[Math.floor(rand() * vocab.length)]!);
      return ws[0]![0]!.toUpperCase() + ws.join(' ').slice(1) + '.';
    });
    // Wrap at 60 columns, as an e-mail or a README would.
    const wrapped = sentences
      .join(' ')
      .replace(/(.{1,60})( |$)/g, (_, line: string, sp: string) => line + (sp ? '\n' : ''));
    expect(wrapped.split('\n').length).toBeGreaterThan(50);
    const options: ChunkerOptions = { maxTokens: 60, overlapTokens: 0, countTokens: words };
    const chunks = chunkDocument(plain(wrapped), options);
    expectSound(plain(wrapped), chunks, options);
    expect(chunks.every((c) => c.text.endsWith('.'))).toBe(true);
  });

  it('rejects a nonsensical character cap', () => {
    const options: ChunkerOptions = { maxTokens: 10, overlapTokens: 0, countTokens: words, maxChars: 1 };
    expect(() => chunkDocument(plain('x'), options)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('chunkDocumentAsync', () => {
  it('returns exactly what chunkDocument returns', async () => {
    const text = logText(200_000, 11) + '\n\nSome prose after the log. It has sentences! Does it? Yes.';
    const options: ChunkerOptions = { maxTokens: 50, overlapTokens: 10, countTokens: estimateTokens };
    expect(await chunkDocumentAsync(plain(text), { ...options, sliceMs: 1 })).toEqual(
      chunkDocument(plain(text), options),
    );
  });

  it('yields to the event loop while chunking a long single-block log, and reports progress', async () => {
    const text = logText(2 * 1024 * 1024, 5);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const progress: number[] = [];
    try {
      await chunkDocumentAsync(plain(text), {
        maxTokens: 128,
        overlapTokens: 0,
        countTokens: words,
        sliceMs: 2,
        onProgress: (o) => progress.push(o),
      });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(3);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('stops with CANCELLED when the signal aborts mid-document', async () => {
    const text = logText(2 * 1024 * 1024, 9);
    const controller = new AbortController();
    let calls = 0;
    const countTokens = (s: string) => {
      if (++calls === 2000) setTimeout(() => controller.abort(), 0);
      return words(s);
    };
    await expect(
      chunkDocumentAsync(plain(text), {
        maxTokens: 128,
        overlapTokens: 0,
        countTokens,
        signal: controller.signal,
        sliceMs: 1,
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBeLessThan(text.length / 20); // stopped well before the end
    const aborted = AbortSignal.abort();
    await expect(
      chunkDocumentAsync(plain('x'), { maxTokens: 5, overlapTokens: 0, countTokens: words, signal: aborted }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
