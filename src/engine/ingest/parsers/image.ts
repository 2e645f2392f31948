// Images of text (PNG, JPEG, WebP, GIF: its first frame): OCR'd through an injected recognizer; the text is page 1 of the document.
import { TroveError, isAbort, throwIfAborted } from '../../core/errors.ts';
import type { ParsedDocument, Parser, TextBlock } from '../../core/types.ts';
import { ocrParagraphs, type OcrRecognizer } from '../ocr/recognizer.ts';
import { MAX_IMAGE_PIXELS, imageDimensions } from './image-dimensions.ts';
import { extensionOf } from './text.ts';

const IMAGE_EXTENSIONS: Record<string, string> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.webp': 'webp',
  '.gif': 'gif',
};
const IMAGE_MIME = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** The image type its first bytes announce, or undefined. Tesseract reads a GIF's first frame. */
export function sniffImage(data: Uint8Array): 'png' | 'jpeg' | 'webp' | 'gif' | undefined {
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  const riff = String.fromCharCode(...data.subarray(0, 4));
  const webp = String.fromCharCode(...data.subarray(8, 12));
  if (riff === 'RIFF' && webp === 'WEBP') return 'webp';
  const gif = String.fromCharCode(...data.subarray(0, 6));
  if (gif === 'GIF87a' || gif === 'GIF89a') return 'gif';
  return undefined;
}

/** Paragraphs → text and page-numbered blocks (shared with the PDF OCR path). */
export function pageBlocks(
  paragraphs: string[],
  page: number,
  parts: string[],
  blocks: TextBlock[],
  length: number,
): number {
  for (const p of paragraphs) {
    if (length > 0) {
      parts.push('\n\n');
      length += 2;
    }
    blocks.push({ start: length, end: length + p.length, kind: 'paragraph', page });
    parts.push(p);
    length += p.length;
  }
  return length;
}

export class ImageParser implements Parser {
  readonly name = 'Image';
  readonly format = 'image' as const;

  constructor(private readonly recognizer: OcrRecognizer) {}

  accepts(fileName: string, mimeType: string): boolean {
    return extensionOf(fileName) in IMAGE_EXTENSIONS || IMAGE_MIME.has(mimeType.toLowerCase());
  }

  async parse(
    data: Uint8Array,
    fileName: string,
    signal?: AbortSignal,
    onProgress?: (p: { stage: 'ocr'; done: number; total: number }) => void,
  ): Promise<ParsedDocument> {
    throwIfAborted(signal);
    const type = sniffImage(data);
    if (!type) {
      throw new TroveError(
        'PARSE_FAILED',
        `“${fileName}” is not a PNG, JPEG, WebP or GIF image (its first bytes say otherwise); it may be damaged.`,
      );
    }
    // Bounded before the decoder sees it: the header alone decides how much memory decoding would take.
    const size = imageDimensions(data, type);
    if (!size)
      throw new TroveError('PARSE_FAILED', `“${fileName}”: its image header (width and height) is missing or damaged.`);
    if (size.width * size.height > MAX_IMAGE_PIXELS) {
      throw new TroveError(
        'FILE_TOO_LARGE',
        `“${fileName}” declares ${size.width} × ${size.height} pixels, more than the ${MAX_IMAGE_PIXELS / 1e6} million that text recognition reads.`,
      );
    }
    onProgress?.({ stage: 'ocr', done: 0, total: 1 });
    let text: string;
    try {
      text = (await this.recognizer.recognize(data, signal)).text;
    } catch (error) {
      if (signal?.aborted || isAbort(error)) throw new TroveError('CANCELLED');
      if (error instanceof TroveError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      // Tesseract's GIF reader is the least tried of its decoders: a GIF it cannot read is a picture without text
      // (kept as a picture when image search is on), not a damaged file: the browser and sharp still decode it.
      if (type === 'gif') {
        throw new TroveError(
          'EMPTY_DOCUMENT',
          `“${fileName}”: no text was read: text recognition could not read this GIF (${detail}).`,
          { cause: error },
        );
      }
      throw new TroveError('PARSE_FAILED', `“${fileName}” could not be read as an image: ${detail}`, { cause: error });
    }
    onProgress?.({ stage: 'ocr', done: 1, total: 1 });
    const parts: string[] = [];
    const blocks: TextBlock[] = [];
    pageBlocks(ocrParagraphs(text), 1, parts, blocks, 0);
    if (blocks.length === 0)
      throw new TroveError('EMPTY_DOCUMENT', `“${fileName}”: no text was recognised in the image.`);
    return { format: 'image', text: parts.join(''), blocks, pageCount: 1, ocrPages: [1] };
  }
}
