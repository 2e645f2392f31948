import { describe, expect, it } from 'vitest';
import type { OpenedSavedThread, SearchResult } from '../../../engine/api/index.ts';
import type { RetrievedPassage } from './answer-retrieval.ts';
import type { AnswerTurn } from './answer-thread.ts';
import { hasAnsweredTurn, savedTurnsOf, turnsOfSavedThread } from './saved-thread-turns.ts';

const result: SearchResult = {
  chunkId: 7,
  documentId: 3,
  documentName: 'bread.txt',
  format: 'markdown',
  text: 'Sourdough rises overnight.',
  start: 40,
  end: 66,
  page: 2,
  headingPath: ['Baking'],
  highlights: [[0, 9]],
  scores: { score: 0.8, bm25: 1.2 },
};
const retrieved: RetrievedPassage = {
  result,
  passage: {
    n: 1,
    chunkId: 7,
    documentId: 3,
    title: 'bread.txt',
    location: 'p. 2 — Baking',
    text: result.text,
    score: 0.8,
  },
};
const turn = (id: number, state: AnswerTurn['state']): AnswerTurn => ({
  id,
  question: `question ${id}`,
  retrievalQuery: `query ${id}`,
  passages: [retrieved],
  text: state === 'done' ? 'It rises overnight [1].' : '',
  state,
  ...(state === 'done' && { stoppedBy: 'eos' as const }),
});

describe('savedTurnsOf', () => {
  it('keeps answered and not-answerable turns with their passages copied in, and leaves unfinished ones out', () => {
    const saved = savedTurnsOf([
      turn(1, 'done'),
      turn(2, 'cancelled'),
      turn(3, 'failed'),
      turn(4, 'no-answer'),
      turn(5, 'generating'),
    ]);
    expect(saved.map((t) => t.question)).toEqual(['question 1', 'question 4']);
    expect(saved[0]).toEqual({
      question: 'question 1',
      retrievalQuery: 'query 1',
      state: 'done',
      text: 'It rises overnight [1].',
      stoppedBy: 'eos',
      passages: [{ ...retrieved.passage, start: 40, end: 66, page: 2 }],
    });
  });

  it('offers saving only once a turn was answered', () => {
    expect(hasAnsweredTurn([turn(1, 'no-answer'), turn(2, 'cancelled')])).toBe(false);
    expect(hasAnsweredTurn([turn(1, 'no-answer'), turn(2, 'done')])).toBe(true);
  });
});

describe('turnsOfSavedThread', () => {
  it('gives the saved turns back numbered from the given id, opening where they were, gone passages marked', () => {
    const [saved] = savedTurnsOf([turn(1, 'done')]);
    const thread: OpenedSavedThread = {
      id: 'abc',
      title: 'Bread',
      savedAt: 1,
      updatedAt: 2,
      turnCount: 2,
      turns: [saved!, { ...saved!, passages: [{ ...saved!.passages[0]!, chunkId: 8, n: 1 }] }],
      goneChunkIds: [8],
    };
    const turns = turnsOfSavedThread(thread, 10);
    expect(turns.map((t) => t.id)).toEqual([10, 11]);
    expect(turns[0]).toMatchObject({ question: 'question 1', state: 'done', text: 'It rises overnight [1].' });
    expect(turns[0]!.passages[0]).toMatchObject({
      passage: retrieved.passage,
      result: { documentId: 3, chunkId: 7, start: 40, end: 66, page: 2 },
    });
    expect(turns[0]!.passages[0]!.gone).toBeUndefined();
    expect(turns[1]!.passages[0]!.gone).toBe(true);
  });
});
