import { describe, expect, it } from 'vitest';
import { findPassage, highlightRects, type PageTextItem } from './pdf-highlight.ts';

// Items as pdf.js gives them: one per run of text, 12-pt text at x = 72, lines 14 pt apart from y = 700.
function line(str: string, row: number, x = 72): PageTextItem {
  return { str, transform: [12, 0, 0, 12, x, 700 - row * 14], width: str.length * 6, height: 12 };
}
const text = (items: PageTextItem[], ranges: ReturnType<typeof findPassage>) =>
  ranges.map((r) => items[r.item]!.str.slice(r.start, r.end)).join('|');

describe('passage on a PDF page', () => {
  it('finds a passage across items despite line breaks, hyphenation and spacing', () => {
    const items = [
      line('Intro text here.', 0),
      line('Kelp forests grow fast in cold, nutri-', 1),
      line('ent-rich water; they shelter', 2),
      line('fish. Unrelated after.', 3),
    ];
    const ranges = findPassage(items, 'Kelp forests grow fast in cold, nutrient-rich water;  they shelter fish.');
    expect(text(items, ranges)).toBe('Kelp forests grow fast in cold, nutri|ent-rich water; they shelter|fish');
    expect(ranges.map((r) => r.item)).toEqual([1, 2, 3]);
  });

  it('marks the part on this page of a passage that runs onto the next (prefix) or began on the previous (suffix)', () => {
    const items = [line('Other words first.', 0), line('The harbour seals rest on', 1)];
    expect(text(items, findPassage(items, 'The harbour seals rest on the rocks at low tide.'))).toBe(
      'The harbour seals rest on',
    );
    const next = [line('the rocks at low tide.', 0), line('New section.', 1)];
    expect(text(next, findPassage(next, 'The harbour seals rest on the rocks at low tide.'))).toBe(
      'the rocks at low tide',
    );
  });

  it('finds nothing for a passage from another page (no short accidental match)', () => {
    const items = [line('The cat sat on the mat.', 0)];
    expect(findPassage(items, 'Photosynthesis in the deep ocean is rare.')).toEqual([]);
    expect(findPassage([], 'anything')).toEqual([]);
  });

  it('rectangles: in viewport pixels, flipped (PDF y grows upwards), partial items by their share of characters', () => {
    const items = [line('abcdefghij', 0)];
    // Viewport of a 612×792 page at scale 2: [2, 0, 0, -2, 0, 1584].
    const [rect] = highlightRects(items, [{ item: 0, start: 5, end: 10 }], [2, 0, 0, -2, 0, 1584], 2);
    // Half of the 60-pt wide item at scale 2, padded by 12% of the 24-px font height on each side.
    expect(rect!.left).toBeCloseTo(72 * 2 + 60 - 2.88, 5);
    expect(rect!.width).toBeCloseTo(60 + 5.76, 5);
    expect(rect!.top).toBeCloseTo(1584 - 700 * 2 - 24, 5);
    expect(rect!.height).toBeGreaterThanOrEqual(24);
  });

  it('a dense page (100x a normal page of items): the longest prefix on the page is found', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => line(`word${i} `, i % 50, 72 + (i % 7) * 40));
    const ranges = findPassage(items, 'word19990 word19991 word19992 and then something that is not there');
    expect(text(items, ranges)).toBe('word19990|word19991|word19992');
  });
});
