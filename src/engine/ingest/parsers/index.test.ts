import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docFixtures, twoPagePdf } from '../../../../scripts/make-doc-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import type { OcrRecognizer } from '../ocr/recognizer.ts';
import {
  EXTENSION_FORMAT,
  MAX_FILE_BYTES,
  OCR_EXTENSIONS,
  SUPPORTED_EXTENSIONS,
  codeParser,
  createParsers,
  csvParser,
  docxParser,
  epubParser,
  htmlParser,
  jsonParser,
  markdownParser,
  parseFile,
  parserFor,
  pdfParser,
  supportedExtensions,
  textParser,
} from './index.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../../e2e/fixtures/${name}`, import.meta.url)));

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
    expect(parserFor('data.csv', 'text/plain')).toBe(csvParser);
    expect(parserFor('data.TSV', '')).toBe(csvParser);
    expect(parserFor('x.text', '')).toBe(textParser);
    expect(parserFor('letter.docx', '')).toBe(docxParser);
    expect(parserFor('book.epub', '')).toBe(epubParser);
    expect(parserFor('rows.jsonl', '')).toBe(jsonParser);
    expect(parserFor('export', 'application/json')).toBe(jsonParser);
    expect(parserFor('main.rs', 'application/rls-services+xml')).toBe(codeParser);
    expect(parserFor('clip.ts', 'video/mp2t')).toBe(codeParser); // browsers call .ts an MPEG stream
  });

  it('reads images only when OCR is available, and says so', () => {
    expect(() => parserFor('photo.png', 'image/png')).toThrow(
      '“photo.png” is not a supported file type. Images need OCR, which is turned off.',
    );
    const recognizer: OcrRecognizer = {
      recognize: async () => ({ text: 'x', confidence: 90 }),
      terminate: async () => undefined,
    };
    const withOcr = createParsers({ ocr: { recognizer, mode: 'no-text-layer' } });
    expect(parserFor('photo.PNG', '', withOcr).format).toBe('image');
    expect(parserFor('scan.jpeg', '', withOcr).format).toBe('image');
    expect(parserFor('notes.txt', '', withOcr)).toBe(textParser); // text stays the catch-all, after images
    expect(supportedExtensions(withOcr)).toContain('.webp');
    expect(supportedExtensions()).not.toContain('.webp');
    expect(createParsers({ ocr: { recognizer, mode: 'never' } }).some((p) => p.format === 'image')).toBe(false);
  });

  it('names the supported extensions when it refuses a file', () => {
    try {
      parserFor('archive.zip', 'application/zip');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
      expect((error as Error).message).toBe(
        '“archive.zip” is not a supported file type. Supported: .txt, .text, .md, .markdown, .html, .htm, .xhtml, .pdf, .docx, ' +
          '.csv, .tsv, .tab, .json, .jsonl, .ndjson, .epub, and source code (.ts, .js, .py, .java, .go, .rs, …).',
      );
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
    expect(await codeOf(parseFile(new Uint8Array([1]), 'a.xyz', ''))).toBe('UNSUPPORTED_FORMAT');
    expect(await codeOf(parseFile(docFixtures()['binary.txt']!, 'binary.txt', 'text/plain'))).toBe('BINARY_FILE');
    expect(await codeOf(parseFile(new TextEncoder().encode('hello'), 'fake.pdf', 'application/pdf'))).toBe(
      'PARSE_FAILED',
    );
    expect(await codeOf(parseFile(docFixtures()['corrupt.pdf']!, 'corrupt.pdf', ''))).toBe('PARSE_FAILED');
  });

  it('names the file in otherwise generic messages', async () => {
    await expect(parseFile(new TextEncoder().encode(' \n\t\n'), 'blank.md', '')).rejects.toThrow(
      '“blank.md”: The file contains no text to index.',
    );
    // Parsers that know the reason name the file themselves.
    await expect(parseFile(docFixtures()['binary.txt']!, 'binary.txt', '')).rejects.toThrow(
      '“binary.txt” is a Linux program (ELF), not text.',
    );
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
    const error = await parseFile(new TextEncoder().encode('x'), 'x.txt', '', undefined, [crashing]).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'PARSE_FAILED', message: '“x.txt” could not be read as Text: boom' });
  });
});

describe('extensions', () => {
  it('lists each extension once, OCR extensions among them, and every one has a parser once OCR is on', () => {
    expect(new Set(SUPPORTED_EXTENSIONS).size).toBe(SUPPORTED_EXTENSIONS.length);
    expect(OCR_EXTENSIONS.every((ext) => SUPPORTED_EXTENSIONS.includes(ext))).toBe(true);
    // The folder walk, the live folders and the file picker all take this list: a GIF is a picture like a PNG.
    expect(EXTENSION_FORMAT['.gif']).toBe('image');
    expect(OCR_EXTENSIONS).toContain('.gif');
    const recognizer: OcrRecognizer = {
      recognize: async () => ({ text: 'x', confidence: 90 }),
      terminate: async () => undefined,
    };
    const all = createParsers({ ocr: { recognizer, mode: 'always' } });
    for (const ext of SUPPORTED_EXTENSIONS)
      expect(parserFor(`file${ext}`, '', all).format, ext).toBe(EXTENSION_FORMAT[ext]);
    expect(supportedExtensions(all)).toEqual([...SUPPORTED_EXTENSIONS]);
  });
});
