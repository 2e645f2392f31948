// The pace of vectors added in the background and the time left, from samples of embed calls.
import { describe, expect, it } from 'vitest';
import { RATE_WINDOW_MS, addEmbedSample, vectorRate, type EmbedSample } from './vector-rate.ts';

describe('vector pace and time left', () => {
  it('counts passages over the span of the recent calls, gaps between calls included', () => {
    // 32 passages in each of three calls, one second apart (0.5 s embedding, 0.5 s storing).
    let samples: EmbedSample[] = [];
    for (let i = 0; i < 3; i++)
      samples = addEmbedSample(samples, { start: i * 1000, end: i * 1000 + 500, passages: 32 });
    const rate = vectorRate(samples, 640, 2_500);
    expect(rate?.passagesPerSecond).toBeCloseTo(96 / 2.5, 6);
    expect(rate?.secondsLeft).toBeCloseTo(640 / (96 / 2.5), 6);
  });

  it('says nothing when no passage is waiting, or embedding stopped a while ago', () => {
    const samples = addEmbedSample([], { start: 0, end: 1000, passages: 32 });
    expect(vectorRate(samples, 0, 1000)).toBeUndefined();
    expect(vectorRate(samples, 100, 1000 + RATE_WINDOW_MS + 1)).toBeUndefined();
    expect(vectorRate([], 100, 0)).toBeUndefined();
  });

  it('follows the recent pace: calls older than the window are dropped', () => {
    let samples = addEmbedSample([], { start: 0, end: 1000, passages: 1000 }); // a fast burst long ago
    samples = addEmbedSample(samples, { start: 60_000, end: 61_000, passages: 10 });
    expect(samples).toHaveLength(1);
    expect(vectorRate(samples, 50, 61_000)).toEqual({ passagesPerSecond: 10, secondsLeft: 5 });
  });

  it('keeps a bounded number of samples', () => {
    let samples: EmbedSample[] = [];
    for (let i = 0; i < 1000; i++) samples = addEmbedSample(samples, { start: i, end: i + 1, passages: 1 });
    expect(samples.length).toBeLessThanOrEqual(256);
  });
});
