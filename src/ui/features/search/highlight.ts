// Splits a passage into plain and highlighted pieces. The pieces become React text nodes, never HTML,
// so text from an uploaded file cannot inject markup.

export interface Segment {
  text: string;
  mark: boolean;
}

export function highlightSegments(text: string, ranges: ReadonlyArray<readonly [number, number]>): Segment[] {
  // Clamp, drop empty ranges, sort, and merge overlaps so every character is emitted exactly once.
  const clean = ranges
    .map(
      ([start, end]) => [Math.max(0, Math.min(start, text.length)), Math.max(0, Math.min(end, text.length))] as const,
    )
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of clean) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  const segments: Segment[] = [];
  let at = 0;
  for (const [start, end] of merged) {
    if (start > at) segments.push({ text: text.slice(at, start), mark: false });
    segments.push({ text: text.slice(start, end), mark: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), mark: false });
  return segments;
}
