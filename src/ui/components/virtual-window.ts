// Which rows of a long list of equal-height rows are on screen: the arithmetic behind VirtualList, kept pure so it
// can be tested without a browser.

export interface WindowRange {
  /** First row rendered (inclusive). */
  start: number;
  /** Row after the last one rendered (exclusive). */
  end: number;
}

/**
 * The rows a viewport shows, plus `overscan` rows either side (so a fast scroll does not flash blank rows).
 * Bounded by the list: never negative, never past `count`.
 */
export function visibleWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan: number,
): WindowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count - 1, first) - overscan);
  const end = Math.min(count, first + shown + overscan);
  return { start, end: Math.max(start, end) };
}
