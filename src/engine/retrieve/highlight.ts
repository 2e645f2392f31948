// Which parts of a passage to highlight: the words whose analysed form matches an analysed query term,
// so "running" in the text lights up for the query "run".

export interface TermSpan {
  term: string;
  start: number;
  end: number;
}

export function highlightRanges(
  queryTerms: Iterable<string>,
  passageTerms: readonly TermSpan[],
): Array<[number, number]> {
  const wanted = new Set(queryTerms);
  if (wanted.size === 0) return [];
  const ranges: Array<[number, number]> = [];
  for (const span of passageTerms) {
    if (!wanted.has(span.term)) continue;
    const last = ranges[ranges.length - 1];
    // Spans from the analyser may overlap (e.g. CJK segments); merge instead of nesting <mark>s.
    if (last && span.start <= last[1]) last[1] = Math.max(last[1], span.end);
    else ranges.push([span.start, span.end]);
  }
  return ranges;
}
