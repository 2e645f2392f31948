import { describe, expect, it } from 'vitest';
import { progressUntilSettled } from './settled-progress.ts';

describe('progressUntilSettled', () => {
  it('bug guard: a progress report arriving after the result no longer turns a finished measure back to running', () => {
    const states: string[] = [];
    const progress = progressUntilSettled((n: number) => states.push(`running ${n}`));
    progress.onProgress(1);
    progress.onProgress(3);
    progress.settle();
    states.push('done');
    progress.onProgress(3); // the last report, delivered late on its own port
    expect(states).toEqual(['running 1', 'running 3', 'done']);
  });
});
