// How long a background re-embed has left, from how fast the pending count has been falling. Plain functions over
// samples (time, passages still to embed), so the estimate is easy to test and never depends on the clock itself.

export interface PendingSample {
  /** Milliseconds (any monotonic clock). */
  at: number;
  pending: number;
}

/** Samples older than this (relative to the newest) are dropped: the rate follows the recent speed. */
export const ETA_WINDOW_MS = 60_000;

/**
 * Adds a sample and returns the samples to keep. A rise in pending (new passages, or a restarted switch) starts
 * the estimate afresh, since the earlier rate no longer describes this work.
 */
export function addSample(
  samples: readonly PendingSample[],
  sample: PendingSample,
  windowMs = ETA_WINDOW_MS,
): PendingSample[] {
  const last = samples.at(-1);
  if (last && (sample.pending > last.pending || sample.at < last.at)) return [sample];
  const kept = samples.filter((s) => sample.at - s.at <= windowMs);
  // Keep at least the oldest sample in the window plus the new one, so a slow batch still gives a rate.
  if (kept.length === 0 && last) kept.push(last);
  return [...kept, sample];
}

/** Passages per second over the kept samples, or undefined until two samples show progress. */
export function reembedRate(samples: readonly PendingSample[]): number | undefined {
  if (samples.length < 2) return undefined;
  const first = samples[0];
  const last = samples[samples.length - 1];
  const done = first.pending - last.pending;
  const seconds = (last.at - first.at) / 1000;
  if (done <= 0 || seconds <= 0) return undefined;
  return done / seconds;
}

/** Seconds left at the measured rate, or undefined while it cannot be estimated. */
export function reembedEtaSeconds(samples: readonly PendingSample[], now?: number): number | undefined {
  const rate = reembedRate(samples);
  const last = samples.at(-1);
  if (rate === undefined || !last) return undefined;
  if (last.pending === 0) return 0;
  // Time already spent since the last sample counts against the estimate (but it never goes below zero).
  const elapsed = now === undefined ? 0 : Math.max(0, (now - last.at) / 1000);
  return Math.max(0, last.pending / rate - elapsed);
}

/** "about 3 min left", "less than a minute left", "about 1 h 20 min left". */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'estimating time left…';
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest > 0 ? ` ${rest} min` : ''} left`;
}
