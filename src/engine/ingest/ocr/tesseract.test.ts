// Real OCR in Node: tesseract.js with its worker, core and English data from node_modules (no network).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFixtures, renderText, encodePng } from '../../../../scripts/make-format-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import { ImageParser } from '../parsers/image.ts';
import { encodeGif } from '../../testing/gif.ts';
import { nodeTesseractAssets } from './node-assets.ts';
import { ocrParagraphs } from './recognizer.ts';
import { TesseractRecognizer } from './tesseract.ts';

describe('tesseract recognizer', () => {
  const recognizer = new TesseractRecognizer(nodeTesseractAssets());
  afterAll(() => recognizer.terminate());

  it('reads the generated PNG of text and the noisy "photo" of a notice', async () => {
    const fixtures = formatFixtures();
    const parser = new ImageParser(recognizer);
    const lamp = await parser.parse(fixtures['scans/signal-lamp.png']!, 'signal-lamp.png');
    expect(lamp.text.toLowerCase()).toContain('the signal lamp is lit at dusk');
    const photo = await parser.parse(fixtures['scans/photo-of-notice.png']!, 'photo-of-notice.png');
    expect(photo.text.toLowerCase()).toContain('ferry timetable');
  });

  it('reads the first frame of an animated GIF of text', async () => {
    const grey = (lines: string[], width?: number) => {
      const page = renderText(lines);
      const w = width ?? page.width;
      const rgb = new Uint8Array(w * page.height * 3).fill(255);
      for (let y = 0; y < page.height; y++)
        for (let x = 0; x < Math.min(w, page.width); x++)
          rgb.fill(page.pixels[y * page.width + x]!, (y * w + x) * 3, (y * w + x) * 3 + 3);
      return { width: w, height: page.height, rgb };
    };
    const first = grey(['SIGNAL LAMP']);
    const gif = encodeGif([first, grey(['QUARRY WORKS'], first.width)]);
    const doc = await new ImageParser(recognizer).parse(gif, 'lamp.gif');
    expect(doc.text).toContain('SIGNAL LAMP');
    expect(doc.text).not.toContain('QUARRY');
  });

  it('fails a damaged image with PARSE_FAILED naming the file, and keeps working', async () => {
    const png = formatFixtures()['scans/signal-lamp.png']!;
    const damaged = png.slice(0, 60); // a PNG signature and header, then nothing
    const error = await new ImageParser(recognizer).parse(damaged, 'damaged.png').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TroveError);
    expect(error).toMatchObject({ code: 'PARSE_FAILED' });
    expect((error as TroveError).message).toMatch(/^“damaged\.png” could not be read as an image: /);
    expect((await recognizer.recognize(png)).text).toContain('SIGNAL LAMP');
  });

  it('cancels a page in progress and recognises again afterwards with a fresh worker', async () => {
    const big = encodePng(renderText(Array.from({ length: 30 }, (_, i) => `LINE ${i} OF A LONG PAGE OF TEXT`)));
    const controller = new AbortController();
    const running = recognizer.recognize(big, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const error = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TroveError);
    expect((error as TroveError).code).toBe('CANCELLED');
    const again = await recognizer.recognize(encodePng(renderText(['QUARRY WORKERS'])));
    expect(again.text).toContain('QUARRY WORKERS');
  });
});

describe('tesseract recognizer failures', () => {
  it('reports missing traineddata as MODEL_UNAVAILABLE naming what failed', async () => {
    const recognizer = new TesseractRecognizer({
      langPath: join(tmpdir(), 'trove-no-such-dir'),
      startTimeoutMs: 20_000,
    });
    const error = await recognizer.recognize(new Uint8Array([1])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TroveError);
    expect((error as TroveError).code).toBe('MODEL_UNAVAILABLE');
    expect((error as TroveError).message).toMatch(/^OCR could not start: /);
    await recognizer.terminate();
  });
});

describe('ocrParagraphs', () => {
  it('joins lines, splits at blank lines and mends hyphenated line ends', () => {
    expect(ocrParagraphs('One line\nand an-\nother.\n\n\nNew  para\r\n')).toEqual([
      'One line and another.',
      'New para',
    ]);
    expect(ocrParagraphs('\n \n')).toEqual([]);
  });
});
