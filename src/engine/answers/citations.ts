// The answer as the page shows it: every [n] must name a passage that was in the context. Citations beyond it are
// removed and counted (a small model invents them), sentences with no valid citation are marked, and an answer that
// says the documents do not hold the answer is recognised as not grounded.
import type { AnswerSentence, CheckedAnswer } from '../api/answers.ts';

/** [1], [2, 3], [4-5] (a range is read as its ends). */
const CITATION_GROUP = /\s?\[(\d+(?:\s*[,;–-]\s*\d+)*)\]/g;
/** Phrases with which an instructed model says the context lacks the answer. */
const NO_ANSWER =
  /\b(cannot|can't|can not|could not|couldn't|unable to) (find|answer|determine|tell)\b|\b(not|no) (mentioned|found|stated|provided|enough information)\b|\bdo(es)? not (contain|mention|say|provide|include)\b|\bdon't seem to answer\b|\bno information\b/i;

/** Splits after . ! or ? (and any citations that follow them) before whitespace. */
function splitSentences(text: string): string[] {
  return (
    text
      .trim()
      .match(/[^.!?]+(?:[.!?]+(?:\s*\[[\d\s,;–-]+\])*|$)/g)
      ?.map((s) => s.trim())
      .filter(Boolean) ?? []
  );
}

export function checkCitations(text: string, passageCount: number): CheckedAnswer {
  let dropped = 0;
  const cleaned = text.replace(CITATION_GROUP, (whole, inner: string) => {
    const numbers = inner.split(/\s*[,;–-]\s*/).map(Number);
    const valid = numbers.filter((n) => Number.isInteger(n) && n >= 1 && n <= passageCount);
    dropped += numbers.length - valid.length;
    if (valid.length === 0) return '';
    const lead = whole.startsWith(' ') || whole.startsWith('\n') ? whole[0] : '';
    return `${lead}[${valid.join(', ')}]`;
  });
  const sentences: AnswerSentence[] = splitSentences(cleaned).map((sentence) => {
    const citations = [
      ...new Set([...sentence.matchAll(/\[([\d, ]+)\]/g)].flatMap((m) => m[1].split(/,\s*/).map(Number))),
    ];
    return { text: sentence, citations, cited: citations.length > 0 };
  });
  const citations = [...new Set(sentences.flatMap((s) => s.citations))].sort((a, b) => a - b);
  const grounded = !(citations.length === 0 && NO_ANSWER.test(cleaned)) && cleaned.trim() !== '';
  return { text: cleaned.trim(), sentences, citations, droppedCitations: dropped, grounded };
}
