// The ingest dashboard's arithmetic, kept pure so it can be tested without a browser: which jobs form the current
// batch, how many passages were embedded, the rate over a moving window of real progress events, the time remaining,
// and the summary once the batch is over. Times are milliseconds from any monotonic clock (performance.now()).
import type { IngestProgress, IngestStage } from '../../../engine/api/index.ts';

/** The rate is measured over the last WINDOW_MS of progress (bursts of a batch of 32 passages average out). */
export const WINDOW_MS = 10_000;
/** No rate is claimed before work has run this long: one early burst says little. */
export const MIN_ELAPSED_MS = 1_500;

const FINAL: ReadonlySet<IngestStage> = new Set(['done', 'failed', 'cancelled', 'skipped']);

/** What the meter reads of a progress event (an IngestProgress is one). */
export type MeterEvent = Pick<
  IngestProgress,
  'jobId' | 'fileName' | 'stage' | 'chunksDone' | 'chunksTotal' | 'error' | 'note' | 'resumed'
>;

interface JobTrack {
  fileName: string;
  stage: IngestStage;
  /** chunksDone when first reported: passages restored from storage on resume are not work done now. */
  baseline?: number;
  done?: number;
  total?: number;
  error?: string;
  note?: string;
}

export interface BatchSummary {
  files: number;
  added: number;
  passages: number;
  /** Not added because they were there already (or another version was). */
  skipped: Array<{ fileName: string; reason: string }>;
  failed: Array<{ fileName: string; reason: string }>;
  cancelled: number;
  durationMs: number;
  /** Passages embedded per second over the whole batch (undefined when none were embedded). */
  passagesPerSecond: number | undefined;
}

/**
 * Follows one batch of ingest jobs: a batch starts when a job starts while none is running (the meter resets then)
 * and ends when every job in it has reached a final stage.
 */
export class IngestMeter {
  private jobs = new Map<string, JobTrack>();
  /** Cumulative passages embedded in this batch, sampled at each progress event that added some. */
  private samples: Array<{ at: number; embedded: number }> = [];
  private embeddedTotal = 0;
  private running = 0;
  /** When the first passage count of the batch arrived (embedding started). */
  private workStartedAt: number | undefined;
  private startedAt: number | undefined;
  private endedAt: number | undefined;
  private lastAt: number | undefined;

  constructor(private readonly windowMs = WINDOW_MS) {}

  /** Forgets the batch: the next job starts a new one. */
  reset(): void {
    this.jobs = new Map();
    this.samples = [];
    this.embeddedTotal = 0;
    this.running = 0;
    this.workStartedAt = undefined;
    this.startedAt = undefined;
    this.endedAt = undefined;
  }

  /** Feeds one progress event; returns true when it ended the batch (every job final). */
  observe(event: MeterEvent, at: number): boolean {
    this.lastAt = Math.max(this.lastAt ?? at, at);
    let job = this.jobs.get(event.jobId);
    if (job && FINAL.has(job.stage)) return false; // a late update of a finished job
    if (!job) {
      if (this.running === 0) {
        // Nothing running: this job starts a new batch (the previous one's numbers no longer apply).
        this.reset();
        this.startedAt = at;
      }
      job = { fileName: event.fileName, stage: event.stage };
      this.jobs.set(event.jobId, job);
      this.running += 1;
    }
    job.stage = event.stage;
    if (event.chunksTotal !== undefined) job.total = event.chunksTotal;
    if (event.note) job.note = event.note;
    if (event.error) job.error = event.error.message;
    if (event.chunksDone !== undefined) {
      if (job.baseline === undefined) {
        job.baseline = event.chunksDone;
        job.done = event.chunksDone;
        this.workStartedAt ??= at;
      } else if (event.chunksDone > (job.done ?? 0)) {
        this.embeddedTotal += event.chunksDone - (job.done ?? 0);
        job.done = event.chunksDone;
        this.samples.push({ at, embedded: this.embeddedTotal });
        this.prune(at);
      }
    }
    if (FINAL.has(event.stage)) {
      this.running -= 1;
      if (this.running === 0) {
        this.endedAt = at;
        return true;
      }
    }
    return false;
  }

  /** Passages embedded in this batch (those restored from storage on resume not counted). */
  get embedded(): number {
    return this.embeddedTotal;
  }

  get active(): boolean {
    return this.running > 0;
  }

