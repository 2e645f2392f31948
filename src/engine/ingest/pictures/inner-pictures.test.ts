import JSZip from 'jszip';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makePdfWithImages } from '../../testing/pdf-with-images.ts';
import {
  INNER_PICTURE_CAP,
  INNER_PICTURE_MAX_SIDE,
  LargestPictures,
  emptyStats,
  fitPicture,
} from './inner-picture-rules.ts';
import { extractInnerPictures, scanInnerPictures } from './inner-pictures.ts';
import {
  PDF_DECLARED_PIXEL_BOUND,
  PDF_PICTURE_MAX_PIXELS,
  mayHoldImages,
  scanPdfPictures,
} from './inner-pictures-pdf.ts';
import { scanDocxPictures } from './inner-pictures-zip.ts';

type Rgb = [number, number, number];
const RED: Rgb = [230, 20, 20];
const BLUE: Rgb = [20, 20, 230];
const GREEN: Rgb = [20, 200, 20];

function png(width: number, height: number, [r, g, b]: Rgb): Promise<Uint8Array> {
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer()
    .then((buffer) => new Uint8Array(buffer));
}

/** A PNG whose header declares 100 × 100 but whose data is not a PNG stream. */
function damagedPng(): Uint8Array {
  const head = Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 100, 0, 0, 0, 100, 8,
    2, 0, 0, 0,
  ]);
  const out = new Uint8Array(head.length + 200);
  out.set(head);
  out.fill(0x5a, head.length);
  return out;
}

/** The colour of a picture's first pixel. */
function firstPixel(picture: { data: ArrayLike<number>; channels: number }): number[] {
  return Array.from({ length: 3 }, (_, k) => picture.data[Math.min(k, picture.channels - 1)]!);
}

/** A DOCX whose document.xml shows `shown` (media names) in that order; `media` are all word/media/ files. */
async function docx(media: Record<string, Uint8Array>, shown: string[]): Promise<Uint8Array> {
  const zip = new JSZip();
  const ids = new Map(Object.keys(media).map((name, i) => [name, `rId${i + 10}`]));
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
  );
  zip.file(
    'word/_rels/document.xml.rels',
    `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${[...ids]
      .map(([name, id]) => `<Relationship Id="${id}" Type="http://image" Target="media/${name}"/>`)
      .join('')}</Relationships>`,
  );
  const blips = shown.map((name) => `<w:p><w:r><a:blip r:embed="${ids.get(name)}"/></w:r></w:p>`).join('');
  zip.file('word/document.xml', `<?xml version="1.0"?><w:document><w:body>${blips}</w:body></w:document>`);
  for (const [name, bytes] of Object.entries(media)) zip.file(`word/media/${name}`, bytes);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** An EPUB whose chapters show the given manifest pictures (by file name). */
async function epub(images: Record<string, Uint8Array>, chapters: string[][]): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file('mimetype', 'application/epub+zip');
  zip.file(
    'META-INF/container.xml',
    '<?xml version="1.0"?><container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>',
  );
  const items = [
    ...chapters.map((_, i) => `<item id="c${i + 1}" href="text/ch${i + 1}.xhtml" media-type="application/xhtml+xml"/>`),
    ...Object.keys(images).map((name, i) => `<item id="i${i}" href="images/${name}" media-type="image/png"/>`),
  ].join('');
  const spine = chapters.map((_, i) => `<itemref idref="c${i + 1}"/>`).join('');
  zip.file(
    'OEBPS/content.opf',
    `<?xml version="1.0"?><package><metadata/><manifest>${items}</manifest><spine>${spine}</spine></package>`,
  );
  chapters.forEach((shows, i) => {
    const imgs = shows.map((name) => `<img src="../images/${name}" alt=""/>`).join('');
    zip.file(`OEBPS/text/ch${i + 1}.xhtml`, `<html><body><p>Chapter ${i + 1}</p>${imgs}</body></html>`);
  });
  for (const [name, bytes] of Object.entries(images)) zip.file(`OEBPS/images/${name}`, bytes);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

