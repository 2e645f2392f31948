// OCR benchmark: tesseract.js (our TesseractRecognizer, English LSTM "best_int" data from node_modules) on generated
// pages of text of three sizes, against reading the same text from a PDF text layer with pdf.js (our PdfParser),
// in one process and run. Prints ms per page and the OCR / text-layer ratio; --json adds a JSON last line.
// Pages are drawn by scripts/make-format-fixtures.mjs (5x7 bitmap font, blurred), so no file is needed.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { makePdf } from '../scripts/make-doc-fixtures.mjs';
import { encodePng, renderText } from '../scripts/make-format-fixtures.mjs';
import { nodeTesseractAssets } from '../src/engine/ingest/ocr/node-assets.ts';
import { TesseractRecognizer } from '../src/engine/ingest/ocr/tesseract.ts';
import { PdfParser } from '../src/engine/ingest/parsers/pdf.ts';

const WORDS = 'the keeper of the north light wrote each evening about ships weather birds and the long quiet hours'
  .toUpperCase()
  .split(' ');

/** `lines` lines of about 60 characters, deterministic. */
function pageLines(lines: number): string[] {
  const out: string[] = [];
  let w = 0;
  for (let i = 0; i < lines; i++) {
    let line = '';
    while (line.length < 55) line += (line ? ' ' : '') + WORDS[w++ % WORDS.length];
    out.push(line);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, runs: { type: 'string', default: '3' } },
  });
  const runs = Number(values.runs);
  const recognizer = new TesseractRecognizer(nodeTesseractAssets());
  const pdfParser = new PdfParser();
  const t0 = performance.now();
  await recognizer.recognize(encodePng(renderText(['WARM UP'])));
  const startMs = performance.now() - t0;
  const rows: {
    page: string;
    pixels: string;
    chars: number;
    ocrMs: number;
    textLayerMs: number;
    ratio: number;
    charErrors: number;
  }[] = [];
  for (const [name, lines] of [
    ['3 lines', 3],
    ['half page (20 lines)', 20],
    ['full page (45 lines)', 45],
  ] as const) {
    const text = pageLines(lines);
    const image = renderText(text);
    const png = encodePng(image);
    const pdf = makePdf([[text]]);
    const ocr: number[] = [];
    const layer: number[] = [];
    let recognised = '';
    for (let r = 0; r < runs; r++) {
      let t = performance.now();
      recognised = (await recognizer.recognize(png)).text;
      ocr.push(performance.now() - t);
      t = performance.now();
      await pdfParser.parse(pdf, 'page.pdf');
      layer.push(performance.now() - t);
    }
    const expected = text.join(' ');
    const got = recognised.replace(/\s+/g, ' ').trim();
    let errors = Math.abs(expected.length - got.length);
    for (let i = 0; i < Math.min(expected.length, got.length); i++) if (expected[i] !== got[i]) errors++;
    rows.push({
      page: name,
      pixels: `${image.width}x${image.height}`,
      chars: expected.length,
      ocrMs: Math.round(median(ocr)),
      textLayerMs: Math.round(median(layer) * 10) / 10,
      ratio: Math.round(median(ocr) / median(layer)),
      charErrors: errors,
    });
  }
  await recognizer.terminate();
  console.log(
    `OCR (tesseract.js 7, eng best_int, LSTM) vs PDF text layer (pdf.js), Node ${process.version}, ${cpus().length} cores, median of ${runs}`,
  );
  console.log(`worker start (core + traineddata, first page of 2 words): ${Math.round(startMs)} ms`);
  console.table(rows);
  if (values.json) console.log(JSON.stringify({ startMs: Math.round(startMs), rows }));
}
