import { describe, expect, it } from 'vitest';
import { answerMetrics, answerTokens, parseAnswerSet, tokenF1, type AnswerItem } from './answer-metrics.ts';

describe('answer metrics', () => {
  it('normalises answers SQuAD-style and ignores citation marks', () => {
    expect(answerTokens('The kiln fires at Dawn [1][2].')).toEqual(['kiln', 'fires', 'at', 'dawn']);
    expect(tokenF1('The kiln fires at dawn [1].', 'kiln fires at dawn')).toBe(1);
    expect(tokenF1('at dawn', 'the kiln fires at dawn')).toBeCloseTo((2 * 1 * 0.5) / 1.5);
    expect(tokenF1('noon', 'dawn')).toBe(0);
  });

  it('scores citations against the relevant passages, F1 and no-answer accuracy', () => {
    const items: AnswerItem[] = [
      { id: 'a', question: 'q', relevant: ['p1', 'p2', 'p4'], answer: 'kiln fires at dawn' },
      { id: 'b', question: 'q', relevant: ['p3'], answer: 'cone six' },
      { id: 'c', question: 'q', relevant: [], answer: null },
      { id: 'd', question: 'q', relevant: [], answer: null },
    ];
    const metrics = answerMetrics(
      items,
      new Map([
        ['a', { answer: 'The kiln fires at dawn [1].', cited: ['p1', 'p9'] }],
        ['b', { answer: null, cited: [] }],
        ['c', { answer: null, cited: [] }],
        ['d', { answer: 'Something invented.', cited: [] }],
      ]),
    );
    expect(metrics).toMatchObject({ questions: 4, answerable: 2, unanswerable: 2 });
    expect(metrics.citationPrecision).toBe(0.5); // only a answered with citations: 1 of its 2 is relevant
    expect(metrics.citationRecall).toBeCloseTo(1 / 6); // a: 1 of 3 relevant cited, b (declined): 0
    expect(metrics.answerF1).toBe(0.5); // a: 1, b: 0
    expect(metrics.noAnswerAccuracy).toBe(0.5);
    expect(metrics.falseNoAnswer).toBe(0.5);
  });

  it('needs a prediction for every question', () => {
    expect(() => answerMetrics([{ id: 'x', question: 'q', relevant: [], answer: null }], new Map())).toThrow(/x/);
  });

  it('parses answers.jsonl and rejects malformed lines with their line number', () => {
    const items = parseAnswerSet(
      '{"question":"When?","relevant":["p1",2],"answer":"dawn"}\n\n{"id":"u","question":"Why?","relevant":[],"answer":null}\n',
    );
    expect(items).toEqual([
      { id: 'a1', question: 'When?', relevant: ['p1', '2'], answer: 'dawn' },
      { id: 'u', question: 'Why?', relevant: [], answer: null },
    ]);
    expect(() => parseAnswerSet('{"question":"q","relevant":[]}')).toThrow(/line 1.*answer/);
    expect(() => parseAnswerSet('{"question":"q","relevant":"p1","answer":null}')).toThrow(/relevant/);
    expect(() => parseAnswerSet('not json')).toThrow(/line 1 is not JSON/);
  });
});