  /** Jobs of the batch: how many, and how many have finished (any final stage). */
  get files(): { done: number; total: number } {
    return { done: this.jobs.size - this.running, total: this.jobs.size };
  }

  get batchStartedAt(): number | undefined {
    return this.startedAt;
  }

  /** When the latest event was observed (any batch). */
  get lastObservedAt(): number | undefined {
    return this.lastAt;
  }

  /**
   * Passages per second over the last window ending at `now`; undefined until work has run MIN_ELAPSED_MS and
   * embedded something. A stall lowers it (the window slides over time without progress) down to 0.
   */
  rate(now: number): number | undefined {
    if (this.workStartedAt === undefined || this.embeddedTotal === 0) return undefined;
    const end = this.endedAt ?? now;
    const from = Math.max(this.workStartedAt, end - this.windowMs);
    const elapsed = end - from;
    if (end - this.workStartedAt < MIN_ELAPSED_MS || elapsed <= 0) return undefined;
    return (this.embeddedTotal - this.embeddedAt(from)) / (elapsed / 1000);
  }

  /** Passages still to embed in the running jobs: counted where known, else estimated from file sizes. */
  remainingPassages(sizes: ReadonlyMap<string, number>): number | undefined {
    // Passages per byte, from this batch's jobs whose size and passage count are both known.
    let knownBytes = 0;
    let knownPassages = 0;
    for (const [jobId, job] of this.jobs) {
      const size = sizes.get(jobId) ?? 0;
      if (job.total !== undefined && size > 0) {
        knownBytes += size;
        knownPassages += job.total;
      }
    }
    let remaining = 0;
    for (const [jobId, job] of this.jobs) {
      if (FINAL.has(job.stage)) continue;
      if (job.total !== undefined) {
        remaining += Math.max(0, job.total - (job.done ?? 0));
        continue;
      }
      const size = sizes.get(jobId) ?? 0;
      if (size === 0 || knownBytes === 0) return undefined; // nothing to estimate from yet
      remaining += (size * knownPassages) / knownBytes;
    }
    return remaining;
  }

  /** Seconds left at the current rate; undefined while there is no rate (or nothing to measure the rest by). */
  remainingSeconds(now: number, sizes: ReadonlyMap<string, number>): number | undefined {
    const rate = this.rate(now);
    const remaining = this.remainingPassages(sizes);
    if (rate === undefined || remaining === undefined || rate <= 0) return undefined;
    return remaining / rate;
  }

  /** The batch as a whole: what was added, refused and why, how long it took. */
  summary(now: number): BatchSummary {
    const summary: BatchSummary = {
      files: this.jobs.size,
      added: 0,
      passages: 0,
      skipped: [],
      failed: [],
      cancelled: 0,
      durationMs: Math.max(0, (this.endedAt ?? now) - (this.startedAt ?? now)),
      passagesPerSecond: undefined,
    };
    for (const job of this.jobs.values()) {
      if (job.stage === 'done') {
        summary.added += 1;
        summary.passages += job.total ?? job.done ?? 0;
      } else if (job.stage === 'failed') {
        summary.failed.push({ fileName: job.fileName, reason: job.error ?? 'Unknown error.' });
      } else if (job.stage === 'skipped') {
        summary.skipped.push({ fileName: job.fileName, reason: job.note ?? 'Not added.' });
      } else if (job.stage === 'cancelled') {
        summary.cancelled += 1;
      }
    }
    const workMs = (this.endedAt ?? now) - (this.workStartedAt ?? now);
    if (this.embeddedTotal > 0 && workMs > 0) summary.passagesPerSecond = this.embeddedTotal / (workMs / 1000);
    return summary;
  }

  /** Cumulative count at time t: the last sample at or before t (0 before the first). */
  private embeddedAt(t: number): number {
    let value = 0;
    for (const sample of this.samples) {
      if (sample.at > t) break;
      value = sample.embedded;
    }
    return value;
  }

  /** Keeps the samples inside the window, plus the last one before it (the count at the window's start). */
  private prune(now: number): void {
    const start = now - this.windowMs;
    let drop = 0;
    while (drop + 1 < this.samples.length && this.samples[drop + 1].at <= start) drop += 1;
    if (drop > 0) this.samples.splice(0, drop);
  }
}

/** "about 3 min", "12 s", "1 h 5 min": time remaining in words a glance can read. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "12.5" below 100, else a whole number. */
export function formatRate(rate: number): string {
  return rate < 100 ? rate.toFixed(1) : Math.round(rate).toLocaleString();
}
