// Pure helpers of the document viewer: where the query's words occur in a document, and how a stretch of text
// splits into plain, passage and match pieces. Offsets are half-open [start, end) into the same string.

export type Span = readonly [number, number];

/** Occurrences of the query's words (2+ letters, whole words, any case), in order, at most `limit`. */
export function findMatches(text: string, query: string, limit = 2000): Array<[number, number]> {
  const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [])];
  if (words.length === 0) return [];
  // Longest first, so "oils" is not cut to "oil" when both are asked for.
  words.sort((a, b) => b.length - a.length);
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  const found: Array<[number, number]> = [];
  for (const match of text.matchAll(pattern)) {
    found.push([match.index, match.index + match[0].length]);
    if (found.length >= limit) break;
  }
  return found;
}

export interface Piece {
  start: number;
  end: number;
  /** Inside the passage that was opened. */
  passage: boolean;
  /** Index into the match list, or -1. */
  match: number;
}

/**
 * Splits [start, end) at every boundary of `passage` and `matches` (sorted, non-overlapping) so each piece is
 * uniformly inside or outside them. Linear in the number of matches inside the stretch (found by binary search).
 */
export function pieces(start: number, end: number, passage: Span | undefined, matches: ReadonlyArray<Span>): Piece[] {
  const cuts = new Set<number>([start, end]);
  if (passage) {
    if (passage[0] > start && passage[0] < end) cuts.add(passage[0]);
    if (passage[1] > start && passage[1] < end) cuts.add(passage[1]);
  }
  let first = lowerBound(matches, start);
  for (let m = first; m < matches.length && matches[m]![0] < end; m++) {
    const [s, e] = matches[m]!;
    if (s > start) cuts.add(s);
    if (e < end) cuts.add(e);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Piece[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const s = sorted[i]!;
    const e = sorted[i + 1]!;
    if (e <= s) continue;
    while (first < matches.length && matches[first]![1] <= s) first++;
    const match = first < matches.length && matches[first]![0] <= s && matches[first]![1] >= e ? first : -1;
    out.push({ start: s, end: e, passage: passage !== undefined && passage[0] <= s && passage[1] >= e, match });
  }
  return out;
}

/** First index whose span ends after `offset`. */
function lowerBound(spans: ReadonlyArray<Span>, offset: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]![1] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
