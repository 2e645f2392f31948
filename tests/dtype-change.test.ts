// A device change never silently re-embeds a library: when the device's dtype differs from the stored vectors',
// the model keeps running with the stored dtype until the user confirms the re-embed (shown with its cost).
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { modelFingerprint } from '../src/engine/models/model-registry.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine, type EmbedderLoadOptions } from '../src/engine/engine.ts';
import { mergeSettings, DEFAULT_SETTINGS } from '../src/engine/settings/settings.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { inProcessLock } from '../src/engine/library/writer-lock.ts';
import type { ModelDtype } from '../src/engine/api/model-spec.ts';

const localModelPath = resolve('public/models') + '/';

function file(name: string, text: string): FileInput {
  return { jobId: `job-${name}`, name, type: 'text/plain', data: new TextEncoder().encode(text).buffer as ArrayBuffer };
}
const corpus = Array.from({ length: 60 }, (_, i) =>
  i % 2 === 0
    ? `Note ${i}: the bank raised interest rates and investors bought bonds.`
    : `Note ${i}: the chef cooked dinner in the kitchen.`,
).join('\n\n');

/** Per-device default dtypes as the real registry has them for transformer models. */
const DEFAULTS: Record<'webgpu' | 'wasm', ModelDtype> = { webgpu: 'fp32', wasm: 'q8' };

interface Log {
  loads: Array<{ device: string; dtype?: ModelDtype }>;
  /** Loads with this dtype fail as if its weights were missing. */
  missing?: ModelDtype;
  /** What 'auto' picks on this "machine" (default wasm). */
  autoDevice?: 'webgpu' | 'wasm';
  /** Passage embedding by this model waits until `release` (a page closed mid-re-embed). */
  hold?: { modelId: string; released: Promise<void> };
  /** Passages embedded, by dtype. */
  embedded: Map<string, number>;
}

/**
 * The GloVe fixture (fp32 only on disk) presented as if the device picked the dtype: its vectors are the same, but
 * the dtype and fingerprint are what a real model on that device would have, which is all the engine looks at.
 */
function loader(log: Log) {
  return async (options: EmbedderLoadOptions): Promise<Embedder> => {
    log.loads.push({ device: options.device, dtype: options.dtype });
    if (log.missing && options.dtype === log.missing) throw new Error(`its ${log.missing} weights are not here`);
    const real = await loadTransformersEmbedder({ ...options, device: 'auto', dtype: undefined });
    const device = options.device === 'auto' ? (log.autoDevice ?? 'wasm') : options.device;
    const defaultDtype = DEFAULTS[device];
    const dtype = options.dtype ?? defaultDtype;
    const embedder: Embedder = {
      model: real.model,
      device,
      dtype,
      defaultDtype,
      fingerprint: modelFingerprint(real.model, dtype),
      maxPassageTokens: real.maxPassageTokens,
      countTokens: (text) => real.countTokens(text),
      embedPassages: async (texts, opts) => {
        if (log.hold?.modelId === real.model.id) await log.hold.released;
        log.embedded.set(dtype, (log.embedded.get(dtype) ?? 0) + texts.length);
        return real.embedPassages(texts, opts);
      },
      embedQuery: (text) => real.embedQuery(text),
      dispose: () => real.dispose(),
    };
    return embedder;
  };
}

async function open(
  db: string,
  log: Log,
  device: 'wasm' | 'webgpu' | 'auto',
  modelId: string | null = 'glove-50d-static',
) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: loader(log),
    libraryName: db,
    lock: inProcessLock(db),
  });
  await engine.init({ ...(modelId ? { modelId } : {}), allowRemoteModels: false, localModelPath, device });
  await engine.loadModel();
  return engine;
}

/** A library of `chunks` passages embedded on WASM (q8), then reopened on a device whose default is fp32. */
async function libraryMovedToWebGpu(db: string, missing?: ModelDtype) {
  const log: Log = { loads: [], embedded: new Map() };
  const first = await open(db, log, 'wasm');
  await first.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
  await first.ingest([file('notes.txt', corpus)], () => undefined);
  const chunks = (await first.stats()).chunks;
  expect(log.embedded.get('q8')).toBe(chunks);
  const log2: Log = { loads: [], embedded: new Map(), missing };
  const engine = await open(db, log2, 'webgpu');
  return { engine, log: log2, chunks };
}

async function storedSetting(db: string, key: string): Promise<unknown> {
  const store = await IndexedDbStore.open(db);
  const value = await store.getSetting(key);
  store.close();
  return value;
}

