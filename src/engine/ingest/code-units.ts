// Units for chunking code: lines, not sentences. The chunker packs these the way it packs sentences (a 'code'
// block's lines instead of Intl.Segmenter sentences), so a chunk never ends mid-line and an oversized
// definition is cut between lines. Minified one-line files are cut every `maxChars`, preferring a space or ';'.

export interface Span {
  start: number;
  end: number;
}

/** Non-blank lines of text[start, end), each trimmed, long ones cut in pieces of at most maxChars. Linear. */
export function codeLineUnits(text: string, start: number, end: number, maxChars = 1000): Span[] {
  const units: Span[] = [];
  for (let lineStart = start; lineStart < end;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    let s = lineStart;
    let e = lineEnd;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    while (e - s > maxChars) {
      // Cut at the last space or ';' in the second half of the window, else hard at maxChars.
      let cut = s + maxChars;
      for (let i = cut; i > s + maxChars / 2; i--) {
        const c = text[i - 1];
        if (c === ' ' || c === ';' || c === ',') {
          cut = i;
          break;
        }
      }
      let pieceEnd = cut;
      while (pieceEnd > s && /\s/.test(text[pieceEnd - 1]!)) pieceEnd--;
      if (pieceEnd > s) units.push({ start: s, end: pieceEnd });
      s = cut;
      while (s < e && /\s/.test(text[s]!)) s++;
    }
    if (e > s) units.push({ start: s, end: e });
    lineStart = lineEnd + 1;
  }
  return units;
}