describe('DOCX pictures', () => {
  it('are numbered in the order the document shows them, without a page; an icon is skipped', async () => {
    const file = await docx(
      {
        'image1.png': await png(120, 80, RED),
        'image2.png': await png(100, 100, BLUE),
        'image3.png': await png(16, 16, GREEN),
      },
      ['image2.png', 'image3.png', 'image1.png'],
    );
    const { pictures, stats } = await scanInnerPictures(file, 'report.docx', 'docx');
    expect(pictures.map((p) => [p.n, p.page, p.width, p.height])).toEqual([
      [1, undefined, 100, 100],
      [2, undefined, 120, 80],
    ]);
    expect(firstPixel(pictures[0]!.picture)).toEqual(BLUE);
    expect(firstPixel(pictures[1]!.picture)).toEqual(RED);
    expect(stats).toMatchObject({ found: 3, tooSmall: 1, decoded: 2, failed: 0 });
  });

  it('keeps the largest INNER_PICTURE_CAP in document order, decoding only those', async () => {
    const media: Record<string, Uint8Array> = {};
    // image1 is the smallest, image50 the largest; the document shows them last to first.
    for (let i = 1; i <= 50; i++) media[`image${i}.png`] = await png(64 + i, 64, i % 2 ? RED : BLUE);
    const shown = Object.keys(media).reverse();
    const { pictures, stats } = await scanInnerPictures(await docx(media, shown), 'catalogue.docx', 'docx');
    expect(pictures).toHaveLength(INNER_PICTURE_CAP);
    expect(pictures.map((p) => p.n)).toEqual(Array.from({ length: INNER_PICTURE_CAP }, (_, i) => i + 1));
    expect(pictures.map((p) => p.width)).toEqual(Array.from({ length: INNER_PICTURE_CAP }, (_, i) => 64 + 50 - i));
    expect(stats).toMatchObject({ found: 50, overCap: 2, decoded: INNER_PICTURE_CAP });
  });

  it('skips (and counts) a damaged picture; the others are kept', async () => {
    const file = await docx(
      { 'image1.png': await png(90, 90, RED), 'image2.png': damagedPng(), 'image3.png': await png(90, 90, BLUE) },
      ['image1.png', 'image2.png', 'image3.png'],
    );
    const { pictures, stats } = await scanInnerPictures(file, 'damaged.docx', 'docx');
    expect(pictures.map((p) => firstPixel(p.picture))).toEqual([RED, BLUE]);
    expect(pictures.map((p) => p.n)).toEqual([1, 2]);
    expect(stats).toMatchObject({ found: 3, failed: 1, decoded: 2 });
  });

  it('scales a large picture down for the image tower, keeping its own size', async () => {
    const file = await docx({ 'image1.png': await png(2000, 1000, RED) }, ['image1.png']);
    const [picture] = await extractInnerPictures(file, 'poster.docx', 'docx');
    expect([picture!.width, picture!.height]).toEqual([2000, 1000]);
    expect([picture!.picture.width, picture!.picture.height]).toEqual([
      INNER_PICTURE_MAX_SIDE,
      INNER_PICTURE_MAX_SIDE / 2,
    ]);
    expect(firstPixel(picture!.picture)).toEqual(RED);
  });

  it('media the document never shows come last, by name; a file that is not a ZIP is refused', async () => {
    const file = await docx(
      {
        'image10.png': await png(70, 70, GREEN),
        'image2.png': await png(70, 70, BLUE),
        'image1.png': await png(70, 70, RED),
      },
      ['image1.png'],
    );
    const pictures = await extractInnerPictures(file, 'loose.docx', 'docx');
    expect(pictures.map((p) => firstPixel(p.picture))).toEqual([RED, BLUE, GREEN]);
    await expect(extractInnerPictures(new Uint8Array([1, 2, 3, 4]), 'x.docx', 'docx')).rejects.toMatchObject({
      code: 'PARSE_FAILED',
    });
  });
});

