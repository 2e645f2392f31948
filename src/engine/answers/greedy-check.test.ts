import { describe, expect, it } from 'vitest';
import { compareGreedyTokens } from './greedy-check.ts';

describe('compareGreedyTokens', () => {
  it('passes when every prompt agrees on its first tokens, even if a later greedy tie flips', () => {
    const ref = [
      [1, 2, 3, 4, 5, 6, 7],
      [9, 8, 7, 6, 5, 4, 3],
    ];
    const gpu = [
      [1, 2, 3, 4, 5, 6, 99],
      [9, 8, 7, 6, 5, 4, 3],
    ];
    expect(compareGreedyTokens(gpu, ref)).toMatchObject({ passed: true, agreed: 2 });
  });

  it('fails when a prompt differs early, naming it', () => {
    const result = compareGreedyTokens([[1, 2, 9], [5]], [[1, 2, 3], [5]], 3);
    expect(result.passed).toBe(false);
    expect(result.reason).toMatch(/prompt 1/);
  });

  it('fails when WebGPU answered fewer prompts or shorter rows', () => {
    expect(compareGreedyTokens([[1, 2, 3]], [[1, 2, 3], [4]], 3).passed).toBe(false);
    expect(compareGreedyTokens([[1]], [[1, 2, 3]], 3).passed).toBe(false);
  });
});