async function fingerprints(db: string): Promise<string[]> {
  const store = await IndexedDbStore.open(db);
  const found: string[] = [];
  for (const dtype of ['fp32', 'q8'] as const) {
    const fp = `trove/glove-50d-static@local|${dtype}|50|mean`;
    if ((await store.vectorBatches(fp)).length > 0) found.push(dtype);
  }
  store.close();
  return found;
}

describe('a device change with another default dtype', () => {
  it('does not start a re-embed until confirmed, and says what it would cost', async () => {
    const { engine, log, chunks } = await libraryMovedToWebGpu('dtype-1');
    // Loaded with the stored vectors' dtype, not the device's default.
    expect(log.loads).toEqual([{ device: 'webgpu', dtype: 'q8' }]);
    // Asked as soon as the model is ready; the time estimate follows once the speed is measured.
    expect((await engine.modelStatus()).dtypeChange).toEqual({
      from: 'q8',
      to: 'fp32',
      because: 'device',
      passages: chunks,
    });
    await expect
      .poll(async () => (await engine.modelStatus()).dtypeChange?.passagesPerSecond, { timeout: 20_000 })
      .toBeGreaterThan(0);
    const status = await engine.modelStatus();
    expect(status).toMatchObject({ state: 'ready', dtype: 'q8', pendingVectors: 0 });
    expect(status.dtypeChange).toMatchObject({ from: 'q8', to: 'fp32', passages: chunks });
    expect(status.dtypeChange!.passagesPerSecond).toBeGreaterThan(0);
    expect(status.dtypeChange!.estimatedSeconds).toBeCloseTo(chunks / status.dtypeChange!.passagesPerSecond!, 6);
    // Only the 16-passage speed sample was embedded; no vectors were written for another dtype.
    expect(log.embedded.get('fp32') ?? 0).toBe(0);
    expect(log.embedded.get('q8')).toBeLessThanOrEqual(16);
    expect(await fingerprints('dtype-1')).toEqual(['q8']);
    const result = await engine.search('money finance', { mode: 'semantic', k: 3 });
    expect(result.mode).toBe('semantic');
    expect(result.results[0].text).toMatch(/bank/);
  });

  it('confirming starts the re-embed in the background and swaps to the new dtype when done', async () => {
    const { engine, log, chunks } = await libraryMovedToWebGpu('dtype-2');
    await expect.poll(async () => (await engine.modelStatus()).dtypeChange, { timeout: 20_000 }).toBeDefined();
    await engine.confirmDtypeChange(true);
    await expect
      .poll(
        async () => {
          const s = await engine.modelStatus();
          return s.state === 'ready' && s.dtype === 'fp32' && s.pendingVectors === 0 && !s.previousModelId;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(log.loads.at(-1)).toEqual({ device: 'webgpu', dtype: 'fp32' });
    expect(log.embedded.get('fp32')).toBe(chunks);
    expect((await engine.modelStatus()).dtypeChange).toBeUndefined();
    await expect.poll(() => fingerprints('dtype-2'), { timeout: 20_000 }).toEqual(['fp32']);
    expect((await engine.search('money finance', { mode: 'semantic', k: 3 })).results[0].text).toMatch(/bank/);
    // Back on WASM (default q8): the fp32 vectors are kept and the question is asked the other way round.
    await engine.updateSettings({ device: 'wasm' });
    await expect
      .poll(async () => (await engine.modelStatus()).dtypeChange, { timeout: 20_000 })
      .toMatchObject({ from: 'fp32', to: 'q8' });
    expect(log.loads.at(-1)).toEqual({ device: 'wasm', dtype: 'fp32' });
    await expect
      .poll(async () => (await engine.modelStatus()).dtypeChange?.passagesPerSecond, { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(log.embedded.get('fp32')).toBeLessThanOrEqual(chunks + 16); // the re-embed plus one speed sample
    expect(await fingerprints('dtype-2')).toEqual(['fp32']);
  });

  it('declining keeps search working on the stored vectors and embeds nothing', async () => {
    const { engine, log } = await libraryMovedToWebGpu('dtype-3');
    await expect.poll(async () => (await engine.modelStatus()).dtypeChange, { timeout: 20_000 }).toBeDefined();
    const sampled = log.embedded.get('q8') ?? 0;
    const status = await engine.confirmDtypeChange(false);
    expect(status.dtypeChange).toBeUndefined();
    expect(status).toMatchObject({ state: 'ready', dtype: 'q8' });
    const result = await engine.search('money finance', { mode: 'semantic', k: 3 });
    expect(result.mode).toBe('semantic');
    expect(result.notice).toBeUndefined();
    expect(result.results[0].text).toMatch(/bank/);
    expect(log.loads).toHaveLength(1);
    expect(log.embedded.get('fp32') ?? 0).toBe(0);
    expect(log.embedded.get('q8') ?? 0).toBe(sampled);
    expect(await fingerprints('dtype-3')).toEqual(['q8']);
  });

  it('a declined change is not asked again after a restart, but an explicit Settings choice asks again', async () => {
    const { engine } = await libraryMovedToWebGpu('dtype-8');
    await expect.poll(async () => (await engine.modelStatus()).dtypeChange, { timeout: 20_000 }).toBeDefined();
    await engine.confirmDtypeChange(false);
    await expect
      .poll(() => storedSetting('dtype-8', 'dtype-declines'), { timeout: 20_000 })
      .toEqual(['glove-50d-static|q8|fp32|auto']);
    const log: Log = { loads: [], embedded: new Map() };
    const reopened = await open('dtype-8', log, 'webgpu');
    expect((await reopened.search('money finance', { mode: 'semantic', k: 3 })).results[0].text).toMatch(/bank/);
    expect(log.loads).toEqual([{ device: 'webgpu', dtype: 'q8' }]);
    // Ready without a question (decided before 'ready'), and no speed sample was embedded for one.
    expect((await reopened.modelStatus()).dtypeChange).toBeUndefined();
    expect(log.embedded.get('q8') ?? 0).toBe(0);
    // The user picks fp32 in Settings: that is a new question (with its cost), not the declined one.
    await reopened.updateSettings({ dtype: 'fp32' });
    await expect
      .poll(async () => (await reopened.modelStatus()).dtypeChange, { timeout: 20_000 })
      .toMatchObject({ from: 'q8', to: 'fp32', because: 'settings' });
    expect(log.embedded.get('fp32') ?? 0).toBe(0);
  });

  it('when the stored dtype cannot be loaded here, re-embeds with the device default and says why', async () => {
    const { engine, log, chunks } = await libraryMovedToWebGpu('dtype-7', 'q8');
    expect(log.loads.slice(0, 2)).toEqual([
      { device: 'webgpu', dtype: 'q8' },
      { device: 'webgpu', dtype: undefined },
    ]);
    await expect.poll(async () => (await engine.modelStatus()).pendingVectors, { timeout: 30_000 }).toBe(0);
    const status = await engine.modelStatus();
    expect(status.dtype).toBe('fp32');
    expect(status.dtypeChange).toBeUndefined();
    expect(status.deviceNote).toMatch(
      /the library's q8 vectors' model could not be loaded \(its q8 weights are not here\); re-embedding with fp32/,
    );
    expect(log.embedded.get('fp32')).toBe(chunks);
  });

  it('switching the Device setting in place also keeps the stored dtype and asks', async () => {
    const log: Log = { loads: [], embedded: new Map() };
    const engine = await open('dtype-4', log, 'wasm');
    await engine.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
    await engine.ingest([file('notes.txt', corpus)], () => undefined);
    const chunks = (await engine.stats()).chunks;
    await engine.updateSettings({ device: 'webgpu' });
    await expect
      .poll(async () => (await engine.modelStatus()).dtypeChange, { timeout: 20_000 })
      .toMatchObject({
        from: 'q8',
        to: 'fp32',
        passages: chunks,
      });
    expect(log.loads.at(-1)).toEqual({ device: 'webgpu', dtype: 'q8' });
    expect(log.embedded.get('fp32') ?? 0).toBe(0);
    expect((await engine.modelStatus()).previousModelId).toBeUndefined();
    expect((await engine.search('money finance', { mode: 'semantic', k: 3 })).results[0].text).toMatch(/bank/);
  });

  it('an empty library just uses the device default (nothing to re-embed, nothing to ask)', async () => {
    const log: Log = { loads: [], embedded: new Map() };
    const engine = await open('dtype-5', log, 'webgpu');
    const status = await engine.modelStatus();
    expect(status).toMatchObject({ state: 'ready', dtype: 'fp32' });
    expect(status.dtypeChange).toBeUndefined();
    expect(log.loads).toEqual([{ device: 'webgpu', dtype: undefined }]);
  });
});

describe('a model switch interrupted on one device and resumed on another', () => {
  it("loads the old model with its vectors' dtype, so they keep answering until the new ones are done", async () => {
    let release = () => {};
    const released = new Promise<void>((done) => (release = done));
    const log: Log = { loads: [], embedded: new Map(), hold: { modelId: 'glove-50d-permuted', released } };
    const first = await open('dtype-9', log, 'auto'); // 'auto' finds no WebGPU here: q8 on WASM
    await first.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
    await first.ingest([file('notes.txt', corpus)], () => undefined);
    await first.updateSettings({ modelId: 'glove-50d-permuted' });
    await expect
      .poll(async () => (await first.modelStatus()).previousModelId, { timeout: 20_000 })
      .toBe('glove-50d-static');

    // The page closes mid-switch; the library opens again where WebGPU is available (default fp32, vectors q8).
    // The new model's re-embed is held too, so the switch is still in progress while we look.
    const log2: Log = {
      loads: [],
      embedded: new Map(),
      autoDevice: 'webgpu',
      hold: { modelId: 'glove-50d-permuted', released },
    };
    const second = new TroveEngine({
      openStore: ({ onStale }) => IndexedDbStore.open('dtype-9', { onStale }),
      loadEmbedder: loader(log2),
      libraryName: 'dtype-9',
      lock: inProcessLock('dtype-9-after-restart'),
    });
    await second.init({ allowRemoteModels: false, localModelPath, device: 'auto' });
    await expect
      .poll(async () => (await second.modelStatus()).previousModelId, { timeout: 20_000 })
      .toBe('glove-50d-static');
    expect(log2.loads).toContainEqual({ device: 'auto', dtype: 'q8' });
    const during = await second.search('money finance', { mode: 'semantic', k: 3 });
    expect(during.notice).toMatch(/Re-embedding/);
    expect(during.results[0].text).toMatch(/bank/);
    release();
  });
});

describe('the dtype setting', () => {
  it('accepts auto and the dtypes a model has weights for, and names the choices otherwise', () => {
    expect(mergeSettings(DEFAULT_SETTINGS, { dtype: 'q8' }).dtype).toBe('q8');
    expect(mergeSettings(DEFAULT_SETTINGS, { dtype: 'fp32' }).dtype).toBe('fp32');
    expect(() => mergeSettings(DEFAULT_SETTINGS, { dtype: 'fp16' })).toThrow(
      'bge-small-en-v1.5 has no fp16 weights; it offers q8 (34 MB), fp32 (133 MB), or auto.',
    );
    expect(() => mergeSettings(DEFAULT_SETTINGS, { dtype: 'int3' as never })).toThrow(
      /dtype must be one of auto, fp32, fp16, q8, q4/,
    );
    expect(() => mergeSettings(DEFAULT_SETTINGS, { modelId: 'glove-50d-static', dtype: 'q8' })).toThrow(
      /glove-50d-static has no q8/,
    );
    // Changing the model alone (Settings, a link, the build's choice) drops a dtype the new model lacks.
    const q8 = mergeSettings(DEFAULT_SETTINGS, { dtype: 'q8' });
    expect(mergeSettings(q8, { modelId: 'glove-50d-static' }).dtype).toBe('auto');
    expect(mergeSettings(q8, { modelId: 'all-MiniLM-L6-v2' }).dtype).toBe('q8');
  });

  it('loads the chosen dtype, and a missing weights file is a clear error, not a crash', async () => {
    await expect(
      loadTransformersEmbedder({
        modelId: 'glove-50d-static',
        allowRemoteModels: false,
        localModelPath,
        device: 'auto',
        dtype: 'q8',
      }),
    ).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      message: expect.stringMatching(
        /its q8 weights \(onnx\/model_quantized\.onnx\) are not under .*glove-50d-static\/: choose another dtype in Settings\.$/,
      ),
    });
  });

  it('passes the Settings choice to the loader (an empty library has nothing to keep)', async () => {
    const log: Log = { loads: [], embedded: new Map() };
    const engine = await open('dtype-6', log, 'wasm');
    expect(log.loads.at(-1)).toEqual({ device: 'wasm', dtype: undefined });
    // The fixture only has fp32 weights, which is also what this asks for explicitly.
    await engine.updateSettings({ dtype: 'fp32' });
    await expect.poll(() => log.loads.at(-1), { timeout: 20_000 }).toEqual({ device: 'wasm', dtype: 'fp32' });
    await expect.poll(async () => (await engine.modelStatus()).dtype, { timeout: 20_000 }).toBe('fp32');
  });
});
