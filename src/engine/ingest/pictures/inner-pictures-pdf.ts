// Pictures inside a PDF: the image XObjects (and larger inline images) each page paints, read from pdf.js' operator
// list. pdf.js decodes them in its own worker code (loaded in this thread, as for the text); it is asked for raw
// pixels (no ImageBitmap, no platform ImageDecoder) so Node and the browser read them the same way. An XObject
// painted on many pages (a logo in the header) is read once: pdf.js names its source object (`ref`), and from the
// third page on hands out one cached copy (same objId), which is recognised without even looking at it.
import type * as PdfJs from 'pdfjs-dist';
import { TroveError, isAbort, throwIfAborted } from '../../core/errors.ts';
import type { DecodedPicture } from '../../embed/clip-embedder.ts';
import { hasPdfHeader, loadPdfJs } from '../parsers/pdf.ts';
import { indexOfBytes } from '../parsers/pdf-guard.ts';
import {
  INNER_PICTURE_CAP,
  INNER_PICTURE_PIXEL_BUDGET,
  LargestPictures,
  emptyStats,
  fitPicture,
  numbered,
  sizeAllowed,
  type InnerPictureScan,
} from './inner-picture-rules.ts';
import { declaredImagePixels } from './pdf-declared-images.ts';

/**
 * The largest picture pdf.js decodes for this scan (4096 × 4096), passed as its `maxImageSize`: pdf.js skips a larger
 * one unread (its page's other pictures are still read). A picture that large is a scanned page or a poster, not a
 * figure the image tower needs at full size, and it bounds what one image costs (64 MB of RGBA).
 */
export const PDF_PICTURE_MAX_PIXELS = 4096 * 4096;

/**
 * The most pixels the image XObjects of a PDF may declare (each counted at most PDF_PICTURE_MAX_PIXELS) for it to be
 * opened for pictures. pdf.js decodes all of a page's pictures before the scan sees any of them, so the per-page
 * budget check cannot stop a page of 20 huge pictures; this bound, checked on the bytes first, can: even if all of it
 * sat on one page it is ~1 GB of RGBA. A scanned book of hundreds of full-page images is over it and not looked
 * through: its page images are OCR input, not pictures.
 */
export const PDF_DECLARED_PIXEL_BOUND = 256_000_000;

/** pdf.js' ImageKind. */
const GRAYSCALE_1BPP = 1;
const RGB_24BPP = 2;
const RGBA_32BPP = 3;

/** What pdf.js hands out for an image (its worker's createImageData). */
interface PdfImage {
  width: number;
  height: number;
  kind?: number;
  data?: Uint8Array | Uint8ClampedArray | null;
  bitmap?: ImageBitmap;
  /** The XObject's object reference ("12R"): the same picture wherever it is painted. */
  ref?: string | null;
}

