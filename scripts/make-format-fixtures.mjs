#!/usr/bin/env node
// Writes one small file per supported format into e2e/fixtures/generated/formats/ (git-ignored), as a folder to
// drop: Word, EPUB, CSV, TSV, JSON, JSONL, source code, a PNG of text, a "photo" of text and a scanned PDF page
// (an image, no text layer), plus a hidden file and an unsupported one that a folder walk must skip.
// Everything is written by this script (text by the Trove authors, no third-party content), deterministically:
// ZIPs via fflate with fixed dates, images via a built-in 5x7 bitmap font and a minimal PNG/PDF writer.
// `formatFixtures()` is exported for unit tests; FORMAT_PHRASES says what to search for and where it must be cited.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { strToU8, zipSync, zlibSync } from 'fflate';

const MTIME = new Date('2026-01-01T00:00:00Z'); // fixed: identical bytes on every run

/** A ZIP from path → text/bytes; `stored` names entries kept uncompressed (EPUB's mimetype must be). */
export function zip(files, stored = []) {
  const entries = {};
  for (const [path, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? strToU8(content) : content;
    entries[path] = [data, { level: stored.includes(path) ? 0 : 6, mtime: MTIME }];
  }
  return zipSync(entries);
}

// ---------------------------------------------------------------------------------------------------------- DOCX

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const para = (text, style) =>
  `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`;
const table = (rows) =>
  `<w:tbl>${rows.map((r) => `<w:tr>${r.map((c) => `<w:tc>${para(c)}</w:tc>`).join('')}</w:tr>`).join('')}</w:tbl>`;

/** An inline DrawingML picture (what Word writes), with its description as the alt text. */
const picture = (id, alt) =>
  '<w:p><w:r><w:drawing><wp:inline>' +
  `<wp:docPr id="1" name="Picture"${alt ? ` descr="${esc(alt)}"` : ''}/>` +
  '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>' +
  `<pic:blipFill><a:blip r:embed="${id}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>` +
  '</wp:inline></w:drawing></w:r></w:p>';

/**
 * A .docx from body items: ['h1', text] | ['h2', text] | ['p', text] | ['table', rows] | ['image', pngBytes, alt?]
 * (an inline DrawingML picture; alt = its description).
 */
export function makeDocx(items) {
  const media = {};
  const rels = [];
  const body = items
    .map(([kind, value, alt]) => {
      if (kind === 'table') return table(value);
      if (kind === 'image') {
        const id = `rIdImg${rels.length + 1}`;
        const target = `media/image${rels.length + 1}.png`;
        media[`word/${target}`] = value;
        rels.push(
          `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="${target}"/>`,
        );
        return picture(id, alt);
      }
      return para(value, kind === 'h1' ? 'Heading1' : kind === 'h2' ? 'Heading2' : undefined);
    })
    .join('');
  const style = (id, name) => `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/></w:style>`;
  return zip({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/_rels/document.xml.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>${rels.join('')}</Relationships>`,
    'word/styles.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${W}">${style('Heading1', 'heading 1')}${style('Heading2', 'heading 2')}</w:styles>`,
    'word/document.xml':
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ' +
      `xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>${body}</w:body></w:document>`,
    ...media,
  });
}

// ---------------------------------------------------------------------------------------------------------- EPUB

const xhtml = (title, body) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>${esc(title)}</title></head><body>${body}</body></html>`;

/** An EPUB 3 from chapters [{file, title, html}] in reading order (the spine), with a nav document. */
export function makeEpub(title, chapters, { nav = true } = {}) {
  const manifest = chapters
    .map((c, i) => `<item id="c${i}" href="${c.file}" media-type="application/xhtml+xml"/>`)
    .join('');
  const spine = chapters.map((_c, i) => `<itemref idref="c${i}"/>`).join('');
  const files = {
    mimetype: 'application/epub+zip',
    'META-INF/container.xml':
      '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>' +
      '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
    'OEBPS/content.opf':
      `<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">` +
      `<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">trove-fixture</dc:identifier><dc:title>${esc(title)}</dc:title><dc:language>en</dc:language></metadata>` +
      `<manifest>${nav ? '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>' : ''}${manifest}</manifest>` +
      `<spine>${spine}</spine></package>`,
  };
  if (nav) {
    const items = chapters.map((c) => `<li><a href="${c.file}">${esc(c.title)}</a></li>`).join('');
    files['OEBPS/nav.xhtml'] = xhtml('Contents', `<nav epub:type="toc"><h1>Contents</h1><ol>${items}</ol></nav>`);
  }
  for (const c of chapters) files[`OEBPS/${c.file}`] = xhtml(c.title, c.html);
  return zip(files, ['mimetype']);
}

