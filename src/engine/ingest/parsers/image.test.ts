import { describe, expect, it } from 'vitest';
import { formatFixtures } from '../../../../scripts/make-format-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import type { ParseProgress } from '../../core/types.ts';
import type { OcrRecognizer } from '../ocr/recognizer.ts';
import { ImageParser, sniffImage } from './image.ts';

const fake = (text: string, calls: Uint8Array[] = []): OcrRecognizer => ({
  async recognize(image) {
    calls.push(image);
    return { text, confidence: 90 };
  },
  async terminate() {},
});

async function rejection(p: Promise<unknown>): Promise<TroveError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

describe('image parser', () => {
  const png = formatFixtures()['scans/signal-lamp.png']!;

  it('turns recognised text into page-1 paragraphs, reporting OCR progress', async () => {
    const calls: Uint8Array[] = [];
    const progress: ParseProgress[] = [];
    const parser = new ImageParser(fake('THE SIGNAL LAMP IS\nLIT AT DUSK.\n\nSecond para-\ngraph here.\n', calls));
    const doc = await parser.parse(png, 'lamp.png', undefined, (p) => progress.push(p));
    expect(doc).toMatchObject({ format: 'image', pageCount: 1, ocrPages: [1] });
    expect(doc.blocks.map((b) => [doc.text.slice(b.start, b.end), b.page])).toEqual([
      ['THE SIGNAL LAMP IS LIT AT DUSK.', 1],
      ['Second paragraph here.', 1],
    ]);
    expect(calls).toEqual([png]);
    expect(progress).toEqual([
      { stage: 'ocr', done: 0, total: 1 },
      { stage: 'ocr', done: 1, total: 1 },
    ]);
  });

  it('knows PNG, JPEG and WebP by their bytes and refuses anything else with the file named', async () => {
    expect(sniffImage(png)).toBe('png');
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    const error = await rejection(new ImageParser(fake('x')).parse(new TextEncoder().encode('GIF89a'), 'pic.png'));
    expect(error).toMatchObject({ code: 'PARSE_FAILED' });
    expect(error.message).toMatch(/^“pic\.png” is not a PNG, JPEG or WebP image/);
  });

  it('reports an image without recognisable text as EMPTY_DOCUMENT, and a recognizer crash as PARSE_FAILED', async () => {
    expect((await rejection(new ImageParser(fake('  \n')).parse(png, 'blank.png'))).message).toBe(
      '“blank.png”: no text was recognised in the image.',
    );
    const crashing: OcrRecognizer = {
      recognize: () => Promise.reject(new Error('bad huffman table')),
      terminate: async () => {},
    };
    const error = await rejection(new ImageParser(crashing).parse(png, 'x.jpg'));
    expect(error).toMatchObject({
      code: 'PARSE_FAILED',
      message: '“x.jpg” could not be read as an image: bad huffman table',
    });
  });

  it('is cancelled by an aborted signal before recognising', async () => {
    const calls: Uint8Array[] = [];
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(new ImageParser(fake('x', calls)).parse(png, 'a.png', controller.signal))).code).toBe(
      'CANCELLED',
    );
    expect(calls).toHaveLength(0);
  });
});
