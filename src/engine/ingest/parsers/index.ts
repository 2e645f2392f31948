// Parser registry: picks a parser by extension (then MIME type), enforces size limits and sniffs content.
import { ERROR_CODES, TroveError, isAbort, throwIfAborted } from '../../core/errors.ts';
import { SETTING_LIMITS } from '../../core/limits.ts';
import type { ParseProgress, ParsedDocument, Parser } from '../../core/types.ts';
import type { OcrRecognizer } from '../ocr/recognizer.ts';
import { codeParser } from './code.ts';
import { CsvParser, csvParser } from './csv.ts';
import { DocxParser, docxParser } from './docx.ts';
import { epubParser } from './epub.ts';
import { htmlParser } from './html.ts';
import { ImageParser } from './image.ts';
import { JsonParser, jsonParser } from './json.ts';
import { markdownParser } from './markdown.ts';
import { PdfParser, hasPdfHeader, pdfParser, type PdfParserOptions } from './pdf.ts';
import type { RecordOptions } from './records.ts';
import { EXTENSION_FORMAT, SUPPORTED_EXTENSIONS } from './extensions.ts';
import { extensionOf, hasText, textParser } from './text.ts';
import type { OcrMode } from '../../api/ingest.ts';

export { codeParser, csvParser, docxParser, epubParser, htmlParser, jsonParser, markdownParser, pdfParser, textParser };
export { CsvParser, DocxParser, ImageParser, JsonParser, PdfParser, type PdfParserOptions };
export { previewTable } from './csv.ts';
export { previewJson } from './json.ts';
export { EXTENSION_FORMAT, OCR_EXTENSIONS, SUPPORTED_EXTENSIONS } from './extensions.ts';

/** The hard cap (the user's own limit, setting maxFileMB, is checked before a file is read). */
export const MAX_FILE_BYTES = SETTING_LIMITS.maxFileMB.max * 1024 * 1024;

/** Extensions the given parsers read, for messages and for a folder walk's filter. */
export function supportedExtensions(parsers: readonly Parser[] = PARSERS): string[] {
  const formats = new Set(parsers.map((p) => p.format));
  return SUPPORTED_EXTENSIONS.filter((ext) => formats.has(EXTENSION_FORMAT[ext]!));
}

/** Most specific first: text/* is the catch-all. No image parser: OCR needs a recognizer (see createParsers). */
export const PARSERS: readonly Parser[] = [
  pdfParser,
  docxParser,
  epubParser,
  csvParser,
  jsonParser,
  markdownParser,
  htmlParser,
  codeParser,
  textParser,
];

export interface ParserSetOptions {
  /** PDF asset URLs (cMaps, standard fonts). */
  pdf?: Omit<PdfParserOptions, 'ocr'>;
  /** OCR for images and scanned PDF pages; without it images are unsupported and scans only reported. */
  ocr?: { recognizer: OcrRecognizer; mode: OcrMode };
  /** Text fields chosen by the user for tables and JSON (default: long string fields). */
  csv?: RecordOptions;
  json?: RecordOptions;
}

/** The parser list with the app's settings applied (OCR mode, chosen text fields, asset URLs). */
export function createParsers(options: ParserSetOptions = {}): Parser[] {
  const ocr = options.ocr && options.ocr.mode !== 'never' ? options.ocr : undefined;
  const pdf = options.pdf || ocr ? new PdfParser({ ...options.pdf, ...(ocr ? { ocr } : {}) }) : pdfParser;
  const list: Parser[] = PARSERS.map((p) => {
    if (p === pdfParser) return pdf;
    if (p === docxParser && ocr) return new DocxParser({ ocr: { recognizer: ocr.recognizer } });
    if (p === csvParser && options.csv) return new CsvParser(options.csv);
    if (p === jsonParser && options.json) return new JsonParser(options.json);
    return p;
  });
  if (ocr) list.splice(list.length - 1, 0, new ImageParser(ocr.recognizer));
  return list;
}

/** "… .pdf, .docx, … and source code (.ts, .py, …)": the code extensions are too many to list. */
function describeSupported(parsers: readonly Parser[]): string {
  const exts = supportedExtensions(parsers);
  const documents = exts.filter((ext) => EXTENSION_FORMAT[ext] !== 'code');
  const code = exts.length > documents.length ? ', and source code (.ts, .js, .py, .java, .go, .rs, …)' : '';
  return documents.join(', ') + code;
}

/** The parser for a file: its extension decides (browsers often report '' for .md), then its MIME type. */
export function parserFor(fileName: string, mimeType: string, parsers: readonly Parser[] = PARSERS): Parser {
  const format = EXTENSION_FORMAT[extensionOf(fileName)];
  const byExt = format ? parsers.find((p) => p.format === format) : undefined;
  if (byExt) return byExt;
  const byMime = parsers.find((p) => p.accepts(fileName, mimeType));
  if (byMime) return byMime;
  const hint = format === 'image' ? ' Images need OCR, which is turned off.' : '';
  throw new TroveError(
    'UNSUPPORTED_FORMAT',
    `“${fileName}” is not a supported file type.${hint} Supported: ${describeSupported(parsers)}.`,
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
  onProgress?: (progress: ParseProgress) => void,
): Promise<ParsedDocument> {
  throwIfAborted(signal);
  let parser = parserFor(fileName, mimeType, parsers);
  if (data.byteLength > MAX_FILE_BYTES) {
    const message = `“${fileName}” is ${megabytes(data.byteLength)}; the limit is ${megabytes(MAX_FILE_BYTES)}.`;
    throw new TroveError('FILE_TOO_LARGE', message);
  }
  if (data.byteLength === 0) throw new TroveError('EMPTY_DOCUMENT', `“${fileName}” is empty.`);
  // A PDF saved with a text extension is still a PDF: trust the content over the name.
  const pdf = parsers.find((p) => p.format === 'pdf');
  if (parser.format !== 'pdf' && hasPdfHeader(data.subarray(0, 8)) && pdf) parser = pdf;
  let doc: ParsedDocument;
  try {
    doc = await parser.parse(data, fileName, signal, onProgress);
  } catch (error) {
    if (error instanceof TroveError) {
      // Name the file in generic messages: several files are ingested at once.
      if (error.code === 'CANCELLED' || error.message !== ERROR_CODES[error.code]) throw error;
      throw new TroveError(error.code, `“${fileName}”: ${error.message}`, { cause: error });
    }
    if (signal?.aborted || isAbort(error)) throw new TroveError('CANCELLED');
    const detail = error instanceof Error ? error.message : String(error);
    throw new TroveError('PARSE_FAILED', `“${fileName}” could not be read as ${parser.name}: ${detail}`, {
      cause: error,
    });
  }
  if (!hasText(doc.text)) throw new TroveError('EMPTY_DOCUMENT', `“${fileName}” contains no text to index.`);
  return doc;
}