// ------------------------------------------------------------------------------------------------- PNG and PDF

/** 5x7 capitals, digits and a little punctuation, drawn for this project ('#' = ink). */
const FONT = {
  A: '.###.#...##...#######...##...##...#',
  B: '####.#...##...#####.#...##...#####.',
  C: '.###.#...##....#....#....#...#.###.',
  D: '####.#...##...##...##...##...#####.',
  E: '######....#....####.#....#....#####',
  F: '######....#....####.#....#....#....',
  G: '.###.#...##....#.####...##...#.####',
  H: '#...##...##...#######...##...##...#',
  I: '.###...#....#....#....#....#...###.',
  J: '..###...#....#....#....#.#..#..##..',
  K: '#...##..#.#.#..##...#.#..#..#.#...#',
  L: '#....#....#....#....#....#....#####',
  M: '#...###.###.#.##.#.##...##...##...#',
  N: '#...##...###..##.#.##..###...##...#',
  O: '.###.#...##...##...##...##...#.###.',
  P: '####.#...##...#####.#....#....#....',
  Q: '.###.#...##...##...##.#.##..#..##.#',
  R: '####.#...##...#####.#.#..#..#.#...#',
  S: '.#####....#.....###.....#....#####.',
  T: '#####..#....#....#....#....#....#..',
  U: '#...##...##...##...##...##...#.###.',
  V: '#...##...##...##...##...#.#.#...#..',
  W: '#...##...##...##.#.##.#.##.#.#.#.#.',
  X: '#...##...#.#.#...#...#.#.#...##...#',
  Y: '#...##...#.#.#...#....#....#....#..',
  Z: '#####....#...#...#...#...#....#####',
  0: '.###.#...##..###.#.###..##...#.###.',
  1: '..#...##....#....#....#....#...###.',
  2: '.###.#...#....#...#...#...#...#####',
  3: '#####...#...#.....#.....##...#.###.',
  4: '...#...##..#.#.#..#.#####...#....#.',
  5: '######....####.....#....##...#.###.',
  6: '..##..#...#....####.#...##...#.###.',
  7: '#####....#...#...#...#....#....#...',
  8: '.###.#...##...#.###.#...##...#.###.',
  9: '.###.#...##...#.####....#...#..##..',
  '.': '..........................##...##..',
  ',': '.....................##....#...#...',
  '-': '...............#####...............',
  ' ': '...................................',
};

/**
 * Grey pixels (0 = black, 255 = white) of lines of text in FONT, `scale` pixels per font dot. The ink is blurred
 * (box radius `blur`) as print and camera optics blur it: Tesseract misreads hard-edged pixel glyphs (N as M).
 */
export function renderText(lines, { scale = 3, blur = 2, margin = 30, background = () => 255 } = {}) {
  const advance = 6 * scale;
  const lineHeight = 11 * scale;
  const width = margin * 2 + Math.max(...lines.map((l) => l.length)) * advance;
  const height = margin * 2 + lines.length * lineHeight;
  const ink = new Float32Array(width * height);
  lines.forEach((line, li) => {
    [...line.toUpperCase()].forEach((ch, ci) => {
      const glyph = FONT[ch] ?? FONT[' '];
      for (let gy = 0; gy < 7; gy++) {
        for (let gx = 0; gx < 5; gx++) {
          if (glyph[gy * 5 + gx] !== '#') continue;
          const x0 = margin + ci * advance + gx * scale;
          const y0 = margin + li * lineHeight + gy * scale;
          for (let dy = 0; dy < scale; dy++) ink.fill(1, (y0 + dy) * width + x0, (y0 + dy) * width + x0 + scale);
        }
      }
    });
  });
  const soft = boxBlur(ink, width, height, blur);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      pixels[i] = Math.max(0, Math.min(255, Math.round(background(x, y) * (1 - soft[i]) + 20 * soft[i])));
    }
  }
  return { width, height, pixels };
}

