// Identifier splitting for keyword search in code: parseHttpHeader → parse, Http, Header; HTTPServer → HTTP,
// Server; MAX_VALUE → MAX, VALUE; utf8Decoder → utf8, Decoder. The analyzer keeps the whole identifier as well.

/** One part of an identifier and where it sits in it (UTF-16 offsets, end exclusive). */
export interface IdentifierPart {
  text: string;
  start: number;
  end: number;
}

// An upper-case run not followed by a lower-case letter (an acronym), a capitalised or lower-case word, or digits;
// digits stay with the word before them.
const PART = /\p{Lu}+(?!\p{Ll})\p{Nd}*|\p{Lu}?\p{Ll}+\p{Nd}*|\p{Nd}+|[\p{L}\p{M}]+/gu;
/** Cheap pre-check: only words with '_' or a lower→upper case change (or digit→upper) can split. */
const MAY_SPLIT = /_|[\p{Ll}\p{Nd}]\p{Lu}|\p{Lu}\p{Lu}\p{Ll}/u;

/** The parts of an identifier, or [] when it has only one (plain words are left alone). */
export function splitIdentifier(word: string): IdentifierPart[] {
  if (!MAY_SPLIT.test(word)) return [];
  const parts: IdentifierPart[] = [];
  PART.lastIndex = 0;
  for (let m = PART.exec(word); m !== null; m = PART.exec(word)) {
    parts.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return parts.length > 1 ? parts : [];
}
