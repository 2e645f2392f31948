import { describe, expect, it } from 'vitest';
import { isFollowUp, standaloneQuery } from './standalone-query.ts';

const thread = [
  { role: 'user' as const, content: 'When does the kiln fire?' },
  { role: 'assistant' as const, content: 'At dawn [1].' },
];

describe('standaloneQuery', () => {
  it('is the question itself at the start of a thread', () => {
    expect(standaloneQuery([], '  How hot does it get? ')).toBe('How hot does it get?');
  });

  it('folds a follow-up that points back with the previous question', () => {
    expect(standaloneQuery(thread, 'And how hot does it get?')).toBe(
      'When does the kiln fire? — and how hot does it get?',
    );
    expect(standaloneQuery(thread, 'Why?')).toBe('When does the kiln fire? — why?');
  });

  it('leaves a question that stands alone as it is', () => {
    expect(standaloneQuery(thread, 'Who wrote the pottery handbook in 1921?')).toBe(
      'Who wrote the pottery handbook in 1921?',
    );
  });

  it('detects back-references, continuations and very short questions', () => {
    expect(isFollowUp('What about glazes')).toBe(true);
    expect(isFollowUp('Is that safe for children?')).toBe(true);
    expect(isFollowUp('Since when?')).toBe(true);
    expect(isFollowUp('Which clay bodies survive cone ten firing?')).toBe(false);
  });
});
