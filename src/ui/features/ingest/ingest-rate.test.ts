import { describe, expect, it } from 'vitest';
import { formatDuration, IngestMeter, MIN_ELAPSED_MS, WINDOW_MS, type MeterEvent } from './ingest-rate.ts';

const ev = (
  jobId: string,
  stage: MeterEvent['stage'],
  chunksDone?: number,
  chunksTotal?: number,
  extra: Partial<MeterEvent> = {},
): MeterEvent => ({
  jobId,
  fileName: `${jobId}.txt`,
  stage,
  chunksDone,
  chunksTotal,
  ...extra,
});

/** A job embedding `total` passages at `perSecond`, one event per `stepMs`, from `start`. */
function steady(
  meter: IngestMeter,
  jobId: string,
  total: number,
  perSecond: number,
  start: number,
  stepMs = 250,
): number {
  meter.observe(ev(jobId, 'queued'), start);
  meter.observe(ev(jobId, 'embedding', 0, total), start);
  let t = start;
  for (let done = 0; done < total;) {
    t += stepMs;
    done = Math.min(total, done + (perSecond * stepMs) / 1000);
    meter.observe(ev(jobId, 'embedding', done, total), t);
  }
  return t;
}

describe('IngestMeter rate', () => {
  it('says nothing until work has run a while, then measures a steady rate', () => {
    const meter = new IngestMeter();
    meter.observe(ev('a', 'queued'), 0);
    expect(meter.rate(0)).toBeUndefined();
    meter.observe(ev('a', 'embedding', 0, 1000), 0);
    meter.observe(ev('a', 'embedding', 20, 1000), 500);
    expect(meter.rate(500)).toBeUndefined(); // under MIN_ELAPSED_MS
    const end = steady(meter, 'b', 400, 40, 0); // a second job at 40/s alongside
    expect(end).toBeGreaterThan(MIN_ELAPSED_MS);
    expect(meter.rate(end)).toBeGreaterThan(35);
  });

  it('measures 20 passages/s for a steady job, whatever the event cadence', () => {
    for (const step of [100, 250, 1000]) {
      const meter = new IngestMeter();
      const t = steadyUntil(meter, 20, step, 30_000);
      expect(meter.rate(t)).toBeCloseTo(20, 0);
    }
  });

  it('averages bursts of 32 passages over the window instead of jumping', () => {
    const meter = new IngestMeter();
    meter.observe(ev('a', 'embedding', 0, 10_000), 0);
    // A batch of 32 lands every 2 s: 16 passages/s on average.
    let t = 0;
    const rates: number[] = [];
    for (let done = 32; done <= 32 * 20; done += 32) {
      t += 2_000;
      meter.observe(ev('a', 'embedding', done, 10_000), t);
      rates.push(meter.rate(t)!, meter.rate(t + 1_999)!);
    }
    const late = rates.slice(10);
    for (const r of late) expect(r).toBeGreaterThan(12);
    for (const r of late) expect(r).toBeLessThan(20);
  });

  it('falls to zero when progress stalls, and the time remaining is unknown then', () => {
    const meter = new IngestMeter();
    const sizes = new Map([['a', 1000]]);
    const end = steadyUntil(meter, 50, 250, 6_000);
    expect(meter.rate(end)).toBeCloseTo(50, 0);
    expect(meter.remainingSeconds(end, sizes)).toBeGreaterThan(0);
    expect(meter.rate(end + WINDOW_MS / 2)).toBeLessThan(30);
    expect(meter.rate(end + WINDOW_MS + 1)).toBe(0);
    expect(meter.remainingSeconds(end + WINDOW_MS + 1, sizes)).toBeUndefined();
  });

  it('does not count passages restored from storage on resume as work done now', () => {
    const meter = new IngestMeter();
    meter.observe(ev('r', 'queued', undefined, undefined, { resumed: true }), 0);
    meter.observe(ev('r', 'embedding', 900, 1000, { resumed: true }), 100); // 900 were stored before the reload
    meter.observe(ev('r', 'embedding', 932, 1000, { resumed: true }), 2_100);
    expect(meter.embedded).toBe(32);
    expect(meter.rate(2_100)).toBeCloseTo(16, 5);
  });

  it('resets when a new batch starts after the last one finished', () => {
    const meter = new IngestMeter();
    const end = steady(meter, 'a', 100, 100, 0);
    expect(meter.observe(ev('a', 'done', 100, 100), end)).toBe(true);
    expect(meter.active).toBe(false);
    expect(meter.embedded).toBe(100);
    meter.observe(ev('b', 'queued'), end + 60_000);
    expect(meter.embedded).toBe(0);
    expect(meter.rate(end + 60_000)).toBeUndefined();
    expect(meter.files).toEqual({ done: 0, total: 1 });
  });

  it('keeps one batch while jobs overlap, and ignores late updates of finished jobs', () => {
    const meter = new IngestMeter();
    meter.observe(ev('a', 'queued'), 0);
    meter.observe(ev('b', 'queued'), 0);
    meter.observe(ev('a', 'done', 10, 10), 1_000);
    meter.observe(ev('a', 'embedding', 5, 10), 1_100); // late
    expect(meter.files).toEqual({ done: 1, total: 2 });
    meter.observe(ev('c', 'queued'), 1_200); // b still runs: same batch
    expect(meter.files).toEqual({ done: 1, total: 3 });
  });
});

