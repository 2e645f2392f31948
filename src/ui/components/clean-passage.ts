// Markdown passages are stored as the author wrote them (offsets point into the source), so a result would show
// `## `, setext underlines, `**`, and `[text](url)`. This strips that markup for display and moves the highlight
// ranges with the text, so <mark> stays on the same words. Pure and linear: one pass per rule over the passage.

export type Range = readonly [number, number];

export interface CleanPassage {
  text: string;
  /** Highlight ranges into `text`; a range whose characters were all removed is dropped. */
  ranges: Array<[number, number]>;
}

// Whole lines that are only markup.
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const FENCE = /^ {0,3}(?:`{3,}|~{3,})[^\n]*$/;
const LINK_DEFINITION = /^ {0,3}\[[^\]\n]+\]:[ \t]+\S.*$/;
// Markup at the start of a line.
const ATX_OPEN = /^ {0,3}#{1,6}(?:[ \t]+|$)/;
const ATX_CLOSE = /[ \t]+#+[ \t]*$/;
const QUOTE = /^ {0,3}(?:>[ \t]?)+/;
const BULLET = /^([ \t]*)([-*+])[ \t]+/;
// Inline markup, one global pattern per kind; capture groups mark what to keep.
const IMAGE_OR_LINK = /(!?\[)([^\]\n]*)(\]\([^)\n]*\)|\]\[[^\]\n]*\])/g;
const AUTOLINK = /(<)((?:https?|mailto):[^>\s]+)(>)/g;
const STRONG = /(\*\*|__)(?=\S)([^\n]*?\S)\1/g;
const EMPHASIS_STAR = /(?<![*\w])(\*)(?=[^\s*])([^*\n]*?[^\s*])\*(?![*\w])/g;
const EMPHASIS_UNDERSCORE = /(?<![_\p{L}\p{N}])(_)(?=[^\s_])([^_\n]*?[^\s_])_(?![_\p{L}\p{N}])/gu;
const STRIKE = /(~~)(?=\S)([^\n]*?\S)~~/g;
const CODE = /(`+)([^`\n]+?)\1/g;

export interface CleanMarkdown {
  text: string;
  /** For every offset 0..length of the source, the offset in `text` of the next kept character. */
  offsets: Uint32Array;
}

/**
 * Markdown `text` without its markup, and `ranges` (half-open, into `text`) moved onto the cleaned text.
 * Unknown or unbalanced markup is left as written: showing a stray `*` is better than dropping words.
 */
export function cleanPassage(text: string, ranges: ReadonlyArray<Range> = []): CleanPassage {
  const clean = cleanMarkdown(text);
  const moved: Array<[number, number]> = [];
  for (const range of ranges) {
    const [start, end] = mapRange(clean, range);
    if (end > start) moved.push([start, end]);
  }
  return { text: clean.text, ranges: moved };
}

/** A source range moved onto the cleaned text (clamped; empty when all its characters were removed). */
export function mapRange({ offsets }: CleanMarkdown, [rawStart, rawEnd]: Range): [number, number] {
  const last = offsets.length - 1;
  const start = Math.max(0, Math.min(rawStart, last));
  const end = Math.max(start, Math.min(rawEnd, last));
  return [offsets[start]!, offsets[end]!];
}

/** The cleaned text and the offset map from source to cleaned text. */
export function cleanMarkdown(text: string): CleanMarkdown {
  const drop = new Uint8Array(text.length); // 1 = character removed
  const replace = new Map<number, string>(); // one character shown as another (bullets)
  const remove = (start: number, end: number) => drop.fill(1, start, end);

  let lineStart = 0;
  let inFence = false; // lines inside a fenced code block are code: shown as written
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    const fence = FENCE.test(line);
    if (fence) inFence = !inFence;
    if (inFence && !fence) {
      // kept verbatim
    } else if (
      line.trim() !== '' &&
      (SETEXT_UNDERLINE.test(line) || THEMATIC_BREAK.test(line) || fence || LINK_DEFINITION.test(line))
    ) {
      // The whole line goes, with one adjacent line break so no blank line is left where it stood.
      if (newline !== -1) remove(lineStart, lineEnd + 1);
      else remove(Math.max(0, lineStart - 1), lineEnd);
    } else {
      let at = lineStart;
      const quote = QUOTE.exec(line);
      if (quote) {
        remove(at, at + quote[0].length);
        at += quote[0].length;
      }
      const rest = text.slice(at, lineEnd);
      const atx = ATX_OPEN.exec(rest);
      if (atx) {
        remove(at, at + atx[0].length);
        const close = ATX_CLOSE.exec(rest);
        if (close && close.index >= atx[0].length) remove(at + close.index, lineEnd);
      } else {
        const bullet = BULLET.exec(rest);
        if (bullet) replace.set(at + bullet[1]!.length, '•');
      }
      inline(text.slice(lineStart, lineEnd), lineStart, drop, remove);
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }

  // Build the cleaned text from runs of kept characters and, for every original offset, the cleaned offset of the
  // next kept character.
  const next = new Uint32Array(text.length + 1);
  const parts: string[] = [];
  let length = 0;
  let runStart = -1;
  for (let i = 0; i < text.length; i++) {
    next[i] = length;
    const swap = replace.get(i);
    if (drop[i] || swap !== undefined) {
      if (runStart >= 0) parts.push(text.slice(runStart, i));
      runStart = -1;
      if (!drop[i] && swap !== undefined) parts.push(swap);
    } else if (runStart < 0) {
      runStart = i;
    }
    if (!drop[i]) length++;
  }
  if (runStart >= 0) parts.push(text.slice(runStart));
  next[text.length] = length;
  const out = parts.join('');
  return { text: out, offsets: next };
}

/** Marks inline markup of one line (offset `base` in the passage) for removal. */
function inline(line: string, base: number, drop: Uint8Array, remove: (start: number, end: number) => void): void {
  // Code spans first: what is inside them is literal, so no other rule may touch it.
  const literal = new Uint8Array(line.length);
  for (const match of line.matchAll(CODE)) {
    const start = match.index;
    const fence = match[1]!.length;
    remove(base + start, base + start + fence);
    remove(base + start + match[0].length - fence, base + start + match[0].length);
    literal.fill(1, start, start + match[0].length);
  }
  const free = (start: number, end: number) => {
    for (let i = start; i < end; i++) if (literal[i] || drop[base + i]) return false;
    return true;
  };

  for (const match of line.matchAll(IMAGE_OR_LINK)) {
    const start = match.index;
    const open = match[1]!.length;
    const label = match[2]!.length;
    if (!free(start, start + open)) continue;
    remove(base + start, base + start + open);
    remove(base + start + open + label, base + start + match[0].length);
  }
  for (const match of line.matchAll(AUTOLINK)) {
    if (!free(match.index, match.index + match[0].length)) continue;
    remove(base + match.index, base + match.index + 1);
    remove(base + match.index + match[0].length - 1, base + match.index + match[0].length);
  }
  for (const pattern of [STRONG, STRIKE, EMPHASIS_STAR, EMPHASIS_UNDERSCORE]) {
    for (const match of line.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      const marker = match[1]!.length;
      if (!free(start, start + marker) || !free(end - marker, end)) continue;
      remove(base + start, base + start + marker);
      remove(base + end - marker, base + end);
    }
  }
}
