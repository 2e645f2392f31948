// A cheap token count for when no model tokenizer is loaded (keyword-only mode still cuts chunks to a token budget).
// It imitates BERT WordPiece: words and punctuation marks are tokens, long or rare words split into pieces,
// each CJK character is its own token. It errs high, so chunks cut with it still fit the model when it arrives.

// Words (letters, marks, digits: the BERT pre-tokenizer keeps them together), CJK characters, any other symbol.
const CJK_CHAR = String.raw`\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}`;
const PIECES = new RegExp(String.raw`${CJK_CHAR}|(?:(?!${CJK_CHAR})[\p{L}\p{M}\p{N}])+|[^\s\p{L}\p{M}\p{N}]`, 'gu');
const HAS_DIGIT = /\p{N}/u;

/** Estimated tokens without special tokens; >= the WordPiece count for ordinary English text. */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(PIECES)) {
    const piece = match[0];
    const length = [...piece].length;
    if (length === 1) {
      tokens += 1;
      continue;
    }
    // Vocabularies hold most words up to ~6 letters whole; longer or rarer words become pieces of ~4 letters.
    // Numbers and letter-digit mixes split more finely (~2 characters per piece).
    tokens += HAS_DIGIT.test(piece)
      ? 1 + Math.ceil(Math.max(0, length - 3) / 2)
      : 1 + Math.ceil(Math.max(0, length - 6) / 4);
  }
  return tokens;
}
