// Word (.docx) via mammoth: the document becomes semantic HTML (Heading 1-6 styles → h1-h6, tables, lists), which
// the HTML text extractor turns into heading and paragraph blocks in reading order. Images are dropped.
import { TroveError, throwIfAborted } from '../../core/errors.ts';
import type { ParsedDocument, Parser } from '../../core/types.ts';
import type { OcrRecognizer } from '../ocr/recognizer.ts';
import { ocrParagraphs } from '../ocr/recognizer.ts';
import { htmlToText } from './html.ts';
import { sniffImage } from './image.ts';
import { extensionOf, hasText } from './text.ts';
import { unzipBounded } from './zip-guard.ts';

const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** ZIP local file header "PK\3\4": every .docx starts with it. */
export function isZip(data: Uint8Array): boolean {
  return data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
}

/** OLE2 compound file: the pre-2007 binary .doc (and .xls) format. */
function isOle2(data: Uint8Array): boolean {
  return data[0] === 0xd0 && data[1] === 0xcf && data[2] === 0x11 && data[3] === 0xe0;
}

/**
 * mammoth wraps each table cell's text in <p>: unwrapped, a table reads as one block with a line per row and its
 * cells separated by spaces, instead of one tiny paragraph per cell.
 */
export function flattenCells(html: string): string {
  return html.replace(/<(td|th)([^>]*)>([\s\S]*?)<\/\1>/g, (_m, tag: string, attrs: string, inner: string) => {
    const cell = inner.replace(/<\/p>\s*<p>/g, '<br />').replace(/<\/?p>/g, '');
    return `<${tag}${attrs}>${cell}</${tag}>`;
  });
}

/** An <img> as a paragraph of its alt text (the author's description, or OCR text); images without one vanish. */
export function imagesToText(html: string): string {
  return html.replace(/<img\b[^>]*>/g, (tag) => {
    const alt = /\balt="([^"]*)"/.exec(tag)?.[1]?.trim();
    return alt ? `<p>${alt}</p>` : '';
  });
}

export interface DocxParserOptions {
  /** OCR for embedded PNG/JPEG/WebP pictures; their text becomes a paragraph where the picture was. */
  ocr?: { recognizer: OcrRecognizer };
}

export class DocxParser implements Parser {
  readonly name = 'Word';
  readonly format = 'docx' as const;

  constructor(private readonly options: DocxParserOptions = {}) {}

  accepts(fileName: string, mimeType: string): boolean {
    return extensionOf(fileName) === '.docx' || mimeType.toLowerCase() === DOCX_MIME;
  }

  async parse(data: Uint8Array, fileName: string, signal?: AbortSignal): Promise<ParsedDocument> {
    throwIfAborted(signal);
    if (isOle2(data)) {
      throw new TroveError(
        'PARSE_FAILED',
        `“${fileName}” is an old binary Word (.doc) file; save it as .docx and add it again.`,
      );
    }
    if (!isZip(data)) {
      throw new TroveError(
        'PARSE_FAILED',
        `“${fileName}” is not a Word document: a .docx file is a ZIP archive, and this is not one.`,
      );
    }
    let failedImages = 0;
    const arrayBuffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    let html: string;
    // Loaded on the first .docx, not at worker start (mammoth and JSZip are ~500 KB the start-up would parse).
    const { default: mammoth } = await import('mammoth');
    try {
      // JSZip may inflate any entry (pictures for OCR included): all of them are counted, within budget, first.
      unzipBounded(data, fileName, { keep: false });
      // Node's mammoth reads `buffer`, its browser build `arrayBuffer`; JSZip underneath takes an ArrayBuffer in both.
      const input = { arrayBuffer, buffer: arrayBuffer } as unknown as { arrayBuffer: ArrayBuffer };
      const result = await mammoth.convertToHtml(input, {
        // No base64 data URL the size of the picture: only its alt text, or its OCR text when OCR is on.
        convertImage: mammoth.images.imgElement(async (image) => {
          const recognizer = this.options.ocr?.recognizer;
          if (!recognizer || signal?.aborted) return { src: '' };
          const raw: unknown = await image.read();
          // Node's mammoth gives a Buffer, the browser build an ArrayBuffer: hand the recognizer a plain Uint8Array.
          const bytes =
            raw instanceof Uint8Array
              ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
              : new Uint8Array(raw as ArrayBuffer);
          if (!sniffImage(bytes)) return { src: '' }; // EMF/WMF drawings: no raster to read
          try {
            const text = ocrParagraphs((await recognizer.recognize(bytes, signal)).text).join('\n');
            return text ? { src: '', alt: text } : { src: '' }; // mammoth escapes attribute values
          } catch {
            failedImages++;
            return { src: '' };
          }
        }),
        styleMap: ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"],
      });
      html = result.value;
    } catch (error) {
      throwIfAborted(signal);
      if (error instanceof TroveError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new TroveError(
        'PARSE_FAILED',
        `“${fileName}” could not be read as a Word document (damaged or not a .docx): ${detail}`,
        { cause: error },
      );
    }
    throwIfAborted(signal);
    const { text, blocks } = htmlToText(imagesToText(flattenCells(html)));
    if (!hasText(text))
      throw new TroveError('EMPTY_DOCUMENT', `“${fileName}” contains no text to index (images only?).`);
    const firstH1 = blocks.find((b) => b.kind === 'heading' && b.level === 1);
    const warnings =
      failedImages > 0 ? [`OCR failed on ${failedImages} picture(s); their text is not searchable.`] : [];
    return {
      format: 'docx',
      text,
      blocks,
      ...(firstH1 ? { title: text.slice(firstH1.start, firstH1.end) } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
  }
}

export const docxParser = new DocxParser();