describe('EPUB pictures', () => {
  it('page is the spine position of the first chapter showing the picture; unshown ones have none', async () => {
    const file = await epub(
      {
        'a.png': await png(100, 80, RED),
        'b.png': await png(80, 100, BLUE),
        'icon.png': await png(20, 20, GREEN),
        'unshown.png': await png(90, 90, GREEN),
      },
      [[], ['b.png', 'icon.png'], ['a.png', 'b.png']],
    );
    const { pictures, stats } = await scanInnerPictures(file, 'book.epub', 'epub');
    expect(pictures.map((p) => [p.n, p.page, firstPixel(p.picture)])).toEqual([
      [1, 2, BLUE],
      [2, 3, RED],
      [3, undefined, GREEN],
    ]);
    expect(stats).toMatchObject({ found: 4, tooSmall: 1, decoded: 3 });
  });
});

describe('PDF pictures', () => {
  it('are read per page in order with their page numbers; an icon is skipped', async () => {
    const pdf = makePdfWithImages(
      {
        Icon: { width: 16, height: 16, rgb: GREEN },
        Red: { width: 120, height: 90, rgb: RED },
        Blue: { width: 100, height: 100, rgb: BLUE },
      },
      [
        { paints: ['Icon'], text: ['Cover'] },
        { paints: ['Red'], text: ['A red picture'] },
        { paints: [], text: ['Nothing'] },
        { paints: ['Icon', 'Blue'], text: ['A blue picture'] },
      ],
    );
    const { pictures, stats } = await scanInnerPictures(pdf, 'report.pdf', 'pdf');
    expect(pictures.map((p) => [p.n, p.page, p.width, p.height, firstPixel(p.picture)])).toEqual([
      [1, 2, 120, 90, RED],
      [2, 4, 100, 100, BLUE],
    ]);
    expect(stats).toMatchObject({ found: 3, tooSmall: 1, decoded: 2 });
  });

  it('a logo repeated on 300 pages is read once, from its first page', async () => {
    const pdf = makePdfWithImages(
      { Logo: { width: 120, height: 80, rgb: BLUE }, Photo: { width: 200, height: 150, rgb: RED } },
      Array.from({ length: 300 }, (_, i) => ({
        paints: i === 149 ? ['Logo', 'Photo'] : ['Logo'],
        text: [`Page ${i}`],
      })),
      { compress: true },
    );
    const { pictures, stats } = await scanInnerPictures(pdf, 'letters.pdf', 'pdf');
    expect(pictures.map((p) => [p.n, p.page, firstPixel(p.picture)])).toEqual([
      [1, 1, BLUE],
      [2, 150, RED],
    ]);
    expect(stats).toMatchObject({ found: 2, decoded: 2 });
  });

  it('a text-only PDF is not opened for pictures; a damaged one is refused', async () => {
    const textOnly = makePdfWithImages({}, [{ paints: [], text: ['Only words; /ImageB is a ProcSet name'] }]);
    expect(mayHoldImages(textOnly)).toBe(false);
    expect(await extractInnerPictures(textOnly, 'words.pdf', 'pdf')).toEqual([]);
    const withImage = makePdfWithImages({ P: { width: 70, height: 70, rgb: RED } }, [{ paints: ['P'] }]);
    expect(mayHoldImages(withImage)).toBe(true);
    const damaged = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Subtype /Image >> and nothing more');
    await expect(extractInnerPictures(damaged, 'cut.pdf', 'pdf')).rejects.toMatchObject({ code: 'PARSE_FAILED' });
  });

  it('stops with CANCELLED when its signal is aborted', async () => {
    const pdf = makePdfWithImages({ P: { width: 70, height: 70, rgb: RED } }, [{ paints: ['P'] }]);
    const controller = new AbortController();
    controller.abort();
    await expect(extractInnerPictures(pdf, 'x.pdf', 'pdf', controller.signal)).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });
});

