import { describe, expect, it } from 'vitest';
import { formatFixtures } from '../../../../scripts/make-format-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import type { ParseProgress } from '../../core/types.ts';
import type { OcrRecognizer } from '../ocr/recognizer.ts';
import { MAX_IMAGE_PIXELS, imageDimensions } from './image-dimensions.ts';
import { ImageParser, sniffImage } from './image.ts';
import { encodeGif, flatGif } from '../../testing/gif.ts';

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

  it('knows PNG, JPEG, WebP and GIF by their bytes and refuses anything else with the file named', async () => {
    expect(sniffImage(png)).toBe('png');
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffImage(new TextEncoder().encode('GIF87a'))).toBe('gif');
    expect(sniffImage(flatGif(4, 4, [200, 20, 20]))).toBe('gif');
    const error = await rejection(new ImageParser(fake('x')).parse(new TextEncoder().encode('BM6\0\0\0'), 'pic.png'));
    expect(error).toMatchObject({ code: 'PARSE_FAILED' });
    expect(error.message).toMatch(/^“pic\.png” is not a PNG, JPEG, WebP or GIF image/);
  });

  it('takes a .gif (by name or by image/gif) and hands its bytes to the recognizer: its text is page 1', async () => {
    const parser = new ImageParser(fake('x'));
    expect(parser.accepts('loop.GIF', '')).toBe(true);
    expect(parser.accepts('download', 'image/gif')).toBe(true);
    const calls: Uint8Array[] = [];
    const gif = flatGif(30, 20, [240, 240, 240]);
    const doc = await new ImageParser(fake('WHITEBOARD PLAN', calls)).parse(gif, 'board.gif');
    expect(doc).toMatchObject({ format: 'image', text: 'WHITEBOARD PLAN', pageCount: 1, ocrPages: [1] });
    expect(calls).toEqual([gif]);
  });

  it('bug guard: a GIF the recognizer cannot read is a picture without text (EMPTY_DOCUMENT), never PARSE_FAILED', async () => {
    const crashing: OcrRecognizer = {
      recognize: () => Promise.reject(new Error('pixReadMem: unknown format')),
      terminate: async () => {},
    };
    const error = await rejection(new ImageParser(crashing).parse(flatGif(8, 8, [9, 9, 9]), 'loop.gif'));
    expect(error.code).toBe('EMPTY_DOCUMENT');
    expect(error.message).toMatch(/^“loop\.gif”: no text was read: text recognition could not read this GIF/);
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

// Headers only: a few dozen bytes that declare a size; nothing here is decodable, and nothing needs to be.
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

function jpegHeader(width: number, height: number): Uint8Array {
  // SOI, an APP0 segment to skip, then SOF2 (progressive) with precision, height, width.
  const bytes = new Uint8Array([
    0xff, 0xd8, 0xff, 0xe0, 0, 6, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xc2, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0,
  ]);
  new DataView(bytes.buffer).setUint16(15, height);
  new DataView(bytes.buffer).setUint16(17, width);
  return bytes;
}

/** A real 1×1 GIF whose screen and first frame declare the given sizes (the frame placed at `left`, 0). */
function gifWithFrame(screenW: number, screenH: number, left: number, frameW: number, frameH: number): Uint8Array {
  const bytes = encodeGif([{ width: 1, height: 1, rgb: new Uint8Array([5, 5, 5]) }]);
  const view = new DataView(bytes.buffer);
  view.setUint16(6, screenW, true);
  view.setUint16(8, screenH, true);
  const descriptor = bytes.indexOf(0x2c, 13 + 12); // after the header and the 4-entry colour table
  view.setUint16(descriptor + 1, left, true);
  view.setUint16(descriptor + 5, frameW, true);
  view.setUint16(descriptor + 7, frameH, true);
  return bytes;
}

function webpHeader(chunk: 'VP8 ' | 'VP8L' | 'VP8X', width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(40);
  bytes.set(new TextEncoder().encode(`RIFF\0\0\0\0WEBP${chunk}`));
  const view = new DataView(bytes.buffer);
  if (chunk === 'VP8 ') {
    view.setUint16(26, width, true);
    view.setUint16(28, height, true);
  } else if (chunk === 'VP8L') {
    view.setUint32(21, (width - 1) | ((height - 1) << 14), true);
  } else {
    for (const [at, value] of [
      [24, width - 1],
      [27, height - 1],
    ])
      bytes.set([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff], at);
  }
  return bytes;
}

describe('image with huge declared dimensions', () => {
  it('reads the declared size of PNG, JPEG and WebP (lossy, lossless, extended) headers', () => {
    expect(imageDimensions(pngHeader(640, 480), 'png')).toEqual({ width: 640, height: 480 });
    expect(imageDimensions(jpegHeader(1200, 900), 'jpeg')).toEqual({ width: 1200, height: 900 });
    expect(imageDimensions(webpHeader('VP8 ', 300, 200), 'webp')).toEqual({ width: 300, height: 200 });
    expect(imageDimensions(webpHeader('VP8L', 16_000, 9_000), 'webp')).toEqual({ width: 16_000, height: 9_000 });
    expect(imageDimensions(webpHeader('VP8X', 70_000, 50_000), 'webp')).toEqual({ width: 70_000, height: 50_000 });
    expect(imageDimensions(flatGif(30, 20, [1, 2, 3]), 'gif')).toEqual({ width: 30, height: 20 });
    expect(imageDimensions(gifWithFrame(16, 16, 40, 3000, 7000), 'gif')).toEqual({ width: 3040, height: 7000 });
    expect(imageDimensions(formatFixtures()['scans/signal-lamp.png']!, 'png')).toMatchObject({
      width: expect.any(Number),
    });
  });

  it('a header declaring more pixels than OCR reads is refused naming the file, before the recognizer sees it', async () => {
    const hostile = [
      ['wall.png', pngHeader(60_000, 60_000)],
      ['wall.jpg', jpegHeader(65_535, 65_535)],
      ['wall.webp', webpHeader('VP8X', 1 << 24, 1 << 24)],
      ['wall.gif', gifWithFrame(65_535, 65_535, 0, 1, 1)],
      // A small screen whose first frame is huge: decoders allocate for the frame.
      ['tall.gif', gifWithFrame(10, 10, 0, 40_000, 40_000)],
    ] as const;
    for (const [name, bytes] of hostile) {
      const calls: Uint8Array[] = [];
      const error = await rejection(new ImageParser(fake('x', calls)).parse(bytes, name));
      expect(error.code).toBe('FILE_TOO_LARGE');
      expect(error.message).toMatch(new RegExp(`^“${name.replace('.', '\\.')}” declares \\d+ × \\d+ pixels`));
      expect(calls).toHaveLength(0);
    }
    expect(MAX_IMAGE_PIXELS).toBeLessThan(60_000 * 60_000);
  });

  it('a header too short to say its size is refused as damaged', async () => {
    const error = await rejection(new ImageParser(fake('x')).parse(pngHeader(10, 10).subarray(0, 20), 'cut.png'));
    expect(error).toMatchObject({ code: 'PARSE_FAILED' });
    expect(error.message).toMatch(/^“cut\.png”: its image header/);
  });
});
