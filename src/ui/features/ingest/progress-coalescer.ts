// Progress arrives per passage batch and per file: thousands of events for a folder. Rendering each one would keep
// the page busy re-drawing instead of answering searches, so events are merged per job and handed on at most once
// per interval. A job's final state is never merged away: once a job has finished, its first final state stands
// (progress and the final answer travel on different ports, so a late progress update can arrive after it).
import type { IngestProgress, IngestStage } from '../../../engine/api/index.ts';

/** At most four renders a second. */
export const PROGRESS_INTERVAL_MS = 250;

const FINAL: ReadonlySet<IngestStage> = new Set(['done', 'failed', 'cancelled', 'skipped']);

/** A later update for the same job merged into an earlier one, unless the earlier one is final. */
export function mergeProgress(current: IngestProgress, next: IngestProgress): IngestProgress {
  if (FINAL.has(current.stage)) return current;
  return { ...current, ...next };
}

export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; returns a cancel function. */
  later(fn: () => void, ms: number): () => void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  later: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export class ProgressCoalescer {
  private pending = new Map<string, IngestProgress>();
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly deliver: (updates: IngestProgress[]) => void,
    private readonly clock: Clock = realClock,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {}

  push(progress: IngestProgress): void {
    const current = this.pending.get(progress.jobId);
    this.pending.set(progress.jobId, current ? mergeProgress(current, progress) : progress);
    if (this.cancelTimer) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs - this.clock.now());
    this.cancelTimer = this.clock.later(() => this.flush(), wait);
  }

  /** Hands on what is pending now (the page is going away, or a caller needs the latest state). */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.pending.size === 0) return;
    const updates = [...this.pending.values()];
    this.pending = new Map();
    this.lastFlushAt = this.clock.now();
    this.deliver(updates);
  }

  dispose(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.pending = new Map();
  }
}

/**
 * Calls `fn` at most once per `intervalMs`, trailing: calls in between are merged into one at the end of the
 * interval, so the last call is never lost.
 */
export function throttleTrailing(fn: () => void, intervalMs: number, clock: Clock = realClock): () => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  let scheduled = false;
  const run = () => {
    scheduled = false;
    lastAt = clock.now();
    fn();
  };
  return () => {
    if (scheduled) return;
    scheduled = true;
    clock.later(run, Math.max(0, lastAt + intervalMs - clock.now()));
  };
}

/** A throttled call whose target can change (a React callback replaced on re-render) without losing its timing. */
export class ThrottledCall {
  private fn: () => void = () => undefined;
  /** Calls the latest target, throttled (see throttleTrailing). */
  readonly call: () => void;

  constructor(intervalMs: number, clock: Clock = realClock) {
    this.call = throttleTrailing(() => this.fn(), intervalMs, clock);
  }

  target(fn: () => void): void {
    this.fn = fn;
  }
}
