// The embedding device chosen by measured speed. WebGPU being present (and passing its numeric self-check) does not
// make it faster: for small models on integrated GPUs WASM often wins (LocalMode-Bench, bge-small on an AMD iGPU:
// 64 vs 38.9 texts/s; a transformers.js bug report: 9.6×). With the device set to Auto, both are timed on realistic
// passages, the faster is kept, and the batch size is tuned on it. The result is remembered per model, dtype, GPU
// adapter and browser, so the probe runs once, not at every start; a device chosen in Settings is never second-guessed
// (only its batch size is tuned).
import type { EmbedDevice } from '../api/model-spec.ts';
import type { WebGpuChoice } from './device-self-check.ts';
import { chooseBatchSize, fasterDevice, measureRate, type Clock, type ProbeEmbed } from './throughput-probe.ts';

/** What was measured for one model on this device, as remembered. */
export interface DeviceSpeedRecord {
  /** The device the measurement chose (or the one the Settings named). */
  device: EmbedDevice;
  /** Passages per second by device, on the probe's passages with each device's default batch. */
  passagesPerSecond: Partial<Record<EmbedDevice, number>>;
  /** Passages per model run that gave the most passages per second on `device`. */
  batchSize: number;
  /** ms since the epoch. */
  measuredAt: number;
  /** Why `device`, in words for the status (e.g. WASM measured faster), when it is not self-evident. */
  note?: string;
}

/** Where speed records are remembered (the engine keeps them in a store setting). */
export interface DeviceSpeedMemory {
  get(key: string): Promise<DeviceSpeedRecord | undefined>;
  put(key: string, record: DeviceSpeedRecord): Promise<void>;
}

/**
 * The memory key: a record holds only for the same model (repo and revision), dtypes, WASM threads, GPU adapter,
 * browser and requested device. Anything else is measured afresh.
 */
export function deviceSpeedKey(parts: {
  repo: string;
  revision: string;
  /** The dtype each candidate device would run, e.g. "webgpu:fp32,wasm:q8". */
  dtypes: string;
  adapter: string;
  browser: string;
  threads: number;
  requested: string;
}): string {
  const { repo, revision, dtypes, adapter, browser, threads, requested } = parts;
  return `${repo}@${revision}|${dtypes}|${adapter}|${browser}|threads ${threads}|${requested}`;
}

const DEVICES: readonly EmbedDevice[] = ['webgpu', 'wasm', 'cpu'];
/** Bounds on a remembered batch size: what the probe tries, with room (a stored value is never trusted blindly). */
const MAX_BATCH = 256;

/** Reads a stored record field by field; anything malformed counts as not remembered (it is measured again). */
export function parseDeviceSpeedRecord(value: unknown): DeviceSpeedRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!DEVICES.includes(v.device as EmbedDevice)) return undefined;
  if (!Number.isInteger(v.batchSize) || (v.batchSize as number) < 1 || (v.batchSize as number) > MAX_BATCH)
    return undefined;
  if (typeof v.measuredAt !== 'number' || !Number.isFinite(v.measuredAt)) return undefined;
  if (typeof v.passagesPerSecond !== 'object' || v.passagesPerSecond === null) return undefined;
  const rates: Partial<Record<EmbedDevice, number>> = {};
  for (const [device, rate] of Object.entries(v.passagesPerSecond as Record<string, unknown>)) {
    if (!DEVICES.includes(device as EmbedDevice)) return undefined;
    if (typeof rate !== 'number' || !(rate >= 0)) return undefined; // Infinity allowed: too fast for the clock
    rates[device as EmbedDevice] = rate;
  }
  const record: DeviceSpeedRecord = {
    device: v.device as EmbedDevice,
    passagesPerSecond: rates,
    batchSize: v.batchSize as number,
    measuredAt: v.measuredAt,
  };
  if (v.note !== undefined) {
    if (typeof v.note !== 'string' || v.note.length > 500) return undefined;
    record.note = v.note;
  }
  return record;
}

/**
 * Whether devices are timed against each other: only with Auto where WebGPU is present (the first device tried).
 * A device named in Settings wins without being timed against another; without an adapter there is nothing to choose.
 */
export function measuresDevices(requested: 'auto' | EmbedDevice, first: EmbedDevice): boolean {
  return requested === 'auto' && first === 'webgpu';
}

