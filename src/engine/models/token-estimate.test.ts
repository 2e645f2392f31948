import { describe, expect, it } from 'vitest';
import { estimateTokens } from './token-estimate.ts';

describe('estimateTokens', () => {
  it('counts words and punctuation marks', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('   \n\t ')).toBe(0);
    expect(estimateTokens('The cat sat.')).toBe(4);
    expect(estimateTokens("Don't stop!")).toBe(5); // don ' t stop !
  });

  it('charges long words and numbers as several pieces', () => {
    expect(estimateTokens('cat')).toBe(1);
    expect(estimateTokens('immunohistochemistry')).toBeGreaterThanOrEqual(4);
    expect(estimateTokens('1234567')).toBeGreaterThanOrEqual(3);
  });

  it('counts each CJK character, also inside a Latin word run', () => {
    expect(estimateTokens('東京タワー')).toBe(5);
    expect(estimateTokens('abc東京def')).toBe(4);
  });
});
