// Plain text: robust decoding (BOM, strict UTF-8, windows-1252 fallback), binary rejection, paragraphs as blocks.
import { TroveError } from '../../errors.ts';
import type { ParsedDocument, Parser, TextBlock } from '../../types.ts';

export interface DecodedText {
  text: string;
  /** WHATWG encoding label actually used. */
  encoding: string;
  warnings: string[];
}

/** How much of a file the binary sniffer looks at: enough to be sure, cheap on 200 MB files. */
const SNIFF_BYTES = 64 * 1024;

/**
 * True when bytes look like binary data rather than text: any NUL byte, or more than 10% control characters
 * (tab, LF, CR, FF, VT and ESC excepted). Only for BOM-less data: UTF-16 legitimately contains NULs.
 */
export function looksBinary(data: Uint8Array): boolean {
  const n = Math.min(data.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = data[i]!;
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x0b && b !== 0x1b) control++;
  }
  return n > 0 && control / n > 0.1;
}

function bomEncoding(data: Uint8Array): string | undefined {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return 'utf-8';
  if (data[0] === 0xff && data[1] === 0xfe) return 'utf-16le';
  if (data[0] === 0xfe && data[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * Decodes bytes to a string with `\n` line endings. A BOM wins; otherwise `hint` (e.g. an HTML meta charset),
 * then strict UTF-8, then windows-1252 (what "ANSI" files on Windows are) with a warning.
 * Throws BINARY_FILE for data that is not text at all.
 */
export function decodeText(data: Uint8Array, hint?: string): DecodedText {
  const bom = bomEncoding(data);
  if (!bom && looksBinary(data)) throw new TroveError('BINARY_FILE');
  const warnings: string[] = [];
  let encoding = bom ?? normalizeLabel(hint) ?? 'utf-8';
  let text: string;
  try {
    // fatal: invalid UTF-8 must fail loudly so we can fall back instead of filling the text with U+FFFD.
    text =
      encoding === 'windows-1252'
        ? decodeWindows1252(data)
        : new TextDecoder(encoding, { fatal: encoding === 'utf-8' && !bom }).decode(data);
  } catch {
    encoding = 'windows-1252';
    text = decodeWindows1252(data);
    warnings.push('The file is not valid UTF-8; it was read as Windows-1252 (Western European).');
  }
  return { text: normalizeNewlines(text), encoding, warnings };
}

/** Windows-1252 bytes 0x80-0x9F (WHATWG Encoding Standard); the rest is Latin-1. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Our own windows-1252 decoder: Node ≥ 20.18.3 decodes this label as Latin-1 (nodejs/node#60888), which turns
 * curly quotes and € into C1 control characters. Browsers are right; this makes Node (tests) agree with them.
 */
export function decodeWindows1252(data: Uint8Array): string {
  const parts: string[] = [];
  const codes = new Uint16Array(Math.min(data.length, 8192));
  for (let offset = 0; offset < data.length; offset += codes.length) {
    const n = Math.min(codes.length, data.length - offset);
    for (let i = 0; i < n; i++) {
      const b = data[offset + i]!;
      codes[i] = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b;
    }
    parts.push(String.fromCharCode(...codes.subarray(0, n)));
  }
  return parts.join('');
}

function normalizeLabel(label: string | undefined): string | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label.trim().toLowerCase()).encoding;
  } catch {
    return undefined; // unknown label: ignore the hint
  }
}

/** CRLF and lone CR become LF, so offsets mean the same thing on every platform. */
export function normalizeNewlines(text: string): string {
  return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
}

const NON_SPACE = /\S/;

/** Blank-line separated paragraphs of text[from, to) as blocks, trimmed of surrounding whitespace. */
export function paragraphBlocks(text: string, from = 0, to = text.length): TextBlock[] {
  const blocks: TextBlock[] = [];
  const blank = /\n[ \t\f\v]*\n\s*/g; // a line break, an empty (or whitespace-only) line, and any further space
  blank.lastIndex = from;
  let start = from;
  for (;;) {
    const m = blank.exec(text);
    const end = m && m.index < to ? m.index : to;
    pushTrimmed(blocks, text, start, end);
    if (end === to) break;
    start = m!.index + m![0].length;
  }
  return blocks;
}

/** Adds [start, end) with leading/trailing whitespace moved out of the span; skips empty spans. */
export function pushTrimmed(blocks: TextBlock[], text: string, start: number, end: number, extra?: Partial<TextBlock>): void {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (end > start) blocks.push({ start, end, kind: 'paragraph', ...extra });
}

export function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x3000 || code === 0xfeff;
}

export function hasText(text: string): boolean {
  return NON_SPACE.test(text);
}

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot).toLowerCase() : '';
}

export const textParser: Parser = {
  name: 'Text',
  format: 'text',
  accepts(fileName, mimeType) {
    const ext = extensionOf(fileName);
    return ext === '.txt' || ext === '.text' || mimeType.toLowerCase().startsWith('text/');
  },
  async parse(data): Promise<ParsedDocument> {
    const { text, warnings } = decodeText(data);
    if (!hasText(text)) throw new TroveError('EMPTY_DOCUMENT');
    return { format: 'text', text, blocks: paragraphBlocks(text), ...(warnings.length ? { warnings } : {}) };
  },
};
