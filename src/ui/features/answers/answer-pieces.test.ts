import { describe, expect, it } from 'vitest';
import { answerPieces } from './answer-pieces.ts';

describe('answerPieces', () => {
  it('turns marks that name a passage into citations and keeps the text around them', () => {
    expect(answerPieces('Rye needs a warm starter [1]. It rises slowly [2].', 2)).toEqual([
      { kind: 'text', text: 'Rye needs a warm starter ' },
      { kind: 'citation', n: 1 },
      { kind: 'text', text: '. It rises slowly ' },
      { kind: 'citation', n: 2 },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves out marks to passages that are not in the context', () => {
    expect(answerPieces('Chains need oil [7].', 3)).toEqual([{ kind: 'text', text: 'Chains need oil.' }]);
    expect(answerPieces('Zero is no passage [0].', 3)).toEqual([{ kind: 'text', text: 'Zero is no passage.' }]);
  });

  it('splits grouped marks into one citation per number', () => {
    expect(answerPieces('Both say so [1, 3][2].', 3)).toEqual([
      { kind: 'text', text: 'Both say so ' },
      { kind: 'citation', n: 1 },
      { kind: 'citation', n: 3 },
      { kind: 'citation', n: 2 },
      { kind: 'text', text: '.' },
    ]);
  });

  it('keeps markup in the text as text (the panel renders it as a text node)', () => {
    expect(answerPieces('<img src=x onerror=alert(1)> [1]', 1)).toEqual([
      { kind: 'text', text: '<img src=x onerror=alert(1)> ' },
      { kind: 'citation', n: 1 },
    ]);
  });
});
