import { describe, expect, it } from 'vitest';
import { showsAnswer } from './useSearch.ts';

describe('showsAnswer', () => {
  const question = '["river","keyword","","{}","null"]';

  it('shows the newest request’s answer whatever was shown before', () => {
    expect(showsAnswer({ id: 5, asked: question }, { newest: 5, shown: 7, question })).toBe(true);
  });

  it('shows an earlier answer to the same question while the newest (asked again after a model change) runs', () => {
    expect(showsAnswer({ id: 3, asked: question }, { newest: 5, shown: 0, question })).toBe(true);
  });

  it('keeps a newer answer when an older one to the same question arrives late', () => {
    expect(showsAnswer({ id: 3, asked: question }, { newest: 5, shown: 4, question })).toBe(false);
  });

  it('never shows an earlier answer to a different question (the user typed on)', () => {
    expect(showsAnswer({ id: 3, asked: '["rive","keyword","","{}","null"]' }, { newest: 5, shown: 0, question })).toBe(
      false,
    );
  });
});
