// The rules every format's inner pictures share (see inner-pictures.ts). Icons and rules are skipped, at most INNER_PICTURE_CAP are kept (the largest, in document order), and each kept
// picture is scaled down to INNER_PICTURE_MAX_SIDE so that 48 of them fit in memory at once. A picture that cannot
// be decoded is skipped and counted; it never fails the document.
import type { DocumentFormat } from '../../core/types.ts';
import type { DecodedPicture } from '../../embed/clip-embedder.ts';
import { MAX_IMAGE_PIXELS } from '../parsers/image-dimensions.ts';

export interface InnerPicture {
  /** 1-based order in the document among the pictures kept. */
  n: number;
  /** 1-based page (PDF) or chapter, the spine position (EPUB); absent where unknown (DOCX). */
  page?: number;
  /** Pixels for the image tower and the thumbnail, at most INNER_PICTURE_MAX_SIDE on the long side. */
  picture: DecodedPicture;
  /** The picture's own size in the document, before any scaling. */
  width: number;
  height: number;
}

/** What a scan found, for status lines and tests (a picture is counted once, under the first rule it met). */
export interface InnerPictureStats {
  /** Distinct pictures found (a repeated one counts once). */
  found: number;
  /** Under INNER_PICTURE_MIN_SIDE on a side or under INNER_PICTURE_MIN_PIXELS: icons, bullets, rules. */
  tooSmall: number;
  /** Over MAX_IMAGE_PIXELS, the cap decodePicture applies. */
  tooLarge: number;
  /** Left out because INNER_PICTURE_CAP larger ones were kept. */
  overCap: number;
  /** Could not be decoded (damaged, or a kind of image this reader does not handle). */
  failed: number;
  /** Pixels read out of the file: each kept candidate once, whatever how often the document shows it. */
  decoded: number;
  /** Left out because the document's pixel budget (INNER_PICTURE_PIXEL_BUDGET) was spent (DOCX, EPUB). */
  overBudget: number;
  /** Pages not looked at because the budget was spent (PDF: pdf.js decodes every picture of a page it reads). */
  pagesUnread: number;
  /**
   * PDF: pixels its image XObjects declare when that is over PDF_DECLARED_PIXEL_BOUND, so it was not opened for
   * pictures at all (0 when it was).
   */
  declaredOverBound: number;
}

export interface InnerPictureScan {
  pictures: InnerPicture[];
  stats: InnerPictureStats;
}

export const INNER_PICTURE_MIN_SIDE = 64;
export const INNER_PICTURE_MIN_PIXELS = 4096;
/** Pictures kept per document: a catalogue with hundreds of product shots gives its 48 largest. */
export const INNER_PICTURE_CAP = 48;
/**
 * The image tower sees 224–384 px and the thumbnail 256 px; 768 px keeps both sharp for wide pictures too, and
 * holds 48 pictures in at most ~110 MB of RGBA.
 */
export const INNER_PICTURE_MAX_SIDE = 768;
/**
 * Pixels decoded per document, at most. pdf.js decodes in JavaScript at ~20 million pixels a second on a slow
 * shared core (bench inner-pictures), the platform's decoders several times faster: a scanned 500-page book or a
 * report of 60 phone photos stops after ~10–20 s of decoding instead of minutes. Pictures first in the document
 * are kept.
 */
export const INNER_PICTURE_PIXEL_BUDGET = 400_000_000;

/** The formats that can hold pictures this reads. */
export type InnerPictureFormat = Extract<DocumentFormat, 'pdf' | 'docx' | 'epub'>;

export function holdsInnerPictures(format: string): format is InnerPictureFormat {
  return format === 'pdf' || format === 'docx' || format === 'epub';
}

export function emptyStats(): InnerPictureStats {
  return {
    found: 0,
    tooSmall: 0,
    tooLarge: 0,
    overCap: 0,
    failed: 0,
    decoded: 0,
    overBudget: 0,
    pagesUnread: 0,
    declaredOverBound: 0,
  };
}

