import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docFixtures, twoPagePdf } from '../../../../scripts/make-doc-fixtures.mjs';
import { TroveError } from '../../errors.ts';
import { MAX_FILE_BYTES, htmlParser, markdownParser, parseFile, parserFor, pdfParser, textParser } from './index.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../../e2e/fixtures/${name}`, import.meta.url)));

async function codeOf(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return (error as TroveError).code;
}

describe('parserFor', () => {
  it('picks by extension first (browsers report "" or text/plain for .md), then MIME type', () => {
    expect(parserFor('a.PDF', '')).toBe(pdfParser);
    expect(parserFor('notes.md', 'text/plain')).toBe(markdownParser);
    expect(parserFor('notes.markdown', '')).toBe(markdownParser);
    expect(parserFor('page.htm', 'application/octet-stream')).toBe(htmlParser);
    expect(parserFor('README', 'text/markdown')).toBe(markdownParser);
    expect(parserFor('download', 'application/pdf')).toBe(pdfParser);
    expect(parserFor('data.csv', 'text/csv')).toBe(textParser);
    expect(parserFor('x.text', '')).toBe(textParser);
  });

  it('names the supported extensions when it refuses a file', () => {
    try {
      parserFor('photo.png', 'image/png');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
      expect((error as Error).message).toBe('“photo.png” is not a supported file type. Supported: .txt, .text, .md, .markdown, .html, .htm, .pdf.');
    }
  });
});

describe('parseFile', () => {
  it('parses every fixture format', async () => {
    expect((await parseFile(fixture('field-guide.md'), 'field-guide.md', '')).format).toBe('markdown');
    expect((await parseFile(fixture('injection.html'), 'injection.html', 'text/html')).format).toBe('html');
    expect((await parseFile(fixture('windows-1252.txt'), 'windows-1252.txt', 'text/plain')).format).toBe('text');
    expect((await parseFile(twoPagePdf(), 'two-pages.pdf', 'application/pdf')).pageCount).toBe(2);
  });

  it('rejects empty, oversized, unsupported, binary and fake files with their codes', async () => {
    expect(await codeOf(parseFile(new Uint8Array(), 'empty.txt', 'text/plain'))).toBe('EMPTY_DOCUMENT');
    const huge = { byteLength: MAX_FILE_BYTES + 1 } as Uint8Array; // no need to allocate 200 MB
    expect(await codeOf(parseFile(huge, 'huge.txt', 'text/plain'))).toBe('FILE_TOO_LARGE');
    expect(await codeOf(parseFile(new Uint8Array([1]), 'a.docx', ''))).toBe('UNSUPPORTED_FORMAT');
    expect(await codeOf(parseFile(docFixtures()['binary.txt']!, 'binary.txt', 'text/plain'))).toBe('BINARY_FILE');
    expect(await codeOf(parseFile(new TextEncoder().encode('hello'), 'fake.pdf', 'application/pdf'))).toBe('PARSE_FAILED');
    expect(await codeOf(parseFile(docFixtures()['corrupt.pdf']!, 'corrupt.pdf', ''))).toBe('PARSE_FAILED');
  });

  it('names the file in otherwise generic messages', async () => {
    await expect(parseFile(new TextEncoder().encode(' \n\t\n'), 'blank.md', '')).rejects.toThrow('“blank.md”: The file contains no text to index.');
    // Parsers that know the reason name the file themselves.
    await expect(parseFile(docFixtures()['binary.txt']!, 'binary.txt', '')).rejects.toThrow('“binary.txt” is a Linux program (ELF), not text.');
  });

  it('reads a PDF saved under a text name as a PDF', async () => {
    const doc = await parseFile(twoPagePdf(), 'report.txt', 'text/plain');
    expect(doc.format).toBe('pdf');
  });

  it('honours an aborted signal before doing any work', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(parseFile(fixture('field-guide.md'), 'f.md', '', controller.signal))).toBe('CANCELLED');
  });

  it('wraps unexpected parser crashes as PARSE_FAILED', async () => {
    const crashing = { ...textParser, parse: () => Promise.reject(new RangeError('boom')) };
    const error = await parseFile(new TextEncoder().encode('x'), 'x.txt', '', undefined, [crashing]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PARSE_FAILED', message: '“x.txt” could not be read as Text: boom' });
  });
});
