import { describe, expect, it } from 'vitest';
import {
  AGREEMENT_THRESHOLD,
  SELF_CHECK_SENTENCES,
  compareDevices,
  deviceCheckKey,
  rowCosine,
  webGpuOrWasm,
  type DeviceCheckMemory,
  type DeviceCheckVerdict,
  type EmbedTexts,
} from './device-self-check.ts';

const DIMS = 16;

/** A deterministic "model": each text's vector from a hash of its characters (seeded, so runs repeat). */
function vectorOf(text: string): Float32Array {
  const v = new Float32Array(DIMS);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    v[i % DIMS] += ((h >>> 0) % 1000) / 1000 - 0.5;
  }
  return v;
}

function embedder(transform: (row: Float32Array, index: number) => Float32Array = (row) => row): EmbedTexts {
  return async (texts) => {
    const out = new Float32Array(texts.length * DIMS);
    texts.forEach((text, i) => out.set(transform(vectorOf(text), i), i * DIMS));
    return out;
  };
}

class FakeDeviceEmbedder {
  disposed = false;
  constructor(
    readonly device: 'webgpu' | 'wasm',
    readonly dtype: string,
    readonly embed: EmbedTexts,
    readonly note = '',
  ) {}
  embedPassages(texts: string[]): Promise<Float32Array> {
    return this.embed(texts);
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

function memory(): DeviceCheckMemory & { saved: Map<string, DeviceCheckVerdict> } {
  const saved = new Map<string, DeviceCheckVerdict>();
  return { saved, get: async (key) => saved.get(key), put: async (key, verdict) => void saved.set(key, verdict) };
}

describe('the WebGPU numeric self-check', () => {
  it('uses at least 8 varied sentences: short, long, punctuation, non-English', () => {
    expect(SELF_CHECK_SENTENCES.length).toBeGreaterThanOrEqual(8);
    expect(SELF_CHECK_SENTENCES.some((s) => s.split(' ').length === 1)).toBe(true);
    expect(SELF_CHECK_SENTENCES.some((s) => s.length > 200)).toBe(true);
    expect(SELF_CHECK_SENTENCES.some((s) => /[?!;()]/.test(s))).toBe(true);
    expect(SELF_CHECK_SENTENCES.some((s) => /[^\u0000-\u007f]/.test(s))).toBe(true);
  });

  it('passes when both devices agree on every sentence (tiny float differences allowed)', async () => {
    const noisy = embedder((row, i) => row.map((x, d) => x + ((i + d) % 2 ? 1e-5 : -1e-5)));
    const result = await compareDevices(noisy, embedder(), DIMS);
    expect(result.passed).toBe(true);
    expect(result.reason).toBeUndefined();
    expect(result.minCosine).toBeGreaterThan(0.9999);
    expect(result.sentences).toBe(SELF_CHECK_SENTENCES.length);
  });

  it('fails on one sentence that disagrees, naming it and its cosine', async () => {
    const off = embedder((row, i) => (i === 1 ? vectorOf('something else entirely, unrelated') : row));
    const result = await compareDevices(off, embedder(), DIMS);
    expect(result.passed).toBe(false);
    expect(result.worst?.index).toBe(1);
    expect(result.worst!.cosine).toBeLessThan(AGREEMENT_THRESHOLD);
    expect(result.reason).toMatch(
      /^WebGPU gave vectors that disagree with WASM \(cosine -?\d\.\d\d on 'How do sear…'\)$/,
    );
  });

  it('fails just below the threshold and passes just above it', async () => {
    // Rotate the first sentence's vector by an angle whose cosine is just under / over 0.99.
    const rotate = (cos: number) =>
      embedder((row, i) => {
        if (i !== 0) return row;
        const unit = row.map((x) => x / Math.hypot(...row));
        const other = new Float32Array(DIMS);
        // A unit vector orthogonal to `unit`: Gram-Schmidt on e0 (or e1).
        other[unit[0] > 0.9 ? 1 : 0] = 1;
        const dot = other.reduce((sum, x, d) => sum + x * unit[d], 0);
        const ortho = other.map((x, d) => x - dot * unit[d]);
        const n = Math.hypot(...ortho);
        const sin = Math.sqrt(1 - cos * cos);
        return unit.map((x, d) => cos * x + (sin * ortho[d]) / n);
      });
    expect((await compareDevices(rotate(0.985), embedder(), DIMS)).passed).toBe(false);
    expect((await compareDevices(rotate(0.995), embedder(), DIMS)).passed).toBe(true);
  });

  it('fails on NaN vectors instead of passing them (NaN compares false to everything)', async () => {
    const nan = embedder((row, i) => (i === 3 ? row.map(() => Number.NaN) : row));
    const result = await compareDevices(nan, embedder(), DIMS);
    expect(result.passed).toBe(false);
    expect(result.minCosine).toBe(0);
    expect(result.worst?.index).toBe(3);
  });

  it('fails on vectors of the wrong size, saying how many values came back', async () => {
    const short: EmbedTexts = async (texts) => new Float32Array(texts.length * (DIMS - 1)).fill(0.1);
    const result = await compareDevices(short, embedder(), DIMS);
    expect(result.passed).toBe(false);
    expect(result.reason).toBe(
      `WebGPU returned ${SELF_CHECK_SENTENCES.length * (DIMS - 1)} values for ${SELF_CHECK_SENTENCES.length} sentences, expected ${SELF_CHECK_SENTENCES.length} × ${DIMS}`,
    );
  });

  it('fails when the candidate throws, naming the device', async () => {
    const broken: EmbedTexts = async () => {
      throw new Error('device lost');
    };
    const result = await compareDevices(broken, embedder(), DIMS);
    expect(result).toMatchObject({ passed: false, reason: 'WebGPU failed to embed the check sentences (device lost)' });
  });

  it('cosine of rows: zero on one side disagrees, zero on both agrees, infinities disagree', () => {
    const a = Float32Array.of(1, 0);
    expect(rowCosine(a, Float32Array.of(0, 0))).toBe(0);
    expect(rowCosine(Float32Array.of(0, 0), Float32Array.of(0, 0))).toBe(1);
    expect(rowCosine(a, Float32Array.of(Infinity, 0))).toBe(0);
    expect(rowCosine(a, Float32Array.of(2, 0))).toBeCloseTo(1, 6);
    expect(rowCosine(a, Float32Array.of(0, 3))).toBe(0);
  });
});

describe('choosing WebGPU only when it agrees with WASM', () => {
  const key = deviceCheckKey({
    repo: 'trove/glove-50d-static',
    revision: 'local',
    dtype: 'fp32',
    adapter: 'google swiftshader',
  });

  function loaders(gpuEmbed: EmbedTexts, loads: string[]) {
    const made: FakeDeviceEmbedder[] = [];
    return {
      made,
      webgpu: async () => {
        loads.push('webgpu/fp32');
        const e = new FakeDeviceEmbedder('webgpu', 'fp32', gpuEmbed);
        made.push(e);
        return e;
      },
      wasm: async (dtype: string | undefined, note: string) => {
        loads.push(`wasm/${dtype ?? 'q8'}`);
        const e = new FakeDeviceEmbedder('wasm', dtype ?? 'q8', embedder(), note);
        made.push(e);
        return e;
      },
    };
  }

  it('keeps WebGPU when it agrees, remembers the verdict and skips the check next time', async () => {
    const mem = memory();
    const loads: string[] = [];
    const first = loaders(embedder(), loads);
    const choice = await webGpuOrWasm({ key, memory: mem, dims: DIMS, ...first, isAbort: () => false, now: () => 42 });
    expect(choice.device).toBe('webgpu');
    expect(choice.note).toBeUndefined();
    expect(choice.verdict).toMatchObject({ passed: true, checkedAt: 42 });
    expect(loads).toEqual(['webgpu/fp32', 'wasm/fp32']); // the reference ran the same dtype on WASM
    expect(first.made[1].disposed).toBe(true);
    expect(mem.saved.get(key)?.passed).toBe(true);

    loads.length = 0;
    const again = await webGpuOrWasm({
      key,
      memory: mem,
      dims: DIMS,
      ...loaders(embedder(), loads),
      isAbort: () => false,
    });
    expect(again.device).toBe('webgpu');
    expect(again.verdict?.checkedAt).toBe(42);
    expect(loads).toEqual(['webgpu/fp32']);
  });

  it('falls back to WASM (its own dtype) with the reason when one sentence disagrees, and remembers it', async () => {
    const mem = memory();
    const loads: string[] = [];
    const wrong = embedder((row, i) => (i === 0 ? row.map((x) => -x) : row));
    const set = loaders(wrong, loads);
    const choice = await webGpuOrWasm({ key, memory: mem, dims: DIMS, ...set, isAbort: () => false });
    expect(choice.device).toBe('wasm');
    expect(choice.note).toBe(
      "WebGPU gave vectors that disagree with WASM (cosine -1.00 on 'The cat sat…'): using WASM",
    );
    expect((choice.embedder as FakeDeviceEmbedder).note).toBe(choice.note);
    expect(choice.embedder.dtype).toBe('q8');
    expect(set.made.filter((e) => e.disposed).map((e) => e.device)).toEqual(['webgpu', 'wasm']);
    expect(mem.saved.get(key)?.passed).toBe(false);

    // Next start: WebGPU is not even loaded.
    loads.length = 0;
    const again = await webGpuOrWasm({
      key,
      memory: mem,
      dims: DIMS,
      ...loaders(embedder(), loads),
      isAbort: () => false,
    });
    expect(again.device).toBe('wasm');
    expect(again.note).toBe(choice.note);
    expect(loads).toEqual(['wasm/q8']);
  });

  it('checks again for another adapter or dtype (the key names both)', () => {
    const other = deviceCheckKey({
      repo: 'trove/glove-50d-static',
      revision: 'local',
      dtype: 'fp16',
      adapter: 'google swiftshader',
    });
    const otherGpu = deviceCheckKey({
      repo: 'trove/glove-50d-static',
      revision: 'local',
      dtype: 'fp32',
      adapter: 'nvidia ampere',
    });
    expect(new Set([key, other, otherGpu]).size).toBe(3);
  });

  it('keeps WebGPU unverified (and remembers nothing) when its WASM reference cannot be loaded', async () => {
    const mem = memory();
    const loads: string[] = [];
    const set = loaders(embedder(), loads);
    const wasm = async (): Promise<FakeDeviceEmbedder> => {
      throw new Error('no wasm file');
    };
    const choice = await webGpuOrWasm({ key, memory: mem, dims: DIMS, webgpu: set.webgpu, wasm, isAbort: () => false });
    expect(choice).toMatchObject({ device: 'webgpu', note: 'WebGPU could not be checked against WASM (no wasm file)' });
    expect(choice.verdict).toBeUndefined();
    expect(mem.saved.size).toBe(0);
    expect(set.made[0].disposed).toBe(false);
  });

  it('falls back to WASM when WebGPU fails to load, without a verdict; an abort propagates', async () => {
    const loads: string[] = [];
    const set = loaders(embedder(), loads);
    const failing = async (): Promise<FakeDeviceEmbedder> => {
      throw new Error('no fp16 support');
    };
    const choice = await webGpuOrWasm({ key, dims: DIMS, webgpu: failing, wasm: set.wasm, isAbort: () => false });
    expect(choice).toMatchObject({ device: 'wasm', note: 'WebGPU failed (no fp16 support); using WASM' });
    expect(choice.verdict).toBeUndefined();
    await expect(
      webGpuOrWasm({ key, dims: DIMS, webgpu: failing, wasm: set.wasm, isAbort: () => true }),
    ).rejects.toThrow('no fp16 support');
  });
});