/** Whether a picture of this size is worth a vector; counts it under the rule it fails. */
export function sizeAllowed(width: number, height: number, stats: InnerPictureStats): boolean {
  if (width < INNER_PICTURE_MIN_SIDE || height < INNER_PICTURE_MIN_SIDE || width * height < INNER_PICTURE_MIN_PIXELS) {
    stats.tooSmall++;
    return false;
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    stats.tooLarge++;
    return false;
  }
  return true;
}

interface Held<T> {
  order: number;
  pixels: number;
  value: T;
}

/**
 * The `cap` largest of a stream of pictures, handed back in document order. Adding is O(cap), so a document's
 * pictures cost O(pictures × cap): linear. On equal sizes the earlier picture stays.
 */
export class LargestPictures<T> {
  private readonly held: Array<Held<T>> = [];

  constructor(
    private readonly cap: number,
    private readonly stats: InnerPictureStats,
  ) {}

  /** Whether a picture of `pixels` would be kept now (checked before paying for its pixels). */
  wouldKeep(pixels: number): boolean {
    return this.held.length < this.cap || pixels > this.held[this.smallest()]!.pixels;
  }

  add(order: number, pixels: number, value: T): void {
    if (!this.wouldKeep(pixels)) {
      this.stats.overCap++;
      return;
    }
    this.held.push({ order, pixels, value });
    if (this.held.length > this.cap) {
      this.held.splice(this.smallest(), 1);
      this.stats.overCap++;
    }
  }

  inOrder(): T[] {
    return [...this.held].sort((a, b) => a.order - b.order).map((h) => h.value);
  }

  /** Index of the smallest held picture; of equal ones, the latest in the document. */
  private smallest(): number {
    let at = 0;
    for (let i = 1; i < this.held.length; i++) {
      const h = this.held[i]!;
      const s = this.held[at]!;
      if (h.pixels < s.pixels || (h.pixels === s.pixels && h.order > s.order)) at = i;
    }
    return at;
  }
}

/**
 * Scales a picture down (area average) so its long side is at most `maxSide`; a smaller one is returned as it is.
 * Linear in the source pixels.
 */
export function fitPicture(picture: DecodedPicture, maxSide = INNER_PICTURE_MAX_SIDE): DecodedPicture {
  const { width: w, height: h, channels: c, data } = picture;
  const scale = maxSide / Math.max(w, h);
  if (scale >= 1) return picture;
  const tw = Math.max(1, Math.round(w * scale));
  const th = Math.max(1, Math.round(h * scale));
  const xMap = new Int32Array(w);
  for (let x = 0; x < w; x++) xMap[x] = Math.min(tw - 1, Math.floor((x * tw) / w));
  const out = new Uint8ClampedArray(tw * th * c);
  const sums = new Float64Array(tw * c);
  const counts = new Uint32Array(tw);
  let sy = 0;
  for (let ty = 0; ty < th; ty++) {
    const yEnd = ty === th - 1 ? h : Math.max(sy + 1, Math.floor(((ty + 1) * h) / th));
    sums.fill(0);
    counts.fill(0);
    for (; sy < yEnd; sy++) {
      const row = sy * w * c;
      for (let x = 0; x < w; x++) {
        const tx = xMap[x]!;
        counts[tx]!++;
        const from = row + x * c;
        const to = tx * c;
        for (let k = 0; k < c; k++) sums[to + k]! += data[from + k]!;
      }
    }
    const outRow = ty * tw * c;
    for (let tx = 0; tx < tw; tx++) {
      const n = counts[tx] || 1;
      for (let k = 0; k < c; k++) out[outRow + tx * c + k] = sums[tx * c + k]! / n;
    }
  }
  return { data: out, width: tw, height: th, channels: c };
}

/** Kept pictures in document order → numbered InnerPictures. */
export function numbered(
  kept: Array<{ page?: number; picture: DecodedPicture; width: number; height: number }>,
): InnerPicture[] {
  return kept.map((k, i) => ({
    n: i + 1,
    ...(k.page !== undefined && { page: k.page }),
    picture: k.picture,
    width: k.width,
    height: k.height,
  }));
}
