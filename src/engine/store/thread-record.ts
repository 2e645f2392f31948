// Field-by-field validation of a saved answer thread: of what the page asks to save, and of what the store reads
// back (written by hand, by an older or newer version, or damaged on disk). Every field is checked for its type and
// range, unknown keys are dropped, and a fresh object is returned; the first bad field is named in the error.
import type { AnswerSentence, CheckedAnswer, GroundingDecision } from '../api/answers.ts';
import type { SavedPassage, SavedThread, SavedTurn } from '../api/threads.ts';
import type { TroveError } from '../core/errors.ts';
import { isRecordObject, isWhole, MAX_ID, MAX_INT32 } from './record-schema.ts';

type Fail = (reason: string) => TroveError;

/** The stored layout's version: a record of another version was not written by this code. */
export const THREAD_RECORD_VERSION = 1;
export const MAX_THREAD_TURNS = 200;
/** A saved thread's stored size at most (its JSON, UTF-8). */
export const MAX_THREAD_BYTES = 2 * 1024 * 1024;
export const MAX_THREAD_TITLE = 200;
/** More passages than an answer is ever given (the panel offers 5): anything above is not one of ours. */
const MAX_TURN_PASSAGES = 100;
const MAX_SENTENCES = 10_000;
const MAX_CITATION = 10_000;
/** Ids are UUIDs (36 characters); a little room for other generators, no room for abuse. */
const THREAD_ID = /^[A-Za-z0-9_-]{1,64}$/;
const STATES = { done: true, 'no-answer': true } as const satisfies Record<SavedTurn['state'], true>;
const STOPS = { eos: true, length: true, cancel: true } as const satisfies Record<
  NonNullable<SavedTurn['stoppedBy']>,
  true
>;

/** The stored value of a thread (everything but its id). */
export interface ThreadContent {
  version: typeof THREAD_RECORD_VERSION;
  title: string;
  savedAt: number;
  updatedAt: number;
  turns: SavedTurn[];
}

export function isThreadId(value: unknown): value is string {
  return typeof value === 'string' && THREAD_ID.test(value);
}

/** A thread's title: trimmed, white space folded, at least one character, at most MAX_THREAD_TITLE. */
export function checkTitle(value: unknown, fail: Fail): string {
  if (typeof value !== 'string') throw fail('The title must be text.');
  const title = value.replace(/\s+/g, ' ').trim();
  if (title.length === 0) throw fail('The title must not be empty.');
  if (title.length > MAX_THREAD_TITLE) throw fail(`The title may have at most ${MAX_THREAD_TITLE} characters.`);
  return title;
}

export function checkThreadContent(value: unknown, fail: Fail): ThreadContent {
  if (!isRecordObject(value)) throw fail('it is not a saved thread');
  if (value.version !== THREAD_RECORD_VERSION)
    throw fail(`it was written in a layout this version of Trove does not read (${String(value.version)})`);
  const title = checkTitle(value.title, (reason) => fail(`its title is invalid: ${reason}`));
  if (!isTime(value.savedAt) || !isTime(value.updatedAt)) throw fail('its dates are invalid');
  return {
    version: THREAD_RECORD_VERSION,
    title,
    savedAt: value.savedAt,
    updatedAt: value.updatedAt,
    ...checkTurns(value.turns, fail),
  };
}

export function checkTurns(value: unknown, fail: Fail): { turns: SavedTurn[] } {
  if (!Array.isArray(value)) throw fail('its questions are not a list');
  if (value.length === 0) throw fail('it holds no answered question');
  if (value.length > MAX_THREAD_TURNS)
    throw fail(`it holds ${value.length} questions; a saved thread holds at most ${MAX_THREAD_TURNS}`);
  return { turns: value.map((turn, i) => checkTurn(turn, (reason) => fail(`question ${i + 1}: ${reason}`))) };
}

export function threadOf(id: string, content: ThreadContent): SavedThread {
  const { title, savedAt, updatedAt, turns } = content;
  return { id, title, savedAt, updatedAt, turnCount: turns.length, turns };
}

