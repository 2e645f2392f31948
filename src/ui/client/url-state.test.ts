import { describe, expect, it } from 'vitest';
import { readSearchState, sameSearchState, writeSearchState } from './url-state.ts';

describe('url search state', () => {
  it('round-trips query, mode and document filter', () => {
    const state = { query: 'chain oil & grease?', mode: 'keyword' as const, documentIds: [3, 7] };
    const search = writeSearchState('', state);
    expect(readSearchState(search)).toEqual(state);
  });

  it('keeps tester parameters and drops defaults', () => {
    const search = writeSearchState('?model=glove-50d-static&remote=0&q=old&mode=keyword', {
      query: '',
      mode: 'hybrid',
      documentIds: [],
    });
    expect(search).toBe('?model=glove-50d-static&remote=0');
  });

  it('ignores a bad mode and bad document ids', () => {
    expect(readSearchState('?q=x&mode=evil&docs=1,abc,-2,1.5,4,4')).toEqual({
      query: 'x',
      mode: 'hybrid',
      documentIds: [1, 4],
    });
  });

  it('an empty address means an empty search', () => {
    expect(readSearchState('')).toEqual({ query: '', mode: 'hybrid', documentIds: [] });
  });

  it('compares states by value', () => {
    const a = { query: 'q', mode: 'hybrid' as const, documentIds: [1, 2] };
    expect(sameSearchState(a, { ...a, documentIds: [1, 2] })).toBe(true);
    expect(sameSearchState(a, { ...a, documentIds: [2, 1] })).toBe(false);
    expect(sameSearchState(a, { ...a, mode: 'semantic' })).toBe(false);
  });
});
