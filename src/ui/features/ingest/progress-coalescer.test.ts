import { describe, expect, it } from 'vitest';
import type { IngestProgress } from '../../../engine/api/index.ts';
import { ProgressCoalescer, throttleTrailing, type Clock } from './progress-coalescer.ts';

/** A clock the test moves by hand: timers fire when time passes them. */
function manualClock(): Clock & { advance: (ms: number) => void } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  return {
    now: () => now,
    later(fn, ms) {
      const timer = { at: now + ms, fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = due.at;
        due.live = false;
        timers = timers.filter((t) => t.live);
        due.fn();
      }
      now = end;
    },
  };
}

const event = (jobId: string, stage: IngestProgress['stage'], chunksDone?: number): IngestProgress => ({
  jobId,
  fileName: `${jobId}.txt`,
  stage,
  fraction: stage === 'done' ? 1 : 0.5,
  chunksDone,
});

describe('ProgressCoalescer', () => {
  it('renders a folder of 2,000 files at most four times a second, not once per event', () => {
    const clock = manualClock();
    const deliveries: IngestProgress[][] = [];
    const coalescer = new ProgressCoalescer((u) => deliveries.push(u), clock);
    // 2,000 files over 10 s, three events each.
    for (let i = 0; i < 2_000; i++) {
      coalescer.push(event(`j${i}`, 'parsing'));
      coalescer.push(event(`j${i}`, 'indexing', 3));
      coalescer.push(event(`j${i}`, 'done', 5));
      clock.advance(5);
    }
    clock.advance(1_000);
    expect(deliveries.length).toBeLessThanOrEqual(4 * 11);
    expect(deliveries.length).toBeGreaterThan(1);
  });

  it('never loses the final state of a file, even when a late progress update follows it', () => {
    const clock = manualClock();
    const latest = new Map<string, IngestProgress>();
    const coalescer = new ProgressCoalescer((u) => u.forEach((p) => latest.set(p.jobId, p)), clock);
    for (let i = 0; i < 100; i++) {
      coalescer.push(event(`j${i}`, 'indexing', 1));
      coalescer.push(event(`j${i}`, i % 7 === 0 ? 'failed' : 'done', 2));
      coalescer.push(event(`j${i}`, 'indexing', 1)); // late, from the progress port
    }
    clock.advance(1_000);
    expect(latest.size).toBe(100);
    for (let i = 0; i < 100; i++) expect(latest.get(`j${i}`)!.stage).toBe(i % 7 === 0 ? 'failed' : 'done');
  });

  it('hands on pending updates at once when flushed', () => {
    const clock = manualClock();
    const deliveries: IngestProgress[][] = [];
    const coalescer = new ProgressCoalescer((u) => deliveries.push(u), clock);
    coalescer.push(event('a', 'done'));
    coalescer.flush();
    expect(deliveries).toEqual([[event('a', 'done')]]);
  });
});

describe('throttleTrailing', () => {
  it('merges a burst of library changes into few refreshes and always runs after the last one', () => {
    const clock = manualClock();
    let runs = 0;
    let lastRunAt = -1;
    const changed = throttleTrailing(
      () => {
        runs++;
        lastRunAt = clock.now();
      },
      2_000,
      clock,
    );
    let lastCallAt = 0;
    for (let i = 0; i < 2_000; i++) {
      lastCallAt = clock.now();
      changed();
      clock.advance(5);
    }
    clock.advance(2_000);
    expect(runs).toBeLessThanOrEqual(7);
    expect(lastRunAt).toBeGreaterThanOrEqual(lastCallAt);
  });
});
