// Measures how many passages per second an embedder manages here, and which batch size (passages per model run)
// gives the most. Published runs show the answer differs by machine (WASM beating WebGPU on integrated GPUs, GPUs
// wanting large batches, CPUs flat past ~16), so it is measured rather than assumed. Every probe is bounded in
// time: it stops after its budget, overshooting by at most one model run.
import { isAbort } from '../core/errors.ts';
import { probePassages } from './probe-passages.ts';

/** Embeds texts with `batchSize` passages per model run (undefined: the embedder's default). */
export type ProbeEmbed = (texts: string[], batchSize?: number) => Promise<unknown>;

/** Milliseconds on a monotonic clock (performance.now; tests inject their own). */
export type Clock = () => number;

export interface ProbeBudget {
  /** Milliseconds of timed embedding per measurement (the warm-up is not counted). */
  budgetMs: number;
  now: Clock;
}

/** Batch sizes tried: around the 16 WASM flattens at and the 32 a GPU is usually given. */
export const PROBE_BATCH_SIZES: readonly number[] = Object.freeze([8, 16, 32, 64]);
/** Passages per call while comparing devices: small enough that one call never overshoots a budget by much. */
const DEVICE_PROBE_CALL = 16;
/** Rounds at most per measurement, so a clock that does not advance (coarse timers) cannot loop for long. */
const MAX_ROUNDS = 64;
/** A larger batch must beat a smaller one by this much to be chosen: less waiting per call, finer cancelling. */
export const BATCH_GAIN_NEEDED = 0.05;

/**
 * Lets queued messages run (a search, the page's heartbeat): a WASM run can resolve in microtasks only, so a loop of
 * them would otherwise hold the worker for the whole probe.
 */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Passages per second of `embed` on realistic passages, `perCall` at a time, after one untimed warm-up call
 * (shader compilation, first-run allocation). Yields to other messages between calls, so a search or the page's
 * heartbeat is answered during the probe. Returns 0 when nothing could be timed.
 */
export async function measureRate(
  embed: ProbeEmbed,
  budget: ProbeBudget,
  perCall = DEVICE_PROBE_CALL,
  batchSize?: number,
): Promise<number> {
  const texts = probePassages(perCall);
  await embed(texts, batchSize);
  await yieldToEvents();
  const started = budget.now();
  let done = 0;
  let busy = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const callStarted = budget.now();
    await embed(texts, batchSize);
    busy += budget.now() - callStarted;
    done += texts.length;
    if (budget.now() - started >= budget.budgetMs) break;
    await yieldToEvents();
  }
  // Only the calls count: time spent serving other messages between them is not the embedder's.
  if (busy <= 0) return done > 0 ? Number.POSITIVE_INFINITY : 0;
  return done / (busy / 1000);
}

export interface BatchSizeChoice {
  batchSize: number;
  /** Passages per second by batch size tried. */
  rates: Record<number, number>;
}

/**
 * Tries each batch size (one model run per call) and returns the one with the most passages per second; a larger
 * size must be at least BATCH_GAIN_NEEDED faster than the best smaller one. `budget.budgetMs` is per size; a size
 * whose measurement took more than three budgets (each call about a budget long) ends the probe: larger sizes'
 * calls would take longer still.
 */
export async function chooseBatchSize(
  embed: ProbeEmbed,
  budget: ProbeBudget,
  sizes: readonly number[] = PROBE_BATCH_SIZES,
): Promise<BatchSizeChoice> {
  const rates: Record<number, number> = {};
  let best: { size: number; rate: number } | undefined;
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const started = budget.now();
    let rate: number;
    try {
      rate = await measureRate(embed, budget, size, size);
    } catch (error) {
      // A batch too big for the device (GPU memory): the sizes that worked decide; none worked, the load fails.
      if (!best || isAbort(error)) throw error;
      break;
    }
    rates[size] = rate;
    if (!best || rate > best.rate * (1 + BATCH_GAIN_NEEDED)) best = { size, rate };
    if (budget.now() - started > 3 * budget.budgetMs) break;
  }
  return { batchSize: best?.size ?? sizes[0], rates };
}

/** Which device is faster; a tie keeps WebGPU (it leaves the CPU to the page and the keyword index). */
export function fasterDevice(rates: { webgpu: number; wasm: number }): 'webgpu' | 'wasm' {
  return rates.wasm > rates.webgpu ? 'wasm' : 'webgpu';
}