/** Separable box blur of radius r (two passes), edges clamped. */
function boxBlur(src, width, height, r) {
  if (r <= 0) return src;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const n = 2 * r + 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += src[y * width + Math.min(width - 1, Math.max(0, x + d))];
      tmp[y * width + x] = s / n;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += tmp[Math.min(height - 1, Math.max(0, y + d)) * width + x];
      out[y * width + x] = s / n;
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An 8-bit greyscale PNG. */
export function encodePng({ width, height, pixels }) {
  const raw = new Uint8Array(height * (width + 1)); // filter byte 0 (None) before each row
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const chunk = (type, data) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(strToU8(type), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8 bits, greyscale, deflate, adaptive filtering, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    png.set(p, at);
    at += p.length;
  }
  return png;
}

/** A one-page PDF holding only an image (a "scan"): no text layer at all. */
export function makeScannedPdf({ width, height, pixels }) {
  const data = zlibSync(pixels, { level: 9 });
  const pageW = 612;
  const pageH = Math.round((612 * height) / width);
  const content = `q ${pageW} 0 0 ${pageH} 0 0 cm /Im1 Do Q`;
  const head = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pageW} ${pageH}] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  const chunks = [strToU8('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')];
  let offset = chunks[0].length;
  const offsets = [];
  const push = (bytes) => {
    chunks.push(bytes);
    offset += bytes.length;
  };
  head.forEach((body, i) => {
    offsets.push(offset);
    push(strToU8(`${i + 1} 0 obj\n${body}\nendobj\n`));
  });
  offsets.push(offset);
  push(
    strToU8(
      `5 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
    ),
  );
  push(data);
  push(strToU8('\nendstream\nendobj\n'));
  const xref = offset;
  push(
    strToU8(
      `xref\n0 6\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  );
  const out = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** xorshift32 for the "photo" noise: seeded, so the bytes never change. */
function seeded(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------------------------------------------ content

/** For each file: a phrase only it contains, and where a result for it must point. */
export const FORMAT_PHRASES = {
  'report.docx': { phrase: 'copper kettles in the harbour office', heading: ['Harbour Report', 'Equipment'] },
  'voyage.epub': { phrase: 'albatross followed the schooner', heading: ['The Crossing'] },
  'catalogue.csv': { phrase: 'hand-bound herbarium of alpine mosses', row: 2 },
  'tides.tsv': { phrase: 'spring tide flooded the salt marsh', row: 3 },
  'letters.json': { phrase: 'the orchard ladder needs a new rung', row: 2 },
  'events.jsonl': { phrase: 'volunteers repainted the lifeboat station', row: 3 },
  'src/httpHeaders.ts': { phrase: 'parseHttpHeader' },
  'src/tide_table.py': { phrase: 'lunar_declination' },
  'scans/signal-lamp.png': { phrase: 'signal lamp', page: 1 },
  'scans/photo-of-notice.png': { phrase: 'ferry timetable', page: 1 },
  'scans/scanned-minutes.pdf': { phrase: 'quarry workers', page: 1 },
};

export function formatFixtures() {
  const docx = makeDocx([
    ['h1', 'Harbour Report'],
    ['p', 'This report summarises the state of the harbour in the winter season.'],
    ['h2', 'Equipment'],
    ['p', 'The inventory lists twelve copper kettles in the harbour office and two brass bells.'],
    [
      'table',
      [
        ['Item', 'Count'],
        ['Lanterns', '14'],
        ['Rowing boats', '3'],
      ],
    ],
    ['h2', 'Staff'],
    ['p', 'Four keepers share the night watch on a rota that changes every Sunday.'],
  ]);
  const epub = makeEpub('A Voyage North', [
    {
      file: 'text/departure.xhtml',
      title: 'Departure',
      html: '<h1>Departure</h1><p>The crew loaded barrels of water and salted fish at dawn.</p>',
    },
    {
      file: 'text/a-crossing.xhtml',
      title: 'The Crossing',
      html: '<h1>The Crossing</h1><p>For three days an albatross followed the schooner across the grey sea.</p><h2>Storm</h2><p>On the fourth night the wind tore the topsail.</p>',
    },
    {
      file: 'text/arrival.xhtml',
      title: 'Arrival',
      html: '<p>They reached the northern fjord with every sailor safe.</p>',
    },
  ]);
  const csv =
    'id,title,description,year\n' +
    '1,Field notebook,"Pencil sketches of coastal birds, with notes on their calls",1921\n' +
    '2,Herbarium,"A hand-bound herbarium of alpine mosses, pressed and labelled",1934\n' +
    '3,Logbook,"Daily weather entries from the lighthouse, written in blue ink",1952\n';
  const tsv =
    'date\tplace\tnote\n' +
    '2026-03-01\tNorth pier\tCalm water and a light breeze from the west\n' +
    '2026-03-02\tEstuary\tFog until noon, then clear skies over the estuary\n' +
    '2026-03-03\tSalt marsh\tThe spring tide flooded the salt marsh past the fence posts\n';
  const json = JSON.stringify(
    [
      { id: 1, from: 'Ada', date: '2026-04-02', body: 'Thank you for the jars of plum jam, they arrived unbroken.' },
      {
        id: 2,
        from: 'Ben',
        date: '2026-04-09',
        body: 'Please tell your father that the orchard ladder needs a new rung.',
      },
      { id: 3, from: 'Cleo', date: '2026-04-15', body: 'The choir meets on Thursday evenings in the old school hall.' },
    ],
    null,
    2,
  );
  const jsonl = [
    { day: 1, kind: 'meeting', summary: 'The committee agreed on a budget for the summer fair.' },
    { day: 2, kind: 'repair', summary: 'A plumber fixed the leaking tap in the village hall kitchen.' },
    { day: 3, kind: 'volunteering', summary: 'Eight volunteers repainted the lifeboat station in bright red.' },
  ]
    .map((o) => JSON.stringify(o))
    .join('\n');
  const ts =
    '// Parsing of HTTP header lines.\n\n' +
    'export interface Header {\n  name: string;\n  value: string;\n}\n\n' +
    '/** Splits "Name: value" into its parts. */\n' +
    'export function parseHttpHeader(line: string): Header {\n  const colon = line.indexOf(":");\n  return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };\n}\n' +
    'export function formatHttpHeader(header: Header): string {\n  return `${header.name}: ${header.value}`;\n}\n';
  const py =
    '"""Tide predictions from harmonic constituents."""\nimport math\n\n' +
    'def lunar_declination(day):\n    """Approximate declination of the moon in degrees."""\n    return 28.6 * math.sin(2 * math.pi * day / 27.3)\n\n' +
    'class TideTable:\n    def __init__(self, port):\n        self.port = port\n';

  const lamp = renderText(['THE SIGNAL LAMP IS', 'LIT AT DUSK.']);
  const random = seeded(99);
  const photo = renderText(['FERRY TIMETABLE', 'FIRST BOAT 7.15'], {
    // A grey, unevenly lit background with sensor noise: roughly what a phone photo of a notice looks like.
    background: (x, y) => Math.round(200 + 30 * Math.sin(x / 90) * Math.cos(y / 70) + (random() - 0.5) * 30),
  });
  const scan = renderText(['MINUTES OF THE MEETING.', 'THE QUARRY WORKERS ASKED', 'FOR A NEW SHELTER.']);

  return {
    'report.docx': docx,
    'voyage.epub': epub,
    'catalogue.csv': strToU8(csv),
    'tides.tsv': strToU8(tsv),
    'letters.json': strToU8(json),
    'events.jsonl': strToU8(jsonl),
    'src/httpHeaders.ts': strToU8(ts),
    'src/tide_table.py': strToU8(py),
    'scans/signal-lamp.png': encodePng(lamp),
    'scans/photo-of-notice.png': encodePng(photo),
    'scans/scanned-minutes.pdf': makeScannedPdf(scan),
    // A folder walk must skip these (hidden; unsupported):
    '.hidden-notes.txt': strToU8('This hidden file must not be ingested.'),
    'archive.xyz': new Uint8Array([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0]),
  };
}

/** Writes the fixtures under `dir`, touching only files whose bytes changed. Returns the paths. */
export function writeFormatFixtures(dir) {
  const paths = [];
  for (const [name, bytes] of Object.entries(formatFixtures())) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path) || !Buffer.from(readFileSync(path)).equals(Buffer.from(bytes))) writeFileSync(path, bytes);
    paths.push(path);
  }
  return paths;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const paths = writeFormatFixtures(join(root, 'e2e', 'fixtures', 'generated', 'formats'));
  console.log(`format fixtures: ${paths.length} files in e2e/fixtures/generated/formats/`);
}
