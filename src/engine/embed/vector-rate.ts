// How fast vectors are being added in the background (ingest and back-fill), and how long the passages still waiting
// will take at that pace. Fed with the embedder's measured calls; plain functions over samples, so the numbers are
// easy to test and never read the clock themselves.

/** One embedPassages call: when it started and ended (ms, monotonic) and how many passages it embedded. */
export interface EmbedSample {
  start: number;
  end: number;
  passages: number;
}

export interface VectorRate {
  /** Passages embedded per second over the recent window (gaps between calls included: the pace vectors arrive). */
  passagesPerSecond: number;
  /** Seconds until `pending` passages have vectors at that pace. */
  secondsLeft: number;
}

/** Only calls this recent describe the current pace (a model switch or a pause changes it). */
export const RATE_WINDOW_MS = 30_000;
/** Samples kept at most (a long run of tiny calls must not grow the list without bound). */
const MAX_SAMPLES = 256;

/** Adds a sample and drops the ones that ended more than `windowMs` before it. */
export function addEmbedSample(
  samples: readonly EmbedSample[],
  sample: EmbedSample,
  windowMs = RATE_WINDOW_MS,
): EmbedSample[] {
  const kept = samples.filter((s) => sample.end - s.end <= windowMs);
  kept.push(sample);
  return kept.length > MAX_SAMPLES ? kept.slice(kept.length - MAX_SAMPLES) : kept;
}

/**
 * The pace over the samples still in the window at `now`, and the time `pending` passages will take at it.
 * Undefined when nothing is waiting, when no call ended within the window (embedding is not running), or when the
 * samples span no time.
 */
export function vectorRate(
  samples: readonly EmbedSample[],
  pending: number,
  now: number,
  windowMs = RATE_WINDOW_MS,
): VectorRate | undefined {
  if (pending <= 0) return undefined;
  const recent = samples.filter((s) => now - s.end <= windowMs);
  if (recent.length === 0) return undefined;
  const passages = recent.reduce((sum, s) => sum + s.passages, 0);
  const first = Math.min(...recent.map((s) => s.start));
  const last = Math.max(...recent.map((s) => s.end));
  const seconds = (last - first) / 1000;
  if (passages <= 0 || !(seconds > 0)) return undefined;
  const passagesPerSecond = passages / seconds;
  return { passagesPerSecond, secondsLeft: pending / passagesPerSecond };
}
