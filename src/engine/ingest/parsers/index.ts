// Parser registry: picks a parser by extension (then MIME type), enforces size limits and sniffs content.
import { ERROR_CODES, TroveError, isAbort, throwIfAborted } from '../../errors.ts';
import { SETTING_LIMITS } from '../../limits.ts';
import type { ParsedDocument, Parser } from '../../types.ts';
import { htmlParser } from './html.ts';
import { markdownParser } from './markdown.ts';
import { hasPdfHeader, pdfParser } from './pdf.ts';
import { extensionOf, hasText, textParser } from './text.ts';

export { htmlParser, markdownParser, pdfParser, textParser };
export { PdfParser, type PdfParserOptions } from './pdf.ts';

/** The hard cap (the user's own limit, setting maxFileMB, is checked before a file is read). */
export const MAX_FILE_BYTES = SETTING_LIMITS.maxFileMB.max * 1024 * 1024;

export const SUPPORTED_EXTENSIONS = ['.txt', '.text', '.md', '.markdown', '.html', '.htm', '.pdf'] as const;

/** Most specific first: text/* is the catch-all. */
export const PARSERS: readonly Parser[] = [pdfParser, markdownParser, htmlParser, textParser];

const BY_EXTENSION: Record<string, Parser> = {
  '.txt': textParser,
  '.text': textParser,
  '.md': markdownParser,
  '.markdown': markdownParser,
  '.html': htmlParser,
  '.htm': htmlParser,
  '.pdf': pdfParser,
};

/** The parser for a file: its extension decides (browsers often report '' for .md), then its MIME type. */
export function parserFor(fileName: string, mimeType: string, parsers: readonly Parser[] = PARSERS): Parser {
  const byExt = BY_EXTENSION[extensionOf(fileName)];
  if (byExt && parsers.includes(byExt)) return byExt;
  const byMime = parsers.find((p) => p.accepts(fileName, mimeType));
  if (byMime) return byMime;
  throw new TroveError(
    'UNSUPPORTED_FORMAT',
    `“${fileName}” is not a supported file type. Supported: ${SUPPORTED_EXTENSIONS.join(', ')}.`,
  );
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * Parses one file. Errors are TroveErrors: UNSUPPORTED_FORMAT, FILE_TOO_LARGE, EMPTY_DOCUMENT, BINARY_FILE,
 * PARSE_FAILED or CANCELLED.
 */
export async function parseFile(
  data: Uint8Array,
  fileName: string,
  mimeType: string,
  signal?: AbortSignal,
  parsers: readonly Parser[] = PARSERS,
): Promise<ParsedDocument> {
  throwIfAborted(signal);
  let parser = parserFor(fileName, mimeType, parsers);
  if (data.byteLength > MAX_FILE_BYTES) {
    const message = `“${fileName}” is ${megabytes(data.byteLength)}; the limit is ${megabytes(MAX_FILE_BYTES)}.`;
    throw new TroveError('FILE_TOO_LARGE', message);
  }
  if (data.byteLength === 0) throw new TroveError('EMPTY_DOCUMENT', `“${fileName}” is empty.`);
  // A PDF saved with a text extension is still a PDF: trust the content over the name.
  if (parser.format !== 'pdf' && hasPdfHeader(data.subarray(0, 8)) && parsers.includes(pdfParser)) parser = pdfParser;
  let doc: ParsedDocument;
  try {
    doc = await parser.parse(data, fileName, signal);
  } catch (error) {
    if (error instanceof TroveError) {
      // Name the file in generic messages: several files are ingested at once.
      if (error.code === 'CANCELLED' || error.message !== ERROR_CODES[error.code]) throw error;
      throw new TroveError(error.code, `“${fileName}”: ${error.message}`, { cause: error });
    }
    if (signal?.aborted || isAbort(error)) throw new TroveError('CANCELLED');
    const detail = error instanceof Error ? error.message : String(error);
    throw new TroveError('PARSE_FAILED', `“${fileName}” could not be read as ${parser.name}: ${detail}`, { cause: error });
  }
  if (!hasText(doc.text)) throw new TroveError('EMPTY_DOCUMENT', `“${fileName}” contains no text to index.`);
  return doc;
}
