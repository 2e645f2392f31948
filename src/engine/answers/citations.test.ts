import { describe, expect, it } from 'vitest';
import { checkCitations } from './citations.ts';

describe('checkCitations', () => {
  it('keeps citations that name a passage in the context and lists them once, ascending', () => {
    const checked = checkCitations('Kilns fire at dawn [2]. They cool by noon [1][2].', 3);
    expect(checked.citations).toEqual([1, 2]);
    expect(checked.droppedCitations).toBe(0);
    expect(checked.sentences.map((s) => s.citations)).toEqual([[2], [1, 2]]);
    expect(checked.grounded).toBe(true);
  });

  it('drops and counts citations beyond the context, keeping the valid ones of a group', () => {
    const checked = checkCitations(
      'The first passage covers this [1]. A seventh source adds detail [7]. See [2, 9].',
      2,
    );
    expect(checked.text).toBe('The first passage covers this [1]. A seventh source adds detail. See [2].');
    expect(checked.droppedCitations).toBe(2);
    expect(checked.citations).toEqual([1, 2]);
  });

  it('marks sentences without a valid citation', () => {
    const checked = checkCitations('Cited here [1]. This sentence cites nothing. Invented [4].', 1);
    expect(checked.sentences.map((s) => [s.text, s.cited])).toEqual([
      ['Cited here [1].', true],
      ['This sentence cites nothing.', false],
      ['Invented.', false],
    ]);
  });

  it('treats citation zero as out of the context', () => {
    expect(checkCitations('Zero [0].', 3).droppedCitations).toBe(1);
  });

  it('recognises the model saying the documents do not hold the answer as not grounded', () => {
    expect(checkCitations('I cannot find this in the documents.', 3).grounded).toBe(false);
    expect(checkCitations('The passages do not mention the price.', 3).grounded).toBe(false);
    expect(checkCitations('', 3).grounded).toBe(false);
    // Saying something is missing while citing a passage is an answer.
    expect(checkCitations('The report does not mention a date [1].', 3).grounded).toBe(true);
  });
});