/** What the speed choice needs of an embedder. */
export interface ProbeableEmbedder {
  readonly device: EmbedDevice;
  preferredBatchSize?: number;
  embedPassages(texts: string[], options?: { batchSize?: number }): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface SpeedChoice<E> {
  embedder: E;
  /** The record in force: measured now, or remembered (`remembered` true). */
  speed: DeviceSpeedRecord;
  remembered: boolean;
  /** From the WebGPU path: the self-check verdict and why WebGPU was not used or is unverified. */
  webgpu?: Omit<WebGpuChoice<E>, 'embedder' | 'reference'>;
}

export interface SpeedChoiceOptions<E extends ProbeableEmbedder> {
  key: string;
  memory?: DeviceSpeedMemory;
  /**
   * Auto with a WebGPU adapter: loads WebGPU and trusts it only after its numeric self-check (webGpuOrWasm), which
   * may hand back its WASM reference. Absent: there is no choice of device (no adapter, a device set in Settings,
   * Node), and `single` loads the one device.
   */
  webgpu?: () => Promise<WebGpuChoice<E>>;
  /** Loads WASM at the dtype it would run with, reusing the self-check's reference when it has that dtype. */
  wasm: (reference?: E) => Promise<E>;
  /** Loads the one device when there is no choice. */
  single: () => Promise<E>;
  /** Timed embedding per measurement, ms (two devices plus four batch sizes: about six budgets in all). */
  budgetMs: number;
  now: Clock;
  /** ms since the epoch, for measuredAt. */
  clock?: () => number;
  isAbort: (error: unknown) => boolean;
}

/**
 * Loads the embedder to use: the remembered choice when there is one for this key, else the measured faster of
 * trusted WebGPU and WASM, with the batch size measured on it. Errors of the final load propagate; a WASM rival that
 * fails to load leaves WebGPU in use (its rate is simply not known). The record is written without waiting.
 */
export async function chooseBySpeed<E extends ProbeableEmbedder>(
  options: SpeedChoiceOptions<E>,
): Promise<SpeedChoice<E>> {
  const { memory, key } = options;
  const budget = { budgetMs: options.budgetMs, now: options.now };
  const remembered = await memory?.get(key).catch(() => undefined);
  const measuredAt = () => (options.clock ?? Date.now)();
  const probe =
    (embedder: E): ProbeEmbed =>
    (texts, batchSize) =>
      embedder.embedPassages(texts, batchSize === undefined ? {} : { batchSize });
  const tuned = async (
    embedder: E,
    rates: Partial<Record<EmbedDevice, number>>,
    note?: string,
  ): Promise<SpeedChoice<E>> => {
    let { batchSize } = await chooseBatchSize(probe(embedder), budget).catch(async (error: unknown) => {
      await embedder.dispose().catch(() => undefined);
      throw error;
    });
    batchSize = Math.min(batchSize, MAX_BATCH);
    embedder.preferredBatchSize = batchSize;
    const speed: DeviceSpeedRecord = {
      device: embedder.device,
      passagesPerSecond: rates,
      batchSize,
      measuredAt: measuredAt(),
    };
    if (note) speed.note = note;
    // Not awaited: the engine writes it through its work queue, which a long ingest may hold.
    void memory?.put(key, speed).catch(() => undefined);
    return { embedder, speed, remembered: false };
  };
  const reuse = (embedder: E, speed: DeviceSpeedRecord): SpeedChoice<E> => {
    embedder.preferredBatchSize = speed.batchSize;
    return { embedder, speed, remembered: true };
  };

  if (!options.webgpu) {
    const embedder = await options.single();
    if (remembered && remembered.device === embedder.device) return reuse(embedder, remembered);
    return tuned(embedder, {});
  }
  if (remembered?.device === 'wasm') return reuse(await options.wasm(), remembered);

  const choice = await options.webgpu();
  const { embedder: first, reference, ...webgpu } = choice;
  if (choice.device !== 'webgpu') {
    // WebGPU failed to load or its vectors disagree: WASM is the only candidate (the self-check remembers why).
    if (remembered && remembered.device === first.device) return { ...reuse(first, remembered), webgpu };
    return { ...(await tuned(first, {}, choice.note)), webgpu };
  }
  if (remembered?.device === 'webgpu') {
    await reference?.dispose().catch(() => undefined);
    return { ...reuse(first, remembered), webgpu };
  }

  let rival: E;
  try {
    rival = await options.wasm(reference);
  } catch (error) {
    if (options.isAbort(error)) {
      await first.dispose().catch(() => undefined);
      throw error;
    }
    return { ...(await tuned(first, {})), webgpu };
  }
  let rates: { webgpu: number; wasm: number };
  try {
    rates = { webgpu: await measureRate(probe(first), budget), wasm: await measureRate(probe(rival), budget) };
  } catch (error) {
    await Promise.all([first.dispose(), rival.dispose()].map((p) => p.catch(() => undefined)));
    throw error;
  }
  const winner = fasterDevice(rates);
  await (winner === 'wasm' ? first : rival).dispose().catch(() => undefined);
  if (winner === 'webgpu') return { ...(await tuned(first, rates)), webgpu };
  const note = `WASM measured faster than WebGPU here (${formatRate(rates.wasm)} vs ${formatRate(rates.webgpu)} passages/s)`;
  // No verdict passed on: "WebGPU verified" next to a model running on WASM would mislead.
  return { ...(await tuned(rival, rates, note)), webgpu: { device: 'wasm' } };
}

/** "64", "38.9", "0.42": enough digits to compare, no more. */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return 'too fast to time';
  return rate >= 100 ? String(Math.round(rate)) : rate >= 10 ? rate.toFixed(1) : rate.toPrecision(2);
}
