// Inline Markdown styles for the document viewer: where **strong**, *emphasis*, `code`, ~~strike~~ and link text
// sit in the cleaned text (clean-passage.ts removes their markup), so the viewer can show them as <strong>, <em>,
// <code>, <s> and underlined text, still as React text nodes (a link's URL is never followed or fetched).
// The patterns mirror clean-passage.ts's (which removes exactly this markup); offsets map through its offset table.
import type { CleanMarkdown } from '../../components/clean-passage.ts';

export type InlineStyle = 'strong' | 'em' | 'code' | 'strike' | 'link';

export interface StyledSpan {
  start: number;
  end: number;
  style: InlineStyle;
}

const RULES: ReadonlyArray<[RegExp, InlineStyle, number]> = [
  // [pattern, style, capture group holding the styled text]
  [/(`+)([^`\n]+?)\1/g, 'code', 2],
  [/(\*\*|__)(?=\S)([^\n]*?\S)\1/g, 'strong', 2],
  [/(?<![*\w])(\*)(?=[^\s*])([^*\n]*?[^\s*])\*(?![*\w])/g, 'em', 2],
  [/(?<![_\p{L}\p{N}])(_)(?=[^\s_])([^_\n]*?[^\s_])_(?![_\p{L}\p{N}])/gu, 'em', 2],
  [/(~~)(?=\S)([^\n]*?\S)~~/g, 'strike', 2],
  [/(?<!!)(\[)([^\]\n]*)(\]\([^)\n]*\)|\]\[[^\]\n]*\])/g, 'link', 2],
];

/** Styled stretches of the cleaned text of Markdown `source` (sorted by start; may nest). Linear in the source. */
export function markdownStyles(source: string, clean: CleanMarkdown): StyledSpan[] {
  const spans: StyledSpan[] = [];
  const codeSpans: Array<[number, number]> = [];
  for (const [pattern, style, group] of RULES) {
    for (const match of source.matchAll(pattern)) {
      const inner = match[group] ?? '';
      const at = match.index + match[0].indexOf(inner, match[1]!.length);
      // Nothing is styled inside a code span: its text is literal.
      if (style !== 'code' && codeSpans.some(([s, e]) => at >= s && at < e)) continue;
      const start = clean.offsets[at]!;
      const end = clean.offsets[at + inner.length]!;
      if (end > start) spans.push({ start, end, style });
      if (style === 'code') codeSpans.push([match.index, match.index + match[0].length]);
    }
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** The styles in force over [start, end) of the text (for a piece that does not cross a style boundary). */
export function stylesAt(spans: readonly StyledSpan[], start: number, end: number): InlineStyle[] {
  const out: InlineStyle[] = [];
  for (const span of spans) {
    if (span.start >= end) break;
    if (span.start <= start && span.end >= end && !out.includes(span.style)) out.push(span.style);
  }
  return out;
}

/** Cut points that split [start, end) at every style boundary inside it. */
export function styleCuts(spans: readonly StyledSpan[], start: number, end: number): number[] {
  const cuts = new Set<number>([start, end]);
  for (const span of spans) {
    if (span.start >= end) break;
    if (span.start > start) cuts.add(span.start);
    if (span.end > start && span.end < end) cuts.add(span.end);
  }
  return [...cuts].sort((a, b) => a - b);
}
