import { describe, expect, it } from 'vitest';
import { asClause, formatBytes, formatLocation, formatMs, formatScore, plural } from './format.ts';
import { initialSettings } from '../client/engine-client.ts';

describe('format', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
  });

  it('names a position by page and heading path', () => {
    expect(formatLocation(3, [])).toBe('p. 3');
    expect(formatLocation(undefined, ['Intro', 'Setup'])).toBe('Intro › Setup');
    expect(formatLocation(undefined, [])).toBe('');
  });

  it('keeps scores of every scale readable', () => {
    expect(formatScore(0.032787)).toBe('0.033');
    expect(formatScore(7.4123)).toBe('7.41');
    expect(formatScore(0.8123)).toBe('0.812');
    expect(formatScore(0.0042)).toBe('0.0042');
  });

  it('writes counts and times in words', () => {
    expect(plural(1, 'result')).toBe('1 result');
    expect(plural(12, 'result')).toBe('12 results');
    expect(formatMs(0.4)).toBe('<1 ms');
    expect(formatMs(8.2)).toBe('8 ms');
    expect(asClause('The file is broken.')).toBe('The file is broken');
  });
});

describe('initialSettings', () => {
  it('uses the local fixture in test builds', () => {
    expect(initialSettings('', 'local')).toEqual({
      build: { modelId: 'glove-50d-static', rerankerId: 'glove-50d-cross-encoder', rerankDefault: 'off', allowRemoteModels: false, localModelPath: '/models/', modelHost: 'https://huggingface.co' },
      requested: {},
    });
  });

  it('leaves the engine defaults alone in production builds', () => {
    expect(initialSettings('', undefined)).toEqual({ build: { localModelPath: '/models/', modelHost: 'https://huggingface.co' }, requested: {} });
  });

  it('keeps URL parameters apart from the build as requests (the engine applies them only where they narrow)', () => {
    expect(initialSettings('?model=all-MiniLM-L6-v2&remote=0&device=wasm', undefined)).toEqual({
      build: { localModelPath: '/models/', modelHost: 'https://huggingface.co' },
      requested: { modelId: 'all-MiniLM-L6-v2', allowRemoteModels: false, device: 'wasm' },
    });
    // ?remote=1 in a build with downloads off: a request, never part of the build's (or the stored) settings.
    expect(initialSettings('?remote=1', 'local')).toEqual({
      build: { modelId: 'glove-50d-static', rerankerId: 'glove-50d-cross-encoder', rerankDefault: 'off', allowRemoteModels: false, localModelPath: '/models/', modelHost: 'https://huggingface.co' },
      requested: { allowRemoteModels: true },
    });
    expect(initialSettings('?device=gpu', undefined)).toEqual({ build: { localModelPath: '/models/', modelHost: 'https://huggingface.co' }, requested: {} });
  });

  it('passes the build\'s model host (VITE_TROVE_MODEL_HOST) to the engine', () => {
    expect(initialSettings('', undefined, 'self').build.modelHost).toBe('self');
    expect(initialSettings('', undefined, 'http://127.0.0.1:4470').build.modelHost).toBe('http://127.0.0.1:4470');
  });
});
