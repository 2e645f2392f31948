#!/usr/bin/env node
// The hostile corpus: files people really drop (or attackers craft) that must each end in a clear message or a
// searchable document, never a hang, a crash or lost data. Generated, deterministic, written into
// e2e/fixtures/generated/hostile/ (git-ignored); nothing here is committed, the big ones are up to 200 MB.
//
// Each entry says what should happen: `ingest` (with a probe word that must become searchable, and optionally
// a warning pattern) or `reject` (an error code and a pattern the message must match besides the file name).
// `node scripts/make-hostile-fixtures.mjs [--small]` writes them; --small leaves out the 200 MB file.
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Zlib, zipSync } from 'fflate';
import { makePdf, twoPagePdf } from './make-doc-fixtures.mjs';

const MB = 1024 * 1024;
/** One byte over the default per-file limit (src/engine/ingest/parsers/index.ts MAX_FILE_BYTES). */
export const HUGE_TEXT_BYTES = 200 * MB + 1;

/** Seeded bytes (xorshift32). */
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

const utf8 = (s) => new TextEncoder().encode(s);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

function utf16(s, littleEndian) {
  const out = new Uint8Array(2 + s.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, littleEndian);
  for (let i = 0; i < s.length; i++) view.setUint16(2 + i * 2, s.charCodeAt(i), littleEndian);
  return out;
}

/** Deterministic prose: `sentences` sentences from a small vocabulary, with `probe` in the first one. */
function prose(sentences, probe, seed = 1) {
  const vocab = 'the kelp forest grows in cold water where otters hunt urchins and light reaches the seabed'.split(' ');
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
  const out = [];
  for (let i = 0; i < sentences; i++) {
    const words = Array.from({ length: 6 + Math.floor(next() * 12) }, () => vocab[Math.floor(next() * vocab.length)]);
    if (i === 0 && probe) words.splice(2, 0, probe);
    out.push(words[0][0].toUpperCase() + words.join(' ').slice(1) + '.');
  }
  return out.join(' ');
}

