// A follow-up question ("and how hot does it get?") means little to a search engine on its own: it is folded with the
// thread's previous question into one retrieval query, which the page shows so the user sees what was searched.
import type { ChatTurn } from '../api/answers.ts';

/** Words that point back at an earlier turn (English); a question holding one leans on the thread. */
const BACK_REFERENCES = new Set(
  (
    "it its it's they them their theirs this that these those he him his she her hers there then " +
    'same above previous former latter one ones also too else more other another'
  ).split(' '),
);
/** Openings that continue the previous question rather than start a new one. */
const CONTINUATIONS = /^(and|but|also|so|what about|how about|and what|why not|then|or)\b/i;
/** A question this short ("why?", "since when?") is a follow-up whatever words it holds. */
const SHORT_WORDS = 3;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

/** Whether the question depends on the thread to be understood. */
export function isFollowUp(question: string): boolean {
  const trimmed = question.trim();
  const list = words(trimmed);
  return list.length <= SHORT_WORDS || CONTINUATIONS.test(trimmed) || list.some((w) => BACK_REFERENCES.has(w));
}

/**
 * The retrieval query for `question` asked after `thread`: the question itself when it stands alone; otherwise the
 * latest earlier question it follows, then the follow-up ("When does the kiln fire? — and how hot does it get?").
 */
export function standaloneQuery(thread: readonly ChatTurn[], question: string): string {
  const asked = question.trim().replace(/\s+/g, ' ');
  const previous = [...thread].reverse().find((turn) => turn.role === 'user' && turn.content.trim());
  if (!previous || !isFollowUp(asked)) return asked;
  const before = previous.content.trim().replace(/\s+/g, ' ');
  return `${before} — ${asked.charAt(0).toLowerCase()}${asked.slice(1)}`;
}
