// PDF parser against PDFs written by scripts/make-doc-fixtures.mjs (real text layers, no dependency).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { docFixtures, makePdf, twoPagePdf } from '../../../../scripts/make-doc-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import type { ParsedDocument } from '../../core/types.ts';
import { itemsToLines, linesToParagraphs, pdfParser } from './pdf.ts';

async function rejection(p: Promise<unknown>): Promise<TroveError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

function blockTexts(doc: ParsedDocument) {
  return doc.blocks.map((b) => ({ text: doc.text.slice(b.start, b.end), page: b.page }));
}

const item = (str: string, y: number, hasEOL = false, height = 12) => ({
  str,
  dir: 'ltr',
  transform: [height, 0, 0, height, 72, y],
  width: str.length * 6,
  height,
  fontName: 'g_d0_f1',
  hasEOL,
});

describe('pdf parser', () => {
  afterEach(() => vi.restoreAllMocks());

  it('extracts page-numbered paragraphs, page count and title', async () => {
    const doc = await pdfParser.parse(twoPagePdf(), 'two-pages.pdf');
    expect(doc.format).toBe('pdf');
    expect(doc.pageCount).toBe(2);
    expect(doc.title).toBe('Bridges and Kelp');
    const blocks = blockTexts(doc);
    expect(blocks[0]).toEqual({ text: 'Medieval Bridge Construction', page: 1 });
    expect(blocks.find((b) => b.text.includes('photosynthesis continues'))?.page).toBe(2);
    expect(blocks.filter((b) => b.page === 1).every((b) => !/kelp/i.test(b.text))).toBe(true);
    // Lines of one paragraph are joined with a space; paragraphs are separate blocks.
    expect(blocks[1]!.text).toBe(
      'Stone arch bridges of the twelfth century were built over timber centring, ' +
        'a temporary wooden frame that held the voussoirs until the keystone was set.',
    );
    expect(blocks).toHaveLength(6);
    expect(doc.warnings).toBeUndefined();
  });

  it('makes no network request and leaves the caller’s buffer intact', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const data = twoPagePdf();
    await pdfParser.parse(data, 'two-pages.pdf');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(data.byteLength).toBeGreaterThan(0); // pdf.js transfers what it is given: we pass a copy
    expect(new TextDecoder().decode(data.subarray(0, 5))).toBe('%PDF-');
  });

  it('rejects a truncated, corrupt PDF with PARSE_FAILED', async () => {
    const error = await rejection(pdfParser.parse(docFixtures()['corrupt.pdf']!, 'corrupt.pdf'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(/the PDF is damaged \(Invalid PDF structure\)/);
    expect(error.message).toContain('corrupt.pdf');
  });

  it('rejects a password-protected PDF with PARSE_FAILED', async () => {
    const error = await rejection(pdfParser.parse(docFixtures()['password.pdf']!, 'locked.pdf'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(/password-protected/);
  });

  it('rejects a file without a %PDF- header', async () => {
    const error = await rejection(pdfParser.parse(new TextEncoder().encode('just text'), 'fake.pdf'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(/not a PDF/);
  });

  it('rejects a PDF without any text layer with EMPTY_DOCUMENT', async () => {
    const error = await rejection(pdfParser.parse(docFixtures()['no-text.pdf']!, 'scan.pdf'));
    expect(error.code).toBe('EMPTY_DOCUMENT');
    expect(error.message).toMatch(/no text layer \(scanned\?\)/);
  });

  it('warns about pages without text and keeps numbering the others', async () => {
    const pdf = makePdf([['First page text.'], [], [], ['Fourth page text.'], []]);
    const doc = await pdfParser.parse(pdf, 'gaps.pdf');
    expect(doc.pageCount).toBe(5);
    expect(blockTexts(doc)).toEqual([
      { text: 'First page text.', page: 1 },
      { text: 'Fourth page text.', page: 4 },
    ]);
    expect(doc.warnings).toEqual(['No text on pages 2–3, 5 (scanned images?); those pages are not searchable.']);
  });

  it('is cancelled by an aborted signal', async () => {
    const pages = Array.from({ length: 30 }, (_, i) => [`Page ${i + 1} talks about topic ${i + 1}.`]);
    const controller = new AbortController();
    const parsing = pdfParser.parse(makePdf(pages), 'long.pdf', controller.signal);
    controller.abort();
    expect((await rejection(parsing)).code).toBe('CANCELLED');
    const already = new AbortController();
    already.abort();
    expect((await rejection(pdfParser.parse(twoPagePdf(), 'x.pdf', already.signal))).code).toBe('CANCELLED');
  });

  it('checks for cancellation between pages', async () => {
    let checks = 0;
    // A signal that turns aborted after a few checks, i.e. in the middle of the page loop.
    const signal = {
      get aborted() {
        return ++checks > 6;
      },
      addEventListener() {},
      removeEventListener() {},
    } as unknown as AbortSignal;
    const pages = Array.from({ length: 30 }, (_, i) => [`Page ${i + 1}.`]);
    expect((await rejection(pdfParser.parse(makePdf(pages), 'long.pdf', signal))).code).toBe('CANCELLED');
    expect(checks).toBeLessThan(12);
  });

  it('parses many pages quickly and in order', async () => {
    const pages = Array.from({ length: 120 }, (_, i) => [[`Heading ${i + 1}`], [`Body of page ${i + 1} with words.`]]);
    const doc = await pdfParser.parse(makePdf(pages), 'big.pdf');
    expect(doc.pageCount).toBe(120);
    expect(doc.blocks.map((b) => b.page)).toEqual(Array.from({ length: 240 }, (_, i) => Math.floor(i / 2) + 1));
    for (const b of doc.blocks) expect(doc.text.slice(b.start, b.end)).not.toMatch(/^\s|\s$/);
  });
});

describe('pdf text assembly', () => {
  it('splits lines at hasEOL and at baseline jumps, keeps superscripts on their line', () => {
    const lines = itemsToLines([
      item('Hello', 700),
      item(' ', 700),
      item('world', 700, true),
      item('Second', 686),
      item('2', 690), // superscript: 4pt above the baseline
      item('Third line', 672),
    ]);
    expect(lines.map((l) => l.text)).toEqual(['Hello world', 'Second2', 'Third line']);
  });

  it('starts paragraphs at large gaps and column jumps, and mends hyphenated words', () => {
    const paragraphs = linesToParagraphs([
      { text: 'Kelp uses photo-', y: 700, height: 12 },
      { text: 'synthesis to grow.', y: 686, height: 12 },
      { text: 'A new paragraph.', y: 658, height: 12 },
      { text: 'Next column.', y: 700, height: 12 },
    ]);
    expect(paragraphs).toEqual(['Kelp uses photosynthesis to grow.', 'A new paragraph.', 'Next column.']);
  });
});
