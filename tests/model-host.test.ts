// The model host is a build setting (VITE_TROVE_MODEL_HOST): the build's value reaches the engine's model loads,
// a link cannot set it, the user's settings cannot change it, and an invalid value is refused with the reason.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSettings } from '../src/engine/api/index.ts';
import { DEFAULT_MODEL_HOST, activeModelHost, setActiveModelHost } from '../src/engine/models/model-host.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { mergeSettings, DEFAULT_SETTINGS } from '../src/engine/settings/settings.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const localModelPath = resolve('public/models') + '/';

async function open(db: string, build: Partial<EngineSettings>, requested: Partial<EngineSettings> = {}) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
  });
  return { engine, init: await engine.init(build, requested) };
}

describe('model host setting', () => {
  afterEach(() => void setActiveModelHost(DEFAULT_MODEL_HOST));

  it('defaults to the hub and refuses an unusable value with the reason', () => {
    expect(DEFAULT_SETTINGS.modelHost).toBe('https://huggingface.co');
    expect(() => mergeSettings(DEFAULT_SETTINGS, { modelHost: 'http://models.example.org' })).toThrow(/must be https/);
    expect(mergeSettings(DEFAULT_SETTINGS, { modelHost: 'self' }).modelHost).toBe('self');
  });

  it("applies the build's host to the engine, and neither a link nor the user can change it", async () => {
    const { engine, init } = await open(
      'model-host-build',
      { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath, modelHost: 'http://127.0.0.1:4470' },
      { modelHost: 'https://evil.example' } as Partial<EngineSettings>,
    );
    expect(init.settings.modelHost).toBe('http://127.0.0.1:4470');
    expect(activeModelHost()).toMatchObject({ kind: 'remote', origin: 'http://127.0.0.1:4470' });
    expect(init.refused).toEqual([{ key: 'modelHost', reason: expect.stringContaining('cannot be set from a link') }]);
    await expect(engine.updateSettings({ modelHost: 'https://evil.example' })).rejects.toThrow(
      /set when Trove is built/,
    );
    expect((await engine.getSettings()).modelHost).toBe('http://127.0.0.1:4470');
  });

  it('adding a Hugging Face model reads nothing from the host while downloads are off', async () => {
    const { engine } = await open('model-host-custom-off', {
      modelId: 'glove-50d-static',
      allowRemoteModels: false,
      localModelPath,
    });
    const fetched: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      fetched.push(String(input));
      return new Response(null, { status: 500 });
    }) as typeof fetch;
    try {
      await expect(engine.addCustomModel('Xenova/gte-small')).rejects.toThrow(/downloads are off/);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetched).toEqual([]);
    expect((await engine.getSettings()).customModels).toEqual([]);
  });
});