/** A log of `bytes` bytes, one record per line, no blank lines and no sentence punctuation. */
function logText(bytes, probe) {
  const levels = ['INFO', 'WARN', 'DEBUG', 'ERROR'];
  const lines = [`2026-11-29T00:00:00Z INFO boot ${probe} service started`];
  let length = lines[0].length;
  for (let i = 0; length < bytes; i++) {
    const line = `2026-11-29T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z ${levels[i % 4]} worker-${i % 8} GET /api/v1/items/${(i * 7919) % 1000003} status=${i % 17 ? 200 : 503}`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

/** A one-page PDF whose content stream inflates to `inflatedBytes` (drawing operators, then a line of text). */
export function bombPdf(inflatedBytes) {
  const chunks = [];
  const zlib = new Zlib({ level: 6 }, (chunk) => chunks.push(chunk));
  const unit = utf8('0 0 m 1 1 l S\n'.repeat(4096)); // ~56 KB of drawing operators
  for (let done = 0; done < inflatedBytes; done += unit.length) zlib.push(unit, false);
  zlib.push(utf8('BT /F1 12 Tf 72 700 Td (bombastically compressed page) Tj ET\n'), true);
  const stream = concat(...chunks);
  const latin1 = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const objects = [
    latin1('<< /Type /Catalog /Pages 2 0 R >>'),
    latin1('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    latin1(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    ),
    concat(latin1(`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`), stream, latin1('\nendstream')),
    latin1('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
  ];
  const parts = [latin1('%PDF-1.4\n')];
  let length = parts[0].length;
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    for (const p of [latin1(`${i + 1} 0 obj\n`), body, latin1('\nendobj\n')]) {
      parts.push(p);
      length += p.length;
    }
  });
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) xref += `${String(o).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(latin1(xref));
  return concat(...parts);
}

/**
 * The corpus: [{ name, expect: 'ingest' | 'reject', code?, message?, probe?, warning?, size?, bytes?: () => Uint8Array,
 * write?: (path) => Promise<void> }]. `bytes` builds in memory; the 200 MB file only has `write` (streams to disk).
 */
export function hostileFiles({ small = false } = {}) {
  const files = [
    {
      name: 'corrupt.pdf',
      expect: 'reject',
      code: 'PARSE_FAILED',
      message: /damaged/,
      bytes: () => concat(twoPagePdf().subarray(0, 300), seededBytes(512, 7)),
    },
    {
      name: 'encrypted.pdf',
      expect: 'reject',
      code: 'PARSE_FAILED',
      message: /password|encrypted/,
      bytes: () => makePdf([['Secret minutes of the lighthouse keepers guild.']], { encrypted: true }),
    },
    {
      name: 'scanned-no-text.pdf',
      expect: 'reject',
      code: 'EMPTY_DOCUMENT',
      message: /no text layer/,
      bytes: () => makePdf([[], [], []]),
    },
    {
      name: 'decompression-bomb.pdf',
      expect: 'reject',
      code: 'PARSE_FAILED',
      message: /decompress to more than/,
      bytes: () => bombPdf(300 * MB),
    },
    {
      name: 'photo-renamed.txt',
      expect: 'reject',
      code: 'BINARY_FILE',
      message: /PNG image/,
      bytes: () =>
        concat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13), seededBytes(8192, 3)),
    },
    {
      name: 'archive-renamed.pdf',
      expect: 'reject',
      code: 'PARSE_FAILED',
      message: /ZIP archive/,
      bytes: () =>
        zipSync({ 'notes.txt': utf8(prose(40, 'zipped')) }, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') }),
    },
    {
      name: 'empty.txt',
      expect: 'reject',
      code: 'EMPTY_DOCUMENT',
      message: /empty|no text/,
      bytes: () => new Uint8Array(),
    },
    {
      name: 'whitespace-only.txt',
      expect: 'reject',
      code: 'EMPTY_DOCUMENT',
      message: /no text/,
      bytes: () => utf8(' \n\t\r\n  \u00a0\n'.repeat(500)),
    },
    {
      name: 'invalid-utf8.txt',
      expect: 'ingest',
      probe: 'quixotry',
      warning: /not valid UTF-8/,
      // Mostly UTF-8 (accents and all), with a few stray bytes, as after a bad copy.
      bytes: () =>
        concat(
          utf8('Naïve café notes about quixotry. '),
          Uint8Array.of(0xff, 0xfe, 0x80),
          utf8(' Crème brûlée. ' + prose(50, '', 5)),
        ),
    },
    {
      name: 'bom-invalid-bytes.txt',
      expect: 'ingest',
      probe: 'zephyrine',
      warning: /replaced/,
      bytes: () =>
        concat(
          Uint8Array.of(0xef, 0xbb, 0xbf),
          utf8('Zephyrine winds blow über the kelp. '),
          Uint8Array.of(0xc3, 0x28, 0xa0, 0xa1),
          utf8(' ' + prose(30, '', 6)),
        ),
    },
    {
      name: 'utf16le-bom.txt',
      expect: 'ingest',
      probe: 'fjordling',
      bytes: () => utf16(`Grüße aus dem Fjord: fjordling ${prose(30, '', 7)}`, true),
    },
    {
      name: 'utf16be-bom.txt',
      expect: 'ingest',
      probe: 'tundrance',
      bytes: () => utf16(`Tundra notes: tundrance, 你好. ${prose(30, '', 8)}`, false),
    },
    {
      name: 'lying-charset.html',
      expect: 'ingest',
      probe: 'bouillabaisse',
      warning: /declares the charset/,
      // Says windows-1252, is UTF-8: read as declared, "é" would become "Ã©".
      bytes: () =>
        utf8(
          `<!doctype html><html><head><meta charset="windows-1252"><title>Menu</title></head><body><h1>Café</h1><p>Bouillabaisse à la carte, crème brûlée. ${prose(20, '', 9)}</p></body></html>`,
        ),
    },
    {
      name: 'nested-100k.html',
      expect: 'ingest',
      probe: 'abyssopelagic',
      bytes: () =>
        utf8(
          '<!doctype html><html><body>' +
            '<div>'.repeat(100_000) +
            `<p>Abyssopelagic fauna live down here. ${prose(5, '', 10)}</p>` +
            '</div>'.repeat(100_000) +
            '</body></html>',
        ),
    },
    {
      name: 'single-line-10mb.txt',
      expect: 'ingest',
      probe: 'monolinear',
      bytes: () => utf8(prose(90_000, 'monolinear', 11).padEnd(10 * MB, ' x')),
    },
    {
      name: 'no-space-1mb.txt',
      expect: 'ingest',
      probe: undefined, // one 1 MB "word": nothing to search for by keyword, but it must not become one 1 MB chunk
      bytes: () => utf8('q'.repeat(MB)),
    },
    {
      name: 'rule-not-front-matter.md',
      expect: 'ingest',
      probe: 'preamblist',
      bytes: () =>
        utf8(
          `---\n\nThe preamblist opens this file after a rule. It is prose, not metadata.\n\n---\n\n# Body\n\n${prose(20, '', 12)}\n`,
        ),
    },
    {
      name: 'log-5mb.txt',
      expect: 'ingest',
      probe: 'bootstrapper',
      bytes: () => utf8(logText(5 * MB, 'bootstrapper')),
    },
  ];
  if (!small) {
    files.push({
      name: 'huge-200mb.txt',
      expect: 'reject',
      code: 'FILE_TOO_LARGE',
      message: /limit is 200 MB/,
      size: HUGE_TEXT_BYTES,
      write: (path) => writeRepeated(path, utf8(prose(200, 'gigantism', 13) + '\n\n'), HUGE_TEXT_BYTES),
    });
  }
  return files;
}

/** Streams `unit` repeated to exactly `size` bytes into `path`, without holding the file in memory. */
function writeRepeated(path, unit, size) {
  return new Promise((resolvePromise, reject) => {
    const out = createWriteStream(path);
    out.on('error', reject);
    let written = 0;
    const pump = () => {
      while (written < size) {
        const piece = unit.subarray(0, Math.min(unit.length, size - written));
        written += piece.length;
        if (!out.write(piece)) return void out.once('drain', pump);
      }
      out.end(resolvePromise);
    };
    pump();
  });
}

/** Writes the corpus into `dir`; files already there with the same bytes (the 200 MB one: size) are kept. */
export async function writeHostileFixtures(dir, options = {}) {
  mkdirSync(dir, { recursive: true });
  const paths = [];
  for (const file of hostileFiles(options)) {
    const path = join(dir, file.name);
    if (file.write) {
      if (!existsSync(path) || statSync(path).size !== file.size) await file.write(path);
    } else {
      const bytes = file.bytes();
      if (!existsSync(path) || !Buffer.from(readFileSync(path)).equals(Buffer.from(bytes))) writeFileSync(path, bytes);
    }
    paths.push(path);
  }
  return paths;
}

export const HOSTILE_DIR = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  'e2e',
  'fixtures',
  'generated',
  'hostile',
);

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const paths = await writeHostileFixtures(HOSTILE_DIR, { small: process.argv.includes('--small') });
  console.log(`hostile fixtures: ${paths.length} files in e2e/fixtures/generated/hostile/`);
}
