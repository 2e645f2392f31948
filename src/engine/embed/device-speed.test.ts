// The device and batch size chosen by measured speed, with timings injected: each fake device advances a fake clock
// by a fixed cost per model run and per passage, so which one is faster is set by the test, not by this machine.
import { describe, expect, it } from 'vitest';
import type { WebGpuChoice } from './device-self-check.ts';
import {
  chooseBySpeed,
  deviceSpeedKey,
  measuresDevices,
  parseDeviceSpeedRecord,
  type DeviceSpeedMemory,
  type DeviceSpeedRecord,
  type SpeedChoiceOptions,
} from './device-speed.ts';

interface Clock {
  t: number;
}

/** A device that costs `runMs` per model run plus `passageMs` per passage, on the shared fake clock. */
class TimedEmbedder {
  disposed = false;
  calls = 0;
  preferredBatchSize?: number;
  constructor(
    readonly device: 'webgpu' | 'wasm' | 'cpu',
    readonly dtype: string,
    private readonly clock: Clock,
    private readonly cost: { runMs: number; passageMs: number; defaultBatch?: number },
  ) {}
  async embedPassages(texts: string[], options: { batchSize?: number } = {}): Promise<Float32Array> {
    this.calls++;
    const batch = options.batchSize ?? this.preferredBatchSize ?? this.cost.defaultBatch ?? 16;
    this.clock.t += Math.ceil(texts.length / batch) * this.cost.runMs + texts.length * this.cost.passageMs;
    return new Float32Array(texts.length * 4);
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

function memory(): DeviceSpeedMemory & { saved: Map<string, DeviceSpeedRecord>; puts: number } {
  const saved = new Map<string, DeviceSpeedRecord>();
  const mem = {
    saved,
    puts: 0,
    get: async (key: string) => saved.get(key),
    put: async (key: string, record: DeviceSpeedRecord) => {
      mem.puts++;
      saved.set(key, record);
    },
  };
  return mem;
}

const KEY = deviceSpeedKey({
  repo: 'org/model',
  revision: 'main',
  dtypes: 'webgpu:fp32,wasm:q8',
  adapter: 'amd integrated',
  browser: 'Chrome 140',
  threads: 4,
  requested: 'auto',
});

/** A machine with WebGPU (trusted by the self-check) and WASM at the given per-passage costs. */
function machine(costs: { webgpuMs: number; wasmMs: number }) {
  const clock: Clock = { t: 0 };
  const loads: string[] = [];
  const made: TimedEmbedder[] = [];
  const make = (device: 'webgpu' | 'wasm', dtype: string, passageMs: number) => {
    const e = new TimedEmbedder(device, dtype, clock, { runMs: 5, passageMs });
    made.push(e);
    loads.push(`${device}/${dtype}`);
    return e;
  };
  const options = (mem: DeviceSpeedMemory, key = KEY): SpeedChoiceOptions<TimedEmbedder> => ({
    key,
    memory: mem,
    webgpu: async (): Promise<WebGpuChoice<TimedEmbedder>> => {
      const gpu = make('webgpu', 'fp32', costs.webgpuMs);
      const reference = make('wasm', 'fp32', costs.wasmMs * 2);
      return {
        embedder: gpu,
        device: 'webgpu',
        verdict: { passed: true, minCosine: 0.999, sentences: 10, checkedAt: 1 },
        reference,
      };
    },
    wasm: async (reference) => {
      await reference?.dispose();
      return make('wasm', 'q8', costs.wasmMs);
    },
    single: async () => make('webgpu', 'fp32', costs.webgpuMs),
    budgetMs: 300,
    now: () => clock.t,
    clock: () => 1_700_000_000_000,
    isAbort: () => false,
  });
  return { clock, loads, made, options };
}

describe('choosing the embedding device by measured speed', () => {
  it('uses WASM when it measures faster, although WebGPU is present and passed its self-check', async () => {
    const mem = memory();
    const m = machine({ webgpuMs: 25, wasmMs: 15 });
    const choice = await chooseBySpeed(m.options(mem));
    expect(choice.embedder.device).toBe('wasm');
    expect(choice.embedder.dtype).toBe('q8'); // timed as it would run: WASM's own dtype, not the reference's
    expect(choice.remembered).toBe(false);
    const rates = choice.speed.passagesPerSecond;
    expect(rates.wasm).toBeGreaterThan(rates.webgpu ?? Infinity);
    expect(choice.speed.note).toMatch(
      /^WASM measured faster than WebGPU here \(\d+(\.\d)? vs \d+(\.\d)? passages\/s\)$/,
    );
    // The loser and the self-check's fp32 reference are released; only the winner stays loaded.
    expect(m.made.filter((e) => !e.disposed)).toEqual([choice.embedder]);
    // The status must not claim "WebGPU verified" for a model that runs on WASM.
    expect(choice.webgpu?.verdict).toBeUndefined();
    expect(mem.saved.get(KEY)).toMatchObject({ device: 'wasm', measuredAt: 1_700_000_000_000 });
  });

  it('keeps WebGPU when it measures faster and releases the WASM rival', async () => {
    const mem = memory();
    const m = machine({ webgpuMs: 4, wasmMs: 15 });
    const choice = await chooseBySpeed(m.options(mem));
    expect(choice.embedder.device).toBe('webgpu');
    expect(choice.webgpu?.verdict?.passed).toBe(true);
    expect(m.made.filter((e) => !e.disposed)).toEqual([choice.embedder]);
    expect(mem.saved.get(KEY)?.device).toBe('webgpu');
  });

  it('reuses the self-check reference as the WASM rival when it already has the WASM dtype', async () => {
    const m = machine({ webgpuMs: 25, wasmMs: 15 });
    const base = m.options(memory());
    let given: TimedEmbedder | undefined;
    await chooseBySpeed({
      ...base,
      wasm: async (reference) => {
        given = reference;
        return reference ?? m.made[0];
      },
    });
    expect(given).toBe(m.made[1]); // the reference webGpuOrWasm handed back
    expect(m.loads).toEqual(['webgpu/fp32', 'wasm/fp32']); // timed without a third load
    expect(m.made[1].calls).toBeGreaterThan(0);
  });

  it('a remembered choice skips measuring: only the chosen device is loaded and nothing is timed', async () => {
    const mem = memory();
    await chooseBySpeed(machine({ webgpuMs: 25, wasmMs: 15 }).options(mem));
    const again = machine({ webgpuMs: 25, wasmMs: 15 });
    const choice = await chooseBySpeed(again.options(mem));
    expect(choice.remembered).toBe(true);
    expect(again.loads).toEqual(['wasm/q8']); // no WebGPU load, no self-check, no rival
    expect(choice.embedder.calls).toBe(0);
    expect(again.clock.t).toBe(0);
    expect(choice.embedder.preferredBatchSize).toBe(mem.saved.get(KEY)?.batchSize);
    expect(mem.puts).toBe(1);
  });

  it('a remembered WebGPU choice loads WebGPU alone and still goes through its self-check path', async () => {
    const mem = memory();
    await chooseBySpeed(machine({ webgpuMs: 4, wasmMs: 15 }).options(mem));
    const again = machine({ webgpuMs: 4, wasmMs: 15 });
    const choice = await chooseBySpeed(again.options(mem));
    expect(choice.remembered).toBe(true);
    expect(choice.embedder.device).toBe('webgpu');
    expect(again.made[1].disposed).toBe(true); // the reference is not kept when nothing is measured
    expect(again.clock.t).toBe(0);
  });

  it('measures again when the adapter, browser, model, dtype, threads or requested device differ', async () => {
    const parts = {
      repo: 'org/model',
      revision: 'main',
      dtypes: 'webgpu:fp32,wasm:q8',
      adapter: 'amd integrated',
      browser: 'Chrome 140',
      threads: 4,
      requested: 'auto',
    };
    const changed = [
      { adapter: 'nvidia discrete' },
      { browser: 'Firefox 141' },
      { repo: 'org/other' },
      { revision: 'abc123' },
      { dtypes: 'webgpu:fp16,wasm:q8' },
      { threads: 1 },
      { requested: 'wasm' },
    ].map((change) => deviceSpeedKey({ ...parts, ...change }));
    expect(new Set([deviceSpeedKey(parts), ...changed]).size).toBe(changed.length + 1);

    const mem = memory();
    await chooseBySpeed(machine({ webgpuMs: 25, wasmMs: 15 }).options(mem));
    const elsewhere = machine({ webgpuMs: 4, wasmMs: 15 });
    const choice = await chooseBySpeed(elsewhere.options(mem, changed[0]));
    expect(choice.remembered).toBe(false);
    expect(choice.embedder.device).toBe('webgpu'); // measured on the new adapter, where WebGPU wins
    expect(elsewhere.clock.t).toBeGreaterThan(0);
  });

  it('times devices only with Auto where WebGPU is present: a device set in Settings is never overruled', () => {
    expect(measuresDevices('auto', 'webgpu')).toBe(true);
    expect(measuresDevices('webgpu', 'webgpu')).toBe(false);
    expect(measuresDevices('wasm', 'wasm')).toBe(false);
    expect(measuresDevices('auto', 'wasm')).toBe(false); // no adapter: nothing to choose between
    expect(measuresDevices('auto', 'cpu')).toBe(false); // Node
  });

  it('a device set in Settings wins: no rival is loaded or timed, only its batch size is tuned', async () => {
    const mem = memory();
    const m = machine({ webgpuMs: 25, wasmMs: 1 });
    const base = m.options(mem);
    const choice = await chooseBySpeed({
      ...base,
      webgpu: undefined,
      wasm: () => Promise.reject(new Error('the rival must not be loaded')),
    });
    expect(choice.embedder.device).toBe('webgpu');
    expect(m.loads).toEqual(['webgpu/fp32']);
    expect(choice.speed.passagesPerSecond).toEqual({});
    expect(choice.embedder.preferredBatchSize).toBe(choice.speed.batchSize);
  });

  it('a WebGPU that failed its self-check is not timed: WASM is used with the check’s reason', async () => {
    const m = machine({ webgpuMs: 1, wasmMs: 15 });
    const base = m.options(memory());
    const wasm = new TimedEmbedder('wasm', 'q8', m.clock, { runMs: 5, passageMs: 15 });
    const choice = await chooseBySpeed({
      ...base,
      webgpu: async () => ({
        embedder: wasm,
        device: 'wasm',
        verdict: { passed: false, minCosine: 0.4, sentences: 10, checkedAt: 1, reason: 'disagree' },
        note: 'disagree: using WASM',
      }),
      wasm: () => Promise.reject(new Error('no rival for an untrusted WebGPU')),
    });
    expect(choice.embedder).toBe(wasm);
    expect(choice.webgpu?.verdict?.passed).toBe(false);
    expect(choice.speed).toMatchObject({ device: 'wasm', note: 'disagree: using WASM', passagesPerSecond: {} });
  });

  it('keeps WebGPU when its WASM rival cannot be loaded', async () => {
    const m = machine({ webgpuMs: 25, wasmMs: 15 });
    const choice = await chooseBySpeed({ ...m.options(memory()), wasm: () => Promise.reject(new Error('no q8 file')) });
    expect(choice.embedder.device).toBe('webgpu');
  });
});

describe('the batch size chosen by measured speed', () => {
  it('uses the size with the most passages per second on the chosen device, and remembers it', async () => {
    const mem = memory();
    const clock: Clock = { t: 0 };
    // A high cost per run: bigger batches pay it less often, up to 32; past that a run's cost grows (memory).
    const slowAt64 = {
      device: 'cpu' as const,
      preferredBatchSize: undefined as number | undefined,
      embedPassages: async (texts: string[], options: { batchSize?: number } = {}) => {
        const batch = options.batchSize ?? 16;
        clock.t += Math.ceil(texts.length / batch) * (batch >= 64 ? 400 : 60) + texts.length * 2;
        return new Float32Array(0);
      },
      dispose: async () => undefined,
    };
    const choice = await chooseBySpeed({
      key: 'k',
      memory: mem,
      wasm: () => Promise.reject(new Error('unused')),
      single: async () => slowAt64,
      budgetMs: 300,
      now: () => clock.t,
      isAbort: () => false,
    });
    expect(choice.speed.batchSize).toBe(32);
    expect(slowAt64.preferredBatchSize).toBe(32);
    expect(mem.saved.get('k')?.batchSize).toBe(32);
  });
});

describe('reading a remembered speed back', () => {
  const good = { device: 'wasm', passagesPerSecond: { wasm: 64, webgpu: 38.9 }, batchSize: 16, measuredAt: 5 };

  it('accepts a well-formed record', () => {
    expect(parseDeviceSpeedRecord(good)).toEqual(good);
    expect(parseDeviceSpeedRecord({ ...good, note: 'WASM measured faster' })?.note).toBe('WASM measured faster');
  });

  it('treats any malformed field as not remembered, so the speed is measured again', () => {
    for (const bad of [
      null,
      'wasm',
      { ...good, device: 'tpu' },
      { ...good, batchSize: 0 },
      { ...good, batchSize: 1.5 },
      { ...good, batchSize: 100_000 },
      { ...good, measuredAt: 'yesterday' },
      { ...good, passagesPerSecond: { wasm: -1 } },
      { ...good, passagesPerSecond: { wasm: Number.NaN } },
      { ...good, passagesPerSecond: { gpu: 3 } },
      { ...good, passagesPerSecond: null },
      { ...good, note: 42 },
    ]) {
      expect(parseDeviceSpeedRecord(bad)).toBeUndefined();
    }
  });
});
