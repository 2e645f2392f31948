import { describe, expect, it } from 'vitest';
import { threadForModel, type AnswerTurn } from './answer-thread.ts';

const turn = (id: number, state: AnswerTurn['state'], text = `answer ${id}`): AnswerTurn => ({
  id,
  question: `question ${id}`,
  retrievalQuery: `question ${id}`,
  passages: [],
  text,
  state,
});

describe('threadForModel', () => {
  it('gives the model the answered turns only, oldest first, as user/assistant pairs', () => {
    expect(
      threadForModel([
        turn(1, 'done'),
        turn(2, 'cancelled', 'half an ans'),
        turn(3, 'no-answer', ''),
        turn(4, 'failed', ''),
        turn(5, 'done'),
        turn(6, 'generating', 'still wri'),
      ]),
    ).toEqual([
      { role: 'user', content: 'question 1' },
      { role: 'assistant', content: 'answer 1' },
      { role: 'user', content: 'question 5' },
      { role: 'assistant', content: 'answer 5' },
    ]);
  });
});