function checkTurn(value: unknown, fail: Fail): SavedTurn {
  if (!isRecordObject(value)) throw fail('not an object');
  const { question, retrievalQuery, state, text, checked, grounding, stoppedBy, passages } = value;
  if (!isText(question) || question.length === 0) throw fail('the question is missing');
  if (!isText(retrievalQuery)) throw fail('the searched query is not text');
  if (typeof state !== 'string' || !Object.hasOwn(STATES, state)) throw fail('its state is not a finished one');
  if (!isText(text)) throw fail('the answer is not text');
  if (stoppedBy !== undefined && (typeof stoppedBy !== 'string' || !Object.hasOwn(STOPS, stoppedBy)))
    throw fail('why the answer stopped is unknown');
  if (!Array.isArray(passages) || passages.length > MAX_TURN_PASSAGES) throw fail('its passages are not a list');
  const seen = new Set<number>();
  const checkedPassages = passages.map((passage, i) => {
    const ok = checkPassage(passage, (reason) => fail(`passage ${i + 1}: ${reason}`));
    if (seen.has(ok.n)) throw fail(`two passages are numbered [${ok.n}]`);
    seen.add(ok.n);
    return ok;
  });
  return {
    question,
    retrievalQuery,
    state: state as SavedTurn['state'],
    text,
    ...(checked !== undefined && { checked: checkChecked(checked, fail) }),
    ...(grounding !== undefined && { grounding: checkGrounding(grounding, fail) }),
    ...(stoppedBy !== undefined && { stoppedBy: stoppedBy as SavedTurn['stoppedBy'] }),
    passages: checkedPassages,
  };
}

function checkPassage(value: unknown, fail: Fail): SavedPassage {
  if (!isRecordObject(value)) throw fail('not an object');
  const { n, chunkId, documentId, title, location, text, score, start, end, page } = value;
  if (!isWhole(n, 1, MAX_CITATION)) throw fail('its citation number is invalid');
  if (!isWhole(chunkId, 0, MAX_ID) || !isWhole(documentId, 0, MAX_ID)) throw fail('its ids are invalid');
  if (!isText(title) || !isText(location) || !isText(text)) throw fail('its title, place or text is not text');
  if (typeof score !== 'number' || !Number.isFinite(score)) throw fail('its score is not a number');
  if (!isWhole(start, 0, MAX_INT32) || !isWhole(end, start, MAX_INT32)) throw fail('its range is invalid');
  if (page !== undefined && !isWhole(page, 1, MAX_INT32)) throw fail('its page is invalid');
  return { n, chunkId, documentId, title, location, text, score, start, end, ...(page !== undefined && { page }) };
}

function checkChecked(value: unknown, fail: Fail): CheckedAnswer {
  if (!isRecordObject(value)) throw fail('its citation check is not an object');
  const { text, sentences, citations, droppedCitations, grounded } = value;
  if (!isText(text) || typeof grounded !== 'boolean' || !isWhole(droppedCitations, 0, MAX_INT32))
    throw fail('its citation check is invalid');
  if (!isCitations(citations)) throw fail('its citations are invalid');
  if (!Array.isArray(sentences) || sentences.length > MAX_SENTENCES) throw fail('its sentences are not a list');
  const checkedSentences = sentences.map((sentence): AnswerSentence => {
    if (!isRecordObject(sentence)) throw fail('a sentence is not an object');
    if (!isText(sentence.text) || typeof sentence.cited !== 'boolean' || !isCitations(sentence.citations))
      throw fail('a sentence is invalid');
    return { text: sentence.text, citations: [...sentence.citations], cited: sentence.cited };
  });
  return { text, sentences: checkedSentences, citations: [...citations], droppedCitations, grounded };
}

function checkGrounding(value: unknown, fail: Fail): GroundingDecision {
  if (!isRecordObject(value) || typeof value.answerable !== 'boolean' || !isText(value.reason))
    throw fail('its grounding decision is invalid');
  return { answerable: value.answerable, reason: value.reason };
}

/** Any string within the record's size limit (the whole record is measured before it is written). */
function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_THREAD_BYTES;
}

function isCitations(value: unknown): value is number[] {
  return Array.isArray(value) && value.length <= MAX_CITATION && value.every((n) => isWhole(n, 1, MAX_CITATION));
}

function isTime(value: unknown): value is number {
  return isWhole(value, 0, 8.64e15);
}