describe('IngestMeter remaining time', () => {
  it('counts known passages and estimates the rest from bytes', () => {
    const meter = new IngestMeter();
    const sizes = new Map([
      ['a', 10_000],
      ['b', 20_000],
    ]);
    meter.observe(ev('a', 'embedding', 0, 100), 0);
    meter.observe(ev('b', 'queued'), 0);
    // a: 100 passages in 10 KB, so b (20 KB) ≈ 200.
    expect(meter.remainingPassages(sizes)).toBe(300);
    meter.observe(ev('a', 'embedding', 50, 100), 2_000);
    expect(meter.remainingPassages(sizes)).toBe(250);
    expect(meter.remainingSeconds(2_000, sizes)).toBeCloseTo(250 / 25, 5);
  });

  it('is unknown while no file size and passage count can be related', () => {
    const meter = new IngestMeter();
    meter.observe(ev('a', 'parsing'), 0);
    expect(meter.remainingPassages(new Map([['a', 5_000]]))).toBeUndefined();
  });
});

describe('IngestMeter summary', () => {
  it('lists added, refused and failed files with reasons, duration and passages/s', () => {
    const meter = new IngestMeter();
    meter.observe(ev('a', 'queued'), 0);
    meter.observe(ev('b', 'queued'), 0);
    meter.observe(ev('c', 'queued'), 0);
    meter.observe(ev('a', 'embedding', 0, 40), 1_000);
    meter.observe(ev('a', 'embedding', 40, 40), 3_000);
    meter.observe(ev('a', 'done', 40, 40), 3_000);
    meter.observe(
      ev('b', 'failed', undefined, undefined, { error: { code: 'PARSE_FAILED', message: 'b.txt is binary.' } }),
      3_500,
    );
    const ended = meter.observe(
      ev('c', 'skipped', undefined, undefined, { note: 'Already in the library as “a.txt”.' }),
      4_000,
    );
    expect(ended).toBe(true);
    const summary = meter.summary(99_999);
    expect(summary).toMatchObject({ files: 3, added: 1, passages: 40, cancelled: 0, durationMs: 4_000 });
    expect(summary.failed).toEqual([{ fileName: 'b.txt', reason: 'b.txt is binary.' }]);
    expect(summary.skipped).toEqual([{ fileName: 'c.txt', reason: 'Already in the library as “a.txt”.' }]);
    expect(summary.passagesPerSecond).toBeCloseTo(40 / 3, 5);
  });
});

describe('words', () => {
  it('formats durations for a glance', () => {
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3 min');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
  });
});

/** One job at `perSecond` from t=0 until `until`; returns the last event's time. */
function steadyUntil(meter: IngestMeter, perSecond: number, stepMs: number, until: number): number {
  meter.observe(ev('a', 'embedding', 0, 1_000_000), 0);
  let t = 0;
  while (t + stepMs <= until) {
    t += stepMs;
    meter.observe(ev('a', 'embedding', Math.floor((perSecond * t) / 1000), 1_000_000), t);
  }
  return t;
}