describe('the pixel budget of a document', () => {
  it('DOCX: pictures past it are left out, the first ones kept', async () => {
    const file = await docx(
      {
        'image1.png': await png(100, 100, RED),
        'image2.png': await png(100, 100, BLUE),
        'image3.png': await png(100, 100, GREEN),
      },
      ['image1.png', 'image2.png', 'image3.png'],
    );
    const { pictures, stats } = await scanDocxPictures(file, 'photos.docx', undefined, 25_000);
    expect(pictures.map((p) => firstPixel(p.picture))).toEqual([RED, BLUE]);
    expect(stats).toMatchObject({ decoded: 2, overBudget: 1 });
  });

  it('PDF: the pages after it are not read', async () => {
    const pdf = makePdfWithImages(
      {
        A: { width: 100, height: 100, rgb: RED },
        B: { width: 100, height: 100, rgb: BLUE },
        C: { width: 100, height: 100, rgb: GREEN },
      },
      [{ paints: ['A'] }, { paints: ['B'] }, { paints: ['C'] }, { paints: [] }],
    );
    const { pictures, stats } = await scanPdfPictures(pdf, 'scans.pdf', undefined, 15_000);
    expect(pictures.map((p) => p.page)).toEqual([1, 2]);
    expect(stats).toMatchObject({ decoded: 2, pagesUnread: 2 });
  });
});

describe('the pixels a PDF declares', () => {
  it('20 declared pictures of 10000 × 10000 on one page: not opened, nothing decoded', async () => {
    // Their streams are 16 bytes of garbage: were pdf.js to read them, it would count them as failed or found.
    const pictures = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`P${i}`, { width: 10_000, height: 10_000, rgb: new Uint8Array(16) }]),
    );
    const pdf = makePdfWithImages(pictures, [{ paints: Object.keys(pictures) }]);
    const scan = await scanPdfPictures(pdf, 'bomb.pdf');
    expect(scan.pictures).toEqual([]);
    expect(scan.stats.declaredOverBound).toBe(20 * PDF_PICTURE_MAX_PIXELS);
    expect(scan.stats.declaredOverBound).toBeGreaterThan(PDF_DECLARED_PIXEL_BOUND);
    expect(scan.stats).toMatchObject({ found: 0, failed: 0, decoded: 0 });
  });

  it('the bound is checked before pdf.js: the same PDF under and over it', async () => {
    const pdf = makePdfWithImages(
      { A: { width: 100, height: 100, rgb: RED }, B: { width: 100, height: 100, rgb: BLUE } },
      [{ paints: ['A', 'B'] }],
    );
    const under = await scanPdfPictures(pdf, 'two.pdf');
    expect(under.pictures.map((p) => firstPixel(p.picture))).toEqual([RED, BLUE]);
    expect(under.stats).toMatchObject({ decoded: 2, declaredOverBound: 0 });
    const over = await scanPdfPictures(pdf, 'two.pdf', undefined, undefined, 19_999);
    expect(over.pictures).toEqual([]);
    expect(over.stats).toMatchObject({ found: 0, decoded: 0, declaredOverBound: 20_000 });
  });

  it("pdf.js skips a picture over 4096 × 4096 unread; the page's other picture is kept", async () => {
    const pdf = makePdfWithImages(
      { Huge: { width: 4097, height: 4097, rgb: BLUE }, Small: { width: 100, height: 100, rgb: RED } },
      [{ paints: ['Huge', 'Small'] }],
      { compress: true },
    );
    const { pictures, stats } = await scanPdfPictures(pdf, 'poster.pdf');
    expect(pictures.map((p) => firstPixel(p.picture))).toEqual([RED]);
    expect(stats).toMatchObject({ found: 1, decoded: 1, failed: 0, declaredOverBound: 0 });
  });
});

describe('shared rules', () => {
  it('LargestPictures keeps the cap largest, earlier ones on ties, in order', () => {
    const stats = emptyStats();
    const largest = new LargestPictures<string>(3, stats);
    [5, 1, 5, 9, 5, 2].forEach((pixels, order) => largest.add(order, pixels, `${order}:${pixels}`));
    expect(largest.inOrder()).toEqual(['0:5', '2:5', '3:9']);
    expect(stats.overCap).toBe(3);
  });

  it('fitPicture averages areas and leaves small pictures alone', () => {
    const picture = {
      data: Uint8Array.from([0, 100, 200, 40, 10, 110, 210, 50]),
      width: 4,
      height: 2,
      channels: 1 as const,
    };
    expect(fitPicture(picture, 8)).toBe(picture);
    const half = fitPicture(picture, 2);
    expect([half.width, half.height]).toEqual([2, 1]);
    expect(Array.from(half.data)).toEqual([55, 125]);
  });
});
