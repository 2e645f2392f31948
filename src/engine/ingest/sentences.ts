// Sentence boundaries by one linear regex scan: the part of UAX #29 that matters for chunking.
//
// Why not Intl.Segmenter: Node 20's sentence segmenter costs (segments × block length), so a 5 MB log took over
// half an hour, and even in small windows it spends ~10 µs per sentence. A scan that no runtime can make quadratic
// decides where sentences end instead. Rules kept from UAX #29: a sentence ends after terminal punctuation
// (plus closing quotes/brackets) and the spaces after it; a full stop followed by a lower-case word, a digit or
// a comma/semicolon/colon does not end one ("e.g. this", "3. 14", "etc., and"); CJK full-width terminators end a
// sentence without a following space. Line breaks are soft wraps here (blocks are paragraphs), not sentence ends.

/** ASCII-like terminators that need a following space (or the end of the text) to end a sentence. */
const SPACED_END =
  /[.!?\u2026\u203c\u203d\u2047-\u2049\u0589\u061f\u06d4\u0964\u0965\u1362\u166e\u1803\u1809]+[)\]}"'\u2019\u201d\u00bb\u203a]*(?:\s+|$)|[\u3002\uff01\uff1f\uff61\ufe52\ufe56\ufe57]+[)\]}"'\u2019\u201d\u00bb\u203a\u300d\u300f\uff09\u3011]*\s*/gu;
/**
 * What, after a plain full stop and spaces, continues the sentence (UAX #29 SB8/SB8a, simplified): a comma-like
 * mark or digit at once, or a lower-case letter after a few non-letters ("e.g. `path`", "i.e. (see").
 */
const CONTINUES = /^(?:[,;:\p{N}]|[^\p{L}\s.!?\u3002]{0,8}\p{Ll})/u;

/**
 * Offsets where sentences of text[from, to) start, plus `to`: [from, b1, …, to]. Each sentence includes the
 * spaces after it. Linear in to - from.
 */
export function sentenceBounds(text: string, from = 0, to = text.length): number[] {
  const bounds = [from];
  const re = new RegExp(SPACED_END.source, 'gu');
  const slice = from === 0 && to === text.length ? text : text.slice(from, to);
  for (let m = re.exec(slice); m; m = re.exec(slice)) {
    const end = m.index + m[0].length;
    if (end >= slice.length) break;
    if (m[0].length === 0) {
      re.lastIndex++; // cannot happen with the pattern above, but never loop on an empty match
      continue;
    }
    const term = m[0].charCodeAt(0);
    if (term === 0x2e && onlyFullStops(m[0]) && CONTINUES.test(slice.slice(end, end + 16))) continue;
    bounds.push(from + end);
  }
  bounds.push(to);
  return bounds;
}

/** True when the terminator run of a match is full stops only (an abbreviation-like ATerm, not ! or ?). */
function onlyFullStops(match: string): boolean {
  for (let i = 0; i < match.length; i++) {
    const c = match.charCodeAt(i);
    if (c === 0x2e) continue;
    // Terminators other than '.' make it a real sentence end; closing marks and spaces end the run.
    return !(c === 0x21 || c === 0x3f || c === 0x2026 || (c >= 0x203c && c <= 0x2049));
  }
  return true;
}

/**
 * Offsets where whitespace-separated words of text[from, to) start (each word keeps the spaces after it), plus
 * `to`. Scripts written without spaces come back as one "word", which the chunker cuts at code points.
 */
export function wordBounds(text: string, from = 0, to = text.length): number[] {
  const bounds = [from];
  const space = /\s+/g;
  space.lastIndex = from;
  for (let m = space.exec(text); m && m.index < to; m = space.exec(text)) {
    const end = m.index + m[0].length;
    if (end >= to) break;
    if (end > from) bounds.push(end);
  }
  bounds.push(to);
  return bounds;
}
