// Plain text: robust decoding (BOM, UTF-16 without BOM, UTF-8 with repair, windows-1252 fallback), binary rejection
// naming the format, paragraphs as blocks.
import { ERROR_CODES, TroveError } from '../../core/errors.ts';
import type { ParsedDocument, Parser, TextBlock } from '../../core/types.ts';
import { describeBinary } from './sniff.ts';

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
 * then UTF-8, then windows-1252 (what "ANSI" files on Windows are). Every guess or repair comes with a warning:
 * invalid bytes in a file that is otherwise UTF-8 become U+FFFD; a declared charset that the bytes contradict is
 * ignored. Throws BINARY_FILE for data that is not text at all (naming the format when it is a known one).
 */
export function decodeText(data: Uint8Array, hint?: string, fileName = 'The file'): DecodedText {
  const warnings: string[] = [];
  let bom = bomEncoding(data);
  if (!bom && looksBinary(data)) {
    bom = utf16WithoutBom(data); // UTF-16 saved without a BOM is full of NUL bytes, but it is text
    if (!bom) throw binaryError(data, fileName);
    warnings.push(`The file has no byte-order mark; it was read as ${bom.toUpperCase()}.`);
  }
  if (bom) {
    const text = decodeOrRepair(data, bom, warnings);
    return { text: normalizeNewlines(text), encoding: bom, warnings };
  }
  const declared = normalizeLabel(hint);
  // Per WHATWG, a UTF-16 label inside an ASCII-compatible page means UTF-8.
  let encoding = declared === undefined || declared.startsWith('utf-16') ? 'utf-8' : declared;
  if (encoding !== 'utf-8' && SINGLE_BYTE.test(encoding) && isMultiByteUtf8(data)) {
    // A page that says windows-1252 but is valid UTF-8 with accented letters: the meta tag lies.
    warnings.push(`The file declares the charset ${hint} but is UTF-8; it was read as UTF-8.`);
    encoding = 'utf-8';
  }
  if (encoding === 'windows-1252') return { text: normalizeNewlines(decodeWindows1252(data)), encoding, warnings };
  if (encoding !== 'utf-8')
    return { text: normalizeNewlines(decodeOrRepair(data, encoding, warnings)), encoding, warnings };
  try {
    return { text: normalizeNewlines(new TextDecoder('utf-8', { fatal: true }).decode(data)), encoding, warnings };
  } catch {
    // Mostly UTF-8 with a few bad bytes (a truncated download, a bad copy) stays UTF-8; otherwise it is a legacy file.
    const lenient = new TextDecoder('utf-8').decode(data);
    const { replaced, nonAscii } = countNonAscii(lenient);
    if (nonAscii > 0 && replaced <= nonAscii) {
      warnings.push(
        `The file is not valid UTF-8: ${replaced} invalid byte sequence${replaced === 1 ? ' was' : 's were'} replaced with �.`,
      );
      return { text: normalizeNewlines(lenient), encoding, warnings };
    }
    warnings.push('The file is not valid UTF-8; it was read as Windows-1252 (Western European).');
    return { text: normalizeNewlines(decodeWindows1252(data)), encoding: 'windows-1252', warnings };
  }
}

/** Legacy single-byte charsets, for which valid multi-byte UTF-8 is a sign that the label is wrong. */
const SINGLE_BYTE = /^(windows-125\d|iso-8859-\d+|koi8-[ru]|macintosh|ibm866|x-mac-cyrillic)$/;

/** Strict decode; on invalid data a lenient one, with a warning that counts the replacements. */
function decodeOrRepair(data: Uint8Array, encoding: string, warnings: string[]): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(data);
  } catch {
    const text = new TextDecoder(encoding).decode(data);
    const { replaced } = countNonAscii(text);
    warnings.push(
      `The file is not valid ${encoding.toUpperCase()}: ${replaced} invalid byte sequence${replaced === 1 ? ' was' : 's were'} replaced with �.`,
    );
    return text;
  }
}

/** U+FFFD characters and other non-ASCII characters of a decoded string. */
function countNonAscii(text: string): { replaced: number; nonAscii: number } {
  let replaced = 0;
  let nonAscii = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) replaced++;
    else if (c > 0x7f) nonAscii++;
  }
  return { replaced, nonAscii };
}

/** True when the first 64 KB are valid UTF-8 and hold at least one multi-byte sequence. */
function isMultiByteUtf8(data: Uint8Array): boolean {
  let n = Math.min(data.length, SNIFF_BYTES);
  let i = 0;
  while (i < n && data[i]! < 0x80) i++;
  if (i === n) return false;
  // Do not end the sample inside a sequence: back up to a lead byte.
  while (n < data.length && n > 0 && (data[n]! & 0xc0) === 0x80) n--;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(0, n));
    return true;
  } catch {
    return false;
  }
}

/** 'utf-16le'/'utf-16be' when NUL bytes sit regularly in odd/even positions of text-like data. */
function utf16WithoutBom(data: Uint8Array): string | undefined {
  const n = Math.min(data.length, SNIFF_BYTES) & ~1;
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (data[i] === 0) evenZeros++;
    if (data[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.6 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.6 && oddZeros < pairs * 0.05) return 'utf-16be';
  return undefined;
}

function binaryError(data: Uint8Array, fileName: string): TroveError {
  const what = describeBinary(data);
  const name = fileName === 'The file' ? fileName : `“${fileName}”`;
  return new TroveError(
    'BINARY_FILE',
    what
      ? `${name} is ${what}, not text.`
      : fileName === 'The file'
        ? ERROR_CODES.BINARY_FILE
        : `${name} looks like binary data, not text.`,
  );
}

/** Windows-1252 bytes 0x80-0x9F (WHATWG Encoding Standard); the rest is Latin-1. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Our own windows-1252 decoder: Node ≥ 20.18.3 decodes this label as Latin-1 (a Node bug), which turns
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
export function pushTrimmed(
  blocks: TextBlock[],
  text: string,
  start: number,
  end: number,
  extra?: Partial<TextBlock>,
): void {
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
  async parse(data, fileName): Promise<ParsedDocument> {
    const { text, warnings } = decodeText(data, undefined, fileName);
    if (!hasText(text)) throw new TroveError('EMPTY_DOCUMENT');
    return { format: 'text', text, blocks: paragraphBlocks(text), ...(warnings.length ? { warnings } : {}) };
  },
};
