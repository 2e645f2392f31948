import { describe, expect, it } from 'vitest';
import { addSample, formatEta, reembedEtaSeconds, reembedRate, type PendingSample } from './reembed-eta.ts';

function feed(points: Array<[number, number]>, windowMs?: number): PendingSample[] {
  let samples: PendingSample[] = [];
  for (const [at, pending] of points) samples = addSample(samples, { at, pending }, windowMs);
  return samples;
}

describe('re-embed ETA', () => {
  it('has no estimate until the pending count has fallen', () => {
    expect(reembedEtaSeconds(feed([[0, 1000]]))).toBeUndefined();
    expect(
      reembedEtaSeconds(
        feed([
          [0, 1000],
          [5_000, 1000],
        ]),
      ),
    ).toBeUndefined();
    expect(formatEta(undefined)).toBe('estimating time left…');
  });

  it('divides what is left by the measured rate', () => {
    const samples = feed([
      [0, 1000],
      [10_000, 900],
      [20_000, 800],
    ]);
    expect(reembedRate(samples)).toBeCloseTo(10);
    expect(reembedEtaSeconds(samples)).toBeCloseTo(80);
    // Time since the last sample is subtracted, never below zero.
    expect(reembedEtaSeconds(samples, 30_000)).toBeCloseTo(70);
    expect(reembedEtaSeconds(samples, 1_000_000)).toBe(0);
  });

  it('follows the recent speed: samples older than the window are dropped', () => {
    // 100 passages/s for a minute, then 10/s: after another minute the estimate uses the slow rate only.
    const points: Array<[number, number]> = [];
    for (let t = 0; t <= 60; t += 10) points.push([t * 1000, 20_000 - t * 100]);
    for (let t = 70; t <= 140; t += 10) points.push([t * 1000, 14_000 - (t - 60) * 10]);
    const samples = feed(points, 60_000);
    expect(reembedRate(samples)).toBeCloseTo(10);
  });

  it('starts afresh when pending rises (passages added, or a new switch)', () => {
    const samples = feed([
      [0, 100],
      [1_000, 50],
      [2_000, 500],
    ]);
    expect(samples).toEqual([{ at: 2_000, pending: 500 }]);
    expect(reembedRate(samples)).toBeUndefined();
  });

  it('says the time in words', () => {
    expect(formatEta(30)).toBe('less than a minute left');
    expect(formatEta(150)).toBe('about 3 min left');
    expect(formatEta(3600 + 20 * 60)).toBe('about 1 h 20 min left');
    expect(formatEta(7200)).toBe('about 2 h left');
  });
});
