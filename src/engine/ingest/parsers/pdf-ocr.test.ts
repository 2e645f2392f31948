import { describe, expect, it } from 'vitest';
import { makePdf } from '../../../../scripts/make-doc-fixtures.mjs';
import { formatFixtures } from '../../../../scripts/make-format-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import type { ParseProgress } from '../../core/types.ts';
import type { OcrRecognizer } from '../ocr/recognizer.ts';
import { blockProblems } from '../../testing/ingest-test-utils.ts';
import { PdfParser, type PageRenderer } from './pdf.ts';
import type { OcrMode } from '../../api/ingest.ts';

/** A renderer that encodes the page number, and a recognizer that "reads" it back: no canvas needed in Node. */
const renderPage: PageRenderer = async (page) => new Uint8Array([page.pageNumber]);
function pageReader(rendered: number[], text = (n: number) => `Scanned text of page ${n}.`): OcrRecognizer {
  return {
    async recognize(image) {
      rendered.push(image[0]!);
      return { text: text(image[0]!), confidence: 88 };
    },
    async terminate() {},
  };
}
const parserWith = (mode: OcrMode, rendered: number[], text?: (n: number) => string) =>
  new PdfParser({ ocr: { mode, recognizer: pageReader(rendered, text), renderPage } });
const blockTexts = (doc: { text: string; blocks: { start: number; end: number; page?: number }[] }) =>
  doc.blocks.map((b) => [doc.text.slice(b.start, b.end), b.page]);

describe('PDF OCR', () => {
  const pdf = makePdf([['Typed first page.'], [], ['Typed third page.'], []]);

  it('OCRs only the pages without a text layer in "no-text-layer" mode, citing their pages', async () => {
    const rendered: number[] = [];
    const progress: ParseProgress[] = [];
    const doc = await parserWith('no-text-layer', rendered).parse(pdf, 'mixed.pdf', undefined, (p) => progress.push(p));
    expect(rendered).toEqual([2, 4]);
    expect(blockTexts(doc)).toEqual([
      ['Typed first page.', 1],
      ['Scanned text of page 2.', 2],
      ['Typed third page.', 3],
      ['Scanned text of page 4.', 4],
    ]);
    expect(doc.ocrPages).toEqual([2, 4]);
    expect(doc.warnings).toBeUndefined();
    expect(progress).toEqual([
      { stage: 'ocr', done: 2, total: 4 },
      { stage: 'ocr', done: 4, total: 4 },
    ]);
    expect(blockProblems(doc)).toEqual([]);
  });

  it('OCRs every page in "always" mode and none in "never" mode', async () => {
    const always: number[] = [];
    const doc = await parserWith('always', always).parse(pdf, 'mixed.pdf');
    expect(always).toEqual([1, 2, 3, 4]);
    expect(blockTexts(doc).map(([t]) => t)).toEqual([1, 2, 3, 4].map((n) => `Scanned text of page ${n}.`));
    const never: number[] = [];
    const plain = await parserWith('never', never).parse(pdf, 'mixed.pdf');
    expect(never).toEqual([]);
    expect(plain.warnings).toEqual(['No text on pages 2, 4 (scanned images?); those pages are not searchable.']);
  });

  it('keeps going when OCR fails on a page, and warns about it', async () => {
    const failing: OcrRecognizer = {
      recognize: async (image) => {
        if (image[0] === 2) throw new Error('out of memory');
        return { text: 'Recovered page.', confidence: 70 };
      },
      terminate: async () => {},
    };
    const doc = await new PdfParser({ ocr: { mode: 'no-text-layer', recognizer: failing, renderPage } }).parse(
      pdf,
      'mixed.pdf',
    );
    expect(blockTexts(doc)).toEqual([
      ['Typed first page.', 1],
      ['Typed third page.', 3],
      ['Recovered page.', 4],
    ]);
    expect(doc.warnings).toEqual([
      'No text on page 2 (scanned images?); those pages are not searchable.',
      'OCR failed on page 2.',
    ]);
  });

  it('stops between pages when cancelled during OCR', async () => {
    const controller = new AbortController();
    const cancelling: OcrRecognizer = {
      recognize: async () => {
        controller.abort();
        return { text: 'x', confidence: 1 };
      },
      terminate: async () => {},
    };
    const parser = new PdfParser({ ocr: { mode: 'always', recognizer: cancelling, renderPage } });
    const error = await parser.parse(pdf, 'mixed.pdf', controller.signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TroveError);
    expect((error as TroveError).code).toBe('CANCELLED');
  });

  it('reads the generated scanned page (an image-only PDF) through OCR', async () => {
    const rendered: number[] = [];
    const doc = await parserWith(
      'no-text-layer',
      rendered,
      () => 'MINUTES OF THE MEETING.\nTHE QUARRY WORKERS ASKED',
    ).parse(formatFixtures()['scans/scanned-minutes.pdf']!, 'scanned-minutes.pdf');
    expect(rendered).toEqual([1]);
    expect(blockTexts(doc)).toEqual([['MINUTES OF THE MEETING. THE QUARRY WORKERS ASKED', 1]]);
  });
});
