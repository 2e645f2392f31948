// Which file extensions Trove reads, and as what. A leaf module (no parser libraries): the UI may import it for
// its file picker's accept list and for the folder walk without pulling mammoth, pdf.js or tesseract into the page.
import type { DocumentFormat } from '../../core/types.ts';
import { CODE_LANGUAGES } from './code-languages.ts';

/** Extension → format: the extension decides first (browsers often report '' or text/plain). */
export const EXTENSION_FORMAT: Readonly<Record<string, DocumentFormat>> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.tab': 'csv',
  '.json': 'json',
  '.jsonl': 'json',
  '.ndjson': 'json',
  '.epub': 'epub',
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.webp': 'image',
  '.gif': 'image',
  ...Object.fromEntries(Object.keys(CODE_LANGUAGES).map((ext) => [ext, 'code' as const])),
};

/** Extensions read only when OCR is on. */
export const OCR_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.gif'];

/** Every extension some parser reads (images only when OCR is available: see `createParsers`). */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(EXTENSION_FORMAT);
