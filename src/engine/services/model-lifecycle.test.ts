// The model status as the page sees it: the measured device speed, and the pace and time left of the vectors being
// added in the background, fed by the embedder's own calls (the ingest pipeline measures nothing).
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../embed/embedder.ts';
import { getModelSpec } from '../models/model-registry.ts';
import { DEFAULT_SETTINGS } from '../settings/settings.ts';
import { ModelLifecycle } from './model-lifecycle.ts';

function fakeEmbedder(clock: { t: number }, msPerPassage: number): Embedder {
  const model = getModelSpec('glove-50d-static');
  return {
    model,
    device: 'wasm',
    dtype: 'fp32',
    fingerprint: 'fake',
    maxPassageTokens: 100,
    preferredBatchSize: 16,
    deviceSpeed: {
      device: 'wasm',
      passagesPerSecond: { wasm: 64, webgpu: 38.9 },
      batchSize: 16,
      measuredAt: 7,
      remembered: true,
    },
    countTokens: (text) => text.length,
    embedPassages: async (texts) => {
      clock.t += texts.length * msPerPassage;
      return new Float32Array(texts.length * model.dims);
    },
    embedQuery: async () => new Float32Array(model.dims),
    dispose: async () => undefined,
  };
}

function lifecycle(clock: { t: number }, pending: { n: number }) {
  return new ModelLifecycle(async () => fakeEmbedder(clock, 20), {
    settings: () => ({ ...DEFAULT_SETTINGS, modelId: 'glove-50d-static' }),
    pendingVectors: () => pending.n,
    onLoaded: async () => undefined,
    now: () => clock.t,
  });
}

describe('the model status while vectors are added in the background', () => {
  it('shows passages per second and the time left for the passages still waiting', async () => {
    const clock = { t: 0 };
    const pending = { n: 200 };
    const model = lifecycle(clock, pending);
    await model.ensureLoaded();
    expect(model.status.vectorProgress).toBeUndefined(); // nothing embedded yet: no pace to show
    await model.embedder!.embedPassages(Array.from({ length: 50 }, () => 'passage')); // 1 s at 20 ms each
    pending.n = 150;
    model.refresh();
    expect(model.status.vectorProgress).toEqual({ passagesPerSecond: 50, secondsLeft: 3 });
  });

  it('drops the pace once nothing waits for vectors', async () => {
    const clock = { t: 0 };
    const pending = { n: 10 };
    const model = lifecycle(clock, pending);
    await model.ensureLoaded();
    await model.embedder!.embedPassages(['a', 'b']);
    model.refresh();
    expect(model.status.vectorProgress).toBeDefined();
    pending.n = 0;
    model.refresh();
    expect(model.status.vectorProgress).toBeUndefined();
  });

  it('reports how the device was chosen: passages/s per device and the batch size', async () => {
    const model = lifecycle({ t: 0 }, { n: 0 });
    await model.ensureLoaded();
    expect(model.status.deviceSpeed).toEqual({
      passagesPerSecond: { wasm: 64, webgpu: 38.9 },
      batchSize: 16,
      measuredAt: 7,
      remembered: true,
    });
    // The wrapper that measures calls still exposes the embedder's own fields.
    expect(model.embedder?.preferredBatchSize).toBe(16);
    expect(model.embedder?.model.id).toBe('glove-50d-static');
  });
});

describe('a model runtime that trapped', () => {
  function failingWith(error: unknown, broken: string[]) {
    return new ModelLifecycle(
      async () => {
        throw error;
      },
      {
        settings: () => ({ ...DEFAULT_SETTINGS, modelId: 'glove-50d-static' }),
        pendingVectors: () => 0,
        onLoaded: async () => undefined,
        onRuntimeBroken: (message) => broken.push(message),
      },
    );
  }

  it('asks for a fresh worker when a load fails with a WebAssembly trap', async () => {
    const broken: string[] = [];
    const trap = new WebAssembly.RuntimeError('memory access out of bounds');
    const model = failingWith(new Error('could not be loaded: memory access out of bounds', { cause: trap }), broken);
    const status = await model.ensureLoaded();
    expect(status.state).toBe('unavailable');
    expect(broken).toHaveLength(1);
    expect(broken[0]).toContain('memory access out of bounds');
  });

  it('keeps the worker when a load fails for an ordinary reason (a missing file, the network)', async () => {
    const broken: string[] = [];
    const status = await failingWith(new Error('model.onnx not found locally'), broken).ensureLoaded();
    expect(status.state).toBe('unavailable');
    expect(broken).toEqual([]);
  });

  it('asks for a fresh worker when a model in use traps at run time', async () => {
    const broken: string[] = [];
    const model = new ModelLifecycle(async () => fakeEmbedder({ t: 0 }, 1), {
      settings: () => ({ ...DEFAULT_SETTINGS, modelId: 'glove-50d-static' }),
      pendingVectors: () => 0,
      onLoaded: async () => undefined,
      onRuntimeBroken: (message) => broken.push(message),
    });
    await model.ensureLoaded();
    model.markFailed(new WebAssembly.RuntimeError('operation does not support unaligned accesses'));
    expect(model.status.state).toBe('unavailable');
    expect(broken).toHaveLength(1);
    expect(broken[0]).toContain('operation does not support unaligned accesses');
  });
});
