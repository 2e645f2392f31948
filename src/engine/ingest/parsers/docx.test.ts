import { describe, expect, it } from 'vitest';
import { encodePng, formatFixtures, makeDocx, renderText, zip } from '../../../../scripts/make-format-fixtures.mjs';
import type { OcrRecognizer } from '../ocr/recognizer.ts';
import { TroveError } from '../../core/errors.ts';
import { blockProblems } from '../../testing/ingest-test-utils.ts';
import { DocxParser, docxParser } from './docx.ts';

const outline = (doc: { text: string; blocks: { start: number; end: number; kind: string; level?: number }[] }) =>
  doc.blocks.map((b) => (b.kind === 'heading' ? `h${b.level}:` : '') + doc.text.slice(b.start, b.end));

async function rejection(p: Promise<unknown>): Promise<TroveError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

describe('docx parser', () => {
  it('keeps headings, paragraphs and tables in document order, a table as one block with a line per row', async () => {
    const doc = await docxParser.parse(formatFixtures()['report.docx']!, 'report.docx');
    expect(doc.format).toBe('docx');
    expect(doc.title).toBe('Harbour Report');
    expect(outline(doc)).toEqual([
      'h1:Harbour Report',
      'This report summarises the state of the harbour in the winter season.',
      'h2:Equipment',
      'The inventory lists twelve copper kettles in the harbour office and two brass bells.',
      'Item Count\nLanterns 14\nRowing boats 3',
      'h2:Staff',
      'Four keepers share the night watch on a rota that changes every Sunday.',
    ]);
    expect(blockProblems(doc)).toEqual([]);
  });

  it('reads a document of many paragraphs (100x the fixture) with every paragraph kept', async () => {
    const items: [string, string][] = [];
    for (let i = 0; i < 1500; i++)
      items.push(i % 50 === 0 ? ['h1', `Part ${i / 50}`] : ['p', `Paragraph number ${i} of the long report.`]);
    const doc = await docxParser.parse(makeDocx(items), 'long.docx');
    expect(doc.blocks).toHaveLength(1500);
    expect(doc.text.slice(doc.blocks[1499]!.start, doc.blocks[1499]!.end)).toBe(
      'Paragraph number 1499 of the long report.',
    );
  });

  it('names the file and the reason for a corrupt, an old binary and a non-Word file', async () => {
    const good = formatFixtures()['report.docx']!;
    const corrupt = good.slice(0, 200); // a ZIP header, then nothing
    let error = await rejection(docxParser.parse(corrupt, 'broken.docx'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(/^“broken\.docx” could not be read as a Word document \(damaged or not a \.docx\): /);

    error = await rejection(
      docxParser.parse(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.docx'),
    );
    expect(error.message).toBe('“old.docx” is an old binary Word (.doc) file; save it as .docx and add it again.');

    error = await rejection(docxParser.parse(new TextEncoder().encode('plain text'), 'fake.docx'));
    expect(error.message).toMatch(/“fake\.docx” is not a Word document/);

    error = await rejection(docxParser.parse(zip({ 'hello.txt': 'not a document' }), 'zip.docx'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(/“zip\.docx” could not be read as a Word document/);
  });

  it('rejects a document with no text as EMPTY_DOCUMENT', async () => {
    const error = await rejection(docxParser.parse(makeDocx([['p', '   ']]), 'blank.docx'));
    expect(error.code).toBe('EMPTY_DOCUMENT');
  });

  describe('pictures', () => {
    const png = encodePng(renderText(['HARBOUR MAP']));
    const doc = makeDocx([
      ['p', 'Before the picture.'],
      ['image', png],
      ['image', png, 'A map of the harbour'],
      ['p', 'After the picture.'],
    ]);

    it("keeps a picture's description (alt text) and drops pictures without one when OCR is off", async () => {
      const parsed = await docxParser.parse(doc, 'pictures.docx');
      expect(outline(parsed)).toEqual(['Before the picture.', 'A map of the harbour', 'After the picture.']);
    });

    it('puts the OCR text of each picture where the picture was when OCR is on', async () => {
      const seen: Uint8Array[] = [];
      const recognizer: OcrRecognizer = {
        recognize: async (image) => {
          seen.push(image);
          return { text: 'HARBOUR\nMAP\n', confidence: 90 };
        },
        terminate: async () => {},
      };
      const parsed = await new DocxParser({ ocr: { recognizer } }).parse(doc, 'pictures.docx');
      expect(outline(parsed)).toEqual(['Before the picture.', 'HARBOUR MAP', 'HARBOUR MAP', 'After the picture.']);
      expect(seen).toHaveLength(2);
      expect(seen[0]).toEqual(png);
    });

    it('warns when OCR fails on a picture and keeps the rest, alt text included', async () => {
      const failing: OcrRecognizer = {
        recognize: () => Promise.reject(new Error('bad image')),
        terminate: async () => {},
      };
      const parsed = await new DocxParser({ ocr: { recognizer: failing } }).parse(doc, 'pictures.docx');
      expect(outline(parsed)).toEqual(['Before the picture.', 'A map of the harbour', 'After the picture.']);
      expect(parsed.warnings).toEqual(['OCR failed on 2 picture(s); their text is not searchable.']);
    });
  });
});
