// npm run bench -- inner-pictures [--json] [--pages 200] [--side 640] [--repeats 3]
// Extraction of the pictures inside documents (ingest/pictures/inner-pictures.ts), without the image tower:
// a PDF of `pages` pages, each with a paragraph of text, its own photo-sized picture (Flate RGB, side × 3/4 side)
// and the same logo; the same PDF with only the logo (pdf.js' operator lists); without pictures (the byte scan alone); a DOCX of 60 pictures (48 kept).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import JSZip from 'jszip';
import sharp from 'sharp';
import { scanInnerPictures, type InnerPictureScan } from '../src/engine/ingest/pictures/inner-pictures.ts';
import { makePdfWithImages, type PdfPicture } from '../src/engine/testing/pdf-with-images.ts';

/** A smooth picture with a little texture: compresses like a scan or a rendered chart, differs per seed. */
function photo(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      out[at] = (x + seed * 37) & 0xff;
      out[at + 1] = (y + seed * 11) & 0xff;
      out[at + 2] = ((x ^ y) + seed) & 0xff;
    }
  }
  return out;
}

async function time(
  repeats: number,
  run: () => Promise<InnerPictureScan>,
): Promise<{ ms: number; scan: InnerPictureScan }> {
  const times: number[] = [];
  let scan: InnerPictureScan | undefined;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    scan = await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, scan: scan! };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      pages: { type: 'string', default: '200' },
      side: { type: 'string', default: '640' },
      repeats: { type: 'string', default: '3' },
    },
  });
  const pages = Number(values.pages);
  const side = Number(values.side);
  const repeats = Number(values.repeats);
  const text = Array.from({ length: 30 }, (_, i) => `Line ${i} of a page of a long report about harbours and kettles.`);
  const pictures: Record<string, PdfPicture> = { Logo: { width: 200, height: 80, rgb: [20, 40, 200] } };
  for (let p = 1; p <= pages; p++) {
    pictures[`P${p}`] = {
      width: side,
      height: Math.round((side * 3) / 4),
      rgb: photo(side, Math.round((side * 3) / 4), p),
    };
  }
  const withPictures = makePdfWithImages(
    pictures,
    Array.from({ length: pages }, (_, i) => ({ paints: ['Logo', `P${i + 1}`], text })),
    { compress: true },
  );
  const logoOnly = makePdfWithImages(
    { Logo: pictures['Logo']! },
    Array.from({ length: pages }, () => ({ paints: ['Logo'], text })),
  );
  const textOnly = makePdfWithImages(
    {},
    Array.from({ length: pages }, () => ({ paints: [], text })),
  );
  const zip = new JSZip();
  for (let i = 1; i <= 60; i++) {
    const png = await sharp(Buffer.from(photo(400 + i, 300, i)), { raw: { width: 400 + i, height: 300, channels: 3 } })
      .png()
      .toBuffer();
    zip.file(`word/media/image${i}.png`, png);
  }
  zip.file('word/document.xml', '<w:document/>');
  const docx = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });

  const rows = [
    { name: `PDF, ${pages} pages, a picture each + logo`, bytes: withPictures, format: 'pdf' as const },
    { name: `PDF, ${pages} pages, text + logo`, bytes: logoOnly, format: 'pdf' as const },
    { name: `PDF, ${pages} pages, text only`, bytes: textOnly, format: 'pdf' as const },
    { name: 'DOCX, 60 pictures of ~400 × 300', bytes: docx, format: 'docx' as const },
  ];
  await scanInnerPictures(withPictures.slice(0, 0), 'warm.pdf', 'pdf').catch(() => undefined); // loads pdf.js
  const results = [];
  for (const row of rows) {
    const { ms, scan } = await time(repeats, () => scanInnerPictures(row.bytes, 'bench', row.format));
    results.push({
      name: row.name,
      mb: +(row.bytes.length / 1e6).toFixed(1),
      ms: Math.round(ms),
      kept: scan.pictures.length,
      ...scan.stats,
    });
  }
  console.table(results);
  if (values.json) console.log(JSON.stringify({ suite: 'inner-pictures', pages, side, repeats, results }));
}
