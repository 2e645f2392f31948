// Where a passage sits on a rendered PDF page: the passage's text is found among the page's text items (as pdf.js
// gives them) and turned into rectangles in canvas pixels. Pure: no pdf.js, no DOM.
//
// The stored text and the page's items differ in whitespace (items split mid-word, lines joined with spaces),
// hyphenation ("exam-" + "ple" on the page, "example" stored) and punctuation spacing, so both are compared in a
// compact form: letters and digits only, lower case. A passage that runs onto the next page is found by its
// longest prefix on this page (or suffix, when it started on the previous one).

/** The parts of a pdf.js TextItem used here. */
export interface PageTextItem {
  str: string;
  /** [a, b, c, d, e, f]: the text's matrix in PDF user space. */
  transform: number[];
  /** Advance width in user space. */
  width: number;
  /** Height in user space (may be 0; the font size is then taken from the matrix). */
  height: number;
}

/** A highlight rectangle in viewport (canvas CSS) pixels. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Part of one item covered by the match: character range [start, end) of item.str. */
export interface ItemRange {
  item: number;
  start: number;
  end: number;
}

/** Shortest stretch (compact characters) worth marking when only part of the passage is on the page. */
const MIN_PARTIAL = 12;

interface Compact {
  text: string;
  /** For each compact character: item index and offset in item.str. */
  item: Int32Array;
  offset: Int32Array;
}

const KEEP = /[\p{L}\p{N}]/u;

function compactItems(items: readonly PageTextItem[]): Compact {
  let total = 0;
  for (const it of items) total += it.str.length;
  const item = new Int32Array(total);
  const offset = new Int32Array(total);
  const chars: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const str = items[i]!.str;
    for (let j = 0; j < str.length; j++) {
      const ch = str[j]!;
      if (!KEEP.test(ch)) continue;
      item[chars.length] = i;
      offset[chars.length] = j;
      chars.push(ch.toLowerCase());
    }
  }
  return { text: chars.join(''), item: item.subarray(0, chars.length), offset: offset.subarray(0, chars.length) };
}

export function compactText(text: string): string {
  let out = '';
  for (const ch of text) if (KEEP.test(ch)) out += ch.toLowerCase();
  return out;
}

/**
 * The character ranges of the page's items that hold the passage (all of it, or its longest prefix or suffix on
 * this page, at least MIN_PARTIAL characters); [] when it is not on the page. Linear-ish: a few indexOf calls.
 */
export function findPassage(items: readonly PageTextItem[], passage: string): ItemRange[] {
  const page = compactItems(items);
  const wanted = compactText(passage);
  if (!wanted || !page.text) return [];
  let from = page.text.indexOf(wanted);
  let length = wanted.length;
  if (from < 0) {
    const prefix = longestMatching(wanted.length, (n) => page.text.indexOf(wanted.slice(0, n)));
    const suffix = longestMatching(wanted.length, (n) => page.text.lastIndexOf(wanted.slice(wanted.length - n)));
    const best = prefix.length >= suffix.length ? prefix : suffix;
    if (best.length < Math.min(MIN_PARTIAL, wanted.length)) return [];
    from = best.at;
    length = best.length;
  }
  const ranges: ItemRange[] = [];
  for (let k = from; k < from + length; k++) {
    const item = page.item[k]!;
    const at = page.offset[k]!;
    const last = ranges.at(-1);
    if (last && last.item === item) last.end = at + 1;
    else ranges.push({ item, start: at, end: at + 1 });
  }
  return ranges;
}

/** Largest n in [0, max] with find(n) >= 0 (find is monotone: a shorter prefix occurs wherever a longer one does). */
function longestMatching(max: number, find: (n: number) => number): { length: number; at: number } {
  let lo = 0;
  let hi = max;
  let at = -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const found = find(mid);
    if (found >= 0) {
      lo = mid;
      at = found;
    } else hi = mid - 1;
  }
  return { length: lo, at: lo > 0 ? at : -1 }; // at was set when lo last grew
}

/** Multiplies two 2D affine matrices [a, b, c, d, e, f] (m1 × m2, as pdf.js Util.transform). */
function multiply(m1: readonly number[], m2: readonly number[]): number[] {
  return [
    m1[0]! * m2[0]! + m1[2]! * m2[1]!,
    m1[1]! * m2[0]! + m1[3]! * m2[1]!,
    m1[0]! * m2[2]! + m1[2]! * m2[3]!,
    m1[1]! * m2[2]! + m1[3]! * m2[3]!,
    m1[0]! * m2[4]! + m1[2]! * m2[5]! + m1[4]!,
    m1[1]! * m2[4]! + m1[3]! * m2[5]! + m1[5]!,
  ];
}

/**
 * Rectangles (viewport pixels) over the given item ranges; a part of an item is placed by its share of the item's
 * characters (proportional, so close for body text). `viewport` is the page viewport's transform; `scale` its scale.
 * Ranges on the same line that touch are merged into one rectangle.
 */
export function highlightRects(
  items: readonly PageTextItem[],
  ranges: readonly ItemRange[],
  viewport: readonly number[],
  scale: number,
): Rect[] {
  const rects: Rect[] = [];
  for (const range of ranges) {
    const item = items[range.item]!;
    if (!item.str) continue;
    const m = multiply(viewport, item.transform);
    const fontHeight = Math.hypot(m[2]!, m[3]!) || item.height * scale;
    const width = item.width * scale;
    const left = m[4]! + (width * range.start) / item.str.length;
    const right = m[4]! + (width * range.end) / item.str.length;
    // A little padding: character widths are proportional estimates, and the mark should cover whole glyphs.
    const pad = fontHeight * 0.12;
    const rect = {
      left: left - pad,
      top: m[5]! - fontHeight,
      width: Math.max(1, right - left) + 2 * pad,
      height: fontHeight * 1.2,
    };
    const last = rects.at(-1);
    if (last && Math.abs(last.top - rect.top) < fontHeight * 0.3 && rect.left - (last.left + last.width) < fontHeight) {
      const end = Math.max(last.left + last.width, rect.left + rect.width);
      last.left = Math.min(last.left, rect.left);
      last.width = end - last.left;
      last.height = Math.max(last.height, rect.height);
    } else rects.push(rect);
  }
  return rects;
}
