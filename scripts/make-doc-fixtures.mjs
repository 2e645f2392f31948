#!/usr/bin/env node
// Writes document fixtures for tests into e2e/fixtures/generated/ (git-ignored). Deterministic, so re-running
// changes nothing. The PDFs are written by hand (objects, xref, Helvetica text) to need no dependency, and
// `makePdf` is exported so unit tests can build their own PDFs.
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Escapes a string for a PDF literal string (parentheses and backslashes); non-Latin-1 becomes '?'. */
function pdfString(s) {
  return `(${s.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e\xa0-\xff]/g, '?')})`;
}

/**
 * A PDF with one page per entry of `pages`. A page is a list of paragraphs, a paragraph a list of lines
 * (or one string = one line). Paragraphs are separated by an empty line, so extractors can see the gap.
 * Options: title (Info dictionary), encrypted (a standard security handler whose password nobody knows).
 * @param {Array<Array<string | string[]>>} pages
 * @param {{ title?: string, encrypted?: boolean }} [options]
 * @returns {Uint8Array}
 */
export function makePdf(pages, options = {}) {
  const objects = []; // object bodies, numbered from 1
  const add = (body) => objects.push(body) && objects.length;
  const catalog = add(''); // placeholders, filled once the page ids are known
  const pagesId = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids = [];
  for (const paragraphs of pages) {
    const ops = ['BT', '/F1 12 Tf', '14 TL', '72 740 Td'];
    paragraphs.forEach((paragraph, i) => {
      if (i > 0) ops.push('T*'); // an empty line between paragraphs
      for (const line of Array.isArray(paragraph) ? paragraph : [paragraph]) ops.push(`${pdfString(line)} Tj`, 'T*');
    });
    ops.push('ET');
    const stream = paragraphs.length ? ops.join('\n') : '';
    const contents = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] ` +
          `/Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${contents} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`;
  objects[pagesId - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const info = options.title ? add(`<< /Title ${pdfString(options.title)} /Producer (trove make-doc-fixtures) >>`) : 0;
  const encrypt = options.encrypted
    ? add(`<< /Filter /Standard /V 1 /R 2 /O <${'5a'.repeat(32)}> /U <${'a5'.repeat(32)}> /P -4 >>`)
    : 0;

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'; // the binary comment line marks the file as binary to transfer tools
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`; // 20 bytes per entry
  const id = '<0123456789abcdef0123456789abcdef>';
  out +=
    `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R` +
    (info ? ` /Info ${info} 0 R` : '') +
    (encrypt ? ` /Encrypt ${encrypt} 0 R` : '') +
    ` /ID [${id} ${id}] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

/** Seeded bytes (xorshift32), so "random" fixtures are identical on every run. */
function seededBytes(length, seed) {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** The two-page PDF the e2e tests search: page 2 alone is about kelp forests. */
export function twoPagePdf() {
  return makePdf(
    [
      [
        'Medieval Bridge Construction',
        [
          'Stone arch bridges of the twelfth century were built over timber centring,',
          'a temporary wooden frame that held the voussoirs until the keystone was set.',
        ],
        ['Masons cut each block to shape in the quarry and numbered it for assembly on site.'],
      ],
      [
        'Photosynthesis in Kelp Forests',
        [
          'Giant kelp captures sunlight near the ocean surface and converts carbon dioxide into sugars.',
          'Its gas-filled bladders keep the blades afloat so photosynthesis continues all day.',
        ],
        ['Sea urchins graze on kelp holdfasts, and sea otters keep the urchins in check.'],
      ],
    ],
    { title: 'Bridges and Kelp' },
  );
}

/** Files for tests: name -> bytes. */
export function docFixtures() {
  const truncated = twoPagePdf().subarray(0, 300); // a real header, then the file just stops
  const corrupt = new Uint8Array(truncated.length + 512);
  corrupt.set(truncated);
  corrupt.set(seededBytes(512, 7), truncated.length);
  const binary = seededBytes(4096, 42);
  binary.set([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00], 0); // an ELF header, NUL bytes and all
  return {
    'two-pages.pdf': twoPagePdf(),
    'corrupt.pdf': corrupt,
    'no-text.pdf': makePdf([[], []]), // like a scan: pages, but no text layer
    'password.pdf': makePdf([['Secret minutes of the lighthouse keepers guild.']], { encrypted: true }),
    'binary.txt': binary,
  };
}

/** Writes the fixtures into `dir`, touching only files whose bytes changed. Returns the paths. */
export function writeDocFixtures(dir) {
  mkdirSync(dir, { recursive: true });
  const paths = [];
  for (const [name, bytes] of Object.entries(docFixtures())) {
    const path = join(dir, name);
    if (!existsSync(path) || !Buffer.from(readFileSync(path)).equals(Buffer.from(bytes))) writeFileSync(path, bytes);
    paths.push(path);
  }
  return paths;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const paths = writeDocFixtures(join(root, 'e2e', 'fixtures', 'generated'));
  console.log(`document fixtures: ${paths.length} files in e2e/fixtures/generated/`);
}
