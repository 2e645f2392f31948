import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TroveError } from '../../core/errors.ts';
import { decodeText, decodeWindows1252, looksBinary, paragraphBlocks, textParser } from './text.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../../e2e/fixtures/${name}`, import.meta.url)));
const utf8 = (s: string) => new TextEncoder().encode(s);

function utf16(s: string, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, littleEndian);
  for (let i = 0; i < s.length; i++) view.setUint16(2 + i * 2, s.charCodeAt(i), littleEndian);
  return out;
}

async function parseError(data: Uint8Array): Promise<TroveError> {
  const error: unknown = await textParser.parse(data, 'x.txt').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

describe('decodeText', () => {
  it('reads UTF-8, with or without BOM', () => {
    expect(decodeText(utf8('naïve café')).text).toBe('naïve café');
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('bom ü')])).text).toBe('bom ü');
  });

  it('reads UTF-16 LE and BE by their BOM (NUL bytes and all)', () => {
    expect(decodeText(utf16('Grüße 你好', true))).toMatchObject({ text: 'Grüße 你好', encoding: 'utf-16le' });
    expect(decodeText(utf16('Grüße 你好', false))).toMatchObject({ text: 'Grüße 你好', encoding: 'utf-16be' });
  });

  it('falls back to windows-1252 with a warning when UTF-8 is invalid', () => {
    const decoded = decodeText(fixture('windows-1252.txt'));
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text).toContain('Café menu for the “winter” season');
    expect(decoded.text).toContain('Crème brûlée costs 5 €');
    expect(decoded.text).toContain('cook’s specialty is rösti');
    expect(decoded.warnings[0]).toMatch(/Windows-1252/);
  });

  it('decodes windows-1252 like browsers do, whatever Node’s TextDecoder says', () => {
    expect(decodeWindows1252(Uint8Array.of(0x80, 0x85, 0x92, 0x96, 0x9f, 0xe9, 0x41))).toBe(
      '€…’–Ÿé A'.replace(' ', ''),
    );
    expect(decodeText(Uint8Array.of(0x93, 0x41, 0x94), 'latin1').text).toBe('“A”'); // WHATWG: latin1 means windows-1252
  });

  it('normalises CRLF and CR line endings to LF', () => {
    expect(decodeText(utf8('a\r\nb\rc\n')).text).toBe('a\nb\nc\n');
    expect(decodeText(fixture('windows-1252.txt')).text).not.toContain('\r');
  });

  it('rejects binary data', () => {
    expect(looksBinary(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toBe(true); // NUL bytes
    expect(looksBinary(new Uint8Array(Array.from({ length: 100 }, (_, i) => (i % 3 ? 0x41 : 0x01))))).toBe(true);
    expect(looksBinary(utf8('tabs\tand\nnewlines\r\n\fform feed'))).toBe(false);
    expect(() => decodeText(new Uint8Array([0x41, 0x00, 0x42]))).toThrowError(
      expect.objectContaining({ code: 'BINARY_FILE' }),
    );
  });
});

describe('paragraphBlocks', () => {
  it('splits at blank lines (including whitespace-only ones) and trims by moving offsets', () => {
    const text = '  First para\nstill first.  \n\n \t \nSecond.\n\n\n\nThird\n';
    const blocks = paragraphBlocks(text);
    expect(blocks.map((b) => text.slice(b.start, b.end))).toEqual(['First para\nstill first.', 'Second.', 'Third']);
    expect(blocks.every((b) => b.kind === 'paragraph')).toBe(true);
  });

  it('respects a sub-range', () => {
    const text = 'aaa\n\nbbb\n\nccc';
    expect(paragraphBlocks(text, 5, 8).map((b) => text.slice(b.start, b.end))).toEqual(['bbb']);
  });
});

describe('textParser', () => {
  it('parses paragraphs of a windows-1252 file', async () => {
    const doc = await textParser.parse(fixture('windows-1252.txt'), 'windows-1252.txt');
    expect(doc.format).toBe('text');
    expect(doc.blocks.map((b) => doc.text.slice(b.start, b.end))).toEqual([
      'Café menu for the “winter” season',
      'Crème brûlée costs 5 € and the naïve visitor pays in cash.\nThe cook’s specialty is rösti.',
    ]);
    expect(doc.warnings).toHaveLength(1);
  });

  it('rejects empty and whitespace-only text, and binary data', async () => {
    expect((await parseError(utf8(' \n\t\n'))).code).toBe('EMPTY_DOCUMENT');
    expect((await parseError(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]))).code).toBe(
      'BINARY_FILE',
    );
  });

  it('accepts .txt, .text and text/* MIME types', () => {
    expect(textParser.accepts('notes.TXT', '')).toBe(true);
    expect(textParser.accepts('notes.text', '')).toBe(true);
    expect(textParser.accepts('data.csv', 'text/csv')).toBe(true);
    expect(textParser.accepts('photo.png', 'image/png')).toBe(false);
  });
});
