import { describe, expect, it } from 'vitest';
import { initialSettings } from './engine-client.ts';

describe('initialSettings', () => {
  it('uses the local fixture in test builds', () => {
    expect(initialSettings('', 'local')).toEqual({
      build: {
        modelId: 'glove-50d-static',
        rerankerId: 'glove-50d-cross-encoder',
        rerankDefault: 'off',
        imageModelId: 'trove-colour-clip',
        allowRemoteModels: false,
        localModelPath: '/models/',
        modelHost: 'https://huggingface.co',
      },
      requested: {},
    });
  });

  it('leaves the engine defaults alone in production builds', () => {
    expect(initialSettings('', undefined)).toEqual({
      build: { localModelPath: '/models/', modelHost: 'https://huggingface.co' },
      requested: {},
    });
  });

  it('keeps URL parameters apart from the build as requests (the engine applies them only where they narrow)', () => {
    expect(initialSettings('?model=all-MiniLM-L6-v2&remote=0&device=wasm', undefined)).toEqual({
      build: { localModelPath: '/models/', modelHost: 'https://huggingface.co' },
      requested: { modelId: 'all-MiniLM-L6-v2', allowRemoteModels: false, device: 'wasm' },
    });
    // ?remote=1 in a build with downloads off: a request, never part of the build's (or the stored) settings.
    expect(initialSettings('?remote=1', 'local')).toEqual({
      build: {
        modelId: 'glove-50d-static',
        rerankerId: 'glove-50d-cross-encoder',
        rerankDefault: 'off',
        imageModelId: 'trove-colour-clip',
        allowRemoteModels: false,
        localModelPath: '/models/',
        modelHost: 'https://huggingface.co',
      },
      requested: { allowRemoteModels: true },
    });
    expect(initialSettings('?device=gpu', undefined)).toEqual({
      build: { localModelPath: '/models/', modelHost: 'https://huggingface.co' },
      requested: {},
    });
  });

  it("passes the build's model host (VITE_TROVE_MODEL_HOST) to the engine", () => {
    expect(initialSettings('', undefined, 'self').build.modelHost).toBe('self');
    expect(initialSettings('', undefined, 'http://127.0.0.1:4470').build.modelHost).toBe('http://127.0.0.1:4470');
  });
});