interface Kept {
  page: number;
  picture: DecodedPicture;
  width: number;
  height: number;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const IMAGE_NAME = ascii('/Image');

/**
 * Whether the file names an image XObject at all. Stream dictionaries are never compressed (object streams cannot
 * hold streams), so an image XObject's `/Subtype /Image` is always in the clear; `/ImageB` and friends (ProcSet
 * names) are not it. A text-only PDF then costs one byte scan instead of an operator list per page.
 */
export function mayHoldImages(data: Uint8Array): boolean {
  for (let at = indexOfBytes(data, IMAGE_NAME); at !== -1; at = indexOfBytes(data, IMAGE_NAME, at + 1)) {
    const next = data[at + IMAGE_NAME.length];
    if (next === undefined || !/[A-Za-z0-9#_.-]/.test(String.fromCharCode(next))) return true;
  }
  return false;
}

export async function scanPdfPictures(
  bytes: Uint8Array,
  fileName: string,
  signal?: AbortSignal,
  pixelBudget = INNER_PICTURE_PIXEL_BUDGET,
  declaredBound = PDF_DECLARED_PIXEL_BOUND,
): Promise<InnerPictureScan> {
  throwIfAborted(signal);
  const stats = emptyStats();
  if (!hasPdfHeader(bytes)) throw new TroveError('PARSE_FAILED', `“${fileName}” is not a PDF.`);
  // Inline images in compressed content streams are not seen by this scan; pdf.js keeps those under 200 px
  // (width + height) inline, so only small pictures are missed.
  if (!mayHoldImages(bytes)) return { pictures: [], stats };
  const declared = declaredImagePixels(bytes, PDF_PICTURE_MAX_PIXELS);
  if (declared > declaredBound) {
    stats.declaredOverBound = declared;
    return { pictures: [], stats };
  }
  const pdfjs = await loadPdfJs();
  throwIfAborted(signal);
  // The same guarded settings as the text parser (pdf.ts), plus: raw pixels, and pdf.js itself refuses to decode a
  // picture over PDF_PICTURE_MAX_PIXELS.
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWasm: false,
    enableXfa: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    maxImageSize: PDF_PICTURE_MAX_PIXELS,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  const onAbort = () => void task.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let doc: PdfJs.PDFDocumentProxy;
    try {
      doc = await task.promise;
    } catch (error) {
      throwIfAborted(signal);
      throw new TroveError('PARSE_FAILED', `“${fileName}” could not be read as a PDF.`, { cause: error });
    }
    const { OPS } = pdfjs;
    const largest = new LargestPictures<Kept>(INNER_PICTURE_CAP, stats);
    const seenIds = new Set<string>();
    const seenRefs = new Set<string>();
    const seenInline = new Set<string>();
    let order = 0;
    let decodedByPdfJs = 0;
    const consider = (image: PdfImage | null | undefined, page: number) => {
      if (!image) {
        stats.failed++; // pdf.js could not decode it (it sends null)
        return;
      }
      decodedByPdfJs += image.width * image.height;
      if (image.ref) {
        if (seenRefs.has(image.ref)) return; // the first page that paints it wins
        seenRefs.add(image.ref);
      }
      stats.found++;
      const { width, height } = image;
      if (!sizeAllowed(width, height, stats)) return;
      if (!largest.wouldKeep(width * height)) {
        stats.overCap++;
        return;
      }
      const picture = toPicture(image);
      if (!picture) {
        stats.failed++;
        return;
      }
      stats.decoded++;
      largest.add(order++, width * height, { page, picture: fitPicture(picture), width, height });
    };
    for (let pageNumber = 1; pageNumber <= doc.numPages; pageNumber++) {
      throwIfAborted(signal);
      if (decodedByPdfJs > pixelBudget) {
        stats.pagesUnread = doc.numPages - pageNumber + 1;
        break;
      }
      let page: PdfJs.PDFPageProxy;
      let list: { fnArray: number[]; argsArray: unknown[][] };
      try {
        page = await doc.getPage(pageNumber);
        list = await page.getOperatorList();
      } catch (error) {
        if (signal?.aborted || isAbort(error)) throw new TroveError('CANCELLED');
        continue; // a broken page: the text parser reported it; its pictures are lost, the rest are not
      }
      for (let i = 0; i < list.fnArray.length; i++) {
        const fn = list.fnArray[i];
        const args = list.argsArray[i] ?? [];
        if (fn === OPS.paintInlineImageXObject) {
          // Inline images have no object to name them: the same one repeated on each page is known by its pixels
          // (at most 200 px across, so hashing them is cheap).
          const image = args[0] as PdfImage | undefined;
          const key = image ? inlineKey(image) : undefined;
          if (key !== undefined && seenInline.has(key)) continue;
          if (key !== undefined) seenInline.add(key);
          consider(image, pageNumber);
        } else if (fn === OPS.paintImageXObject || fn === OPS.paintImageXObjectRepeat) {
          const objId = args[0];
          if (typeof objId !== 'string' || seenIds.has(objId)) continue;
          seenIds.add(objId);
          // Global copies ("g_…") live with the document, the rest with the page; pdf.js resolves every id it
          // lists, with null when decoding failed.
          const objs = objId.startsWith('g_') ? page.commonObjs : page.objs;
          const image = await new Promise<PdfImage | null>((resolve) => objs.get(objId, resolve));
          consider(image, pageNumber);
        }
      }
      page.cleanup(); // drops this page's decoded pictures: only the scaled copies kept above stay
    }
    return { pictures: numbered(largest.inOrder()), stats };
  } catch (error) {
    if (signal?.aborted) throw new TroveError('CANCELLED');
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await task.destroy().catch(() => undefined);
  }
}

/** pdf.js image data → interleaved pixels; undefined for a kind this does not read. */
function toPicture(image: PdfImage): DecodedPicture | undefined {
  const { width, height, kind, data } = image;
  if (data && kind === RGB_24BPP && data.length >= width * height * 3) {
    return { data: data.subarray(0, width * height * 3), width, height, channels: 3 };
  }
  if (data && kind === RGBA_32BPP && data.length >= width * height * 4) {
    return { data: data.subarray(0, width * height * 4), width, height, channels: 4 };
  }
  if (data && kind === GRAYSCALE_1BPP) {
    // One bit per pixel, rows padded to a byte; a set bit is white (pdf.js has already applied /Decode).
    const rowBytes = (width + 7) >> 3;
    if (data.length < rowBytes * height) return undefined;
    const out = new Uint8ClampedArray(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        out[y * width + x] = data[y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7)) ? 255 : 0;
      }
    }
    return { data: out, width, height, channels: 1 };
  }
  if (image.bitmap && typeof OffscreenCanvas === 'function') {
    // Only where pdf.js ignores the raw-pixel request: drawn once to read its RGBA back.
    const canvas = new OffscreenCanvas(image.bitmap.width, image.bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) return undefined;
    context.drawImage(image.bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    return { data: pixels.data, width: canvas.width, height: canvas.height, channels: 4 };
  }
  return undefined;
}

/** An inline image's size, kind and FNV-1a hash of its pixels. */
function inlineKey(image: PdfImage): string | undefined {
  const data = image.data;
  if (!data) return undefined;
  let hash = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i]!, 0x01000193);
  return `${image.width}x${image.height}:${image.kind ?? 0}:${data.length}:${hash >>> 0}`;
}
