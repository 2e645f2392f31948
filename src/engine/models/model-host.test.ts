import { env } from '@huggingface/transformers';
import { afterEach, describe, expect, it } from 'vitest';
import { configureTransformersEnv } from './transformers-runtime.ts';
import {
  DEFAULT_MODEL_HOST,
  activeModelHost,
  modelHostConnectSources,
  modelHostLabel,
  modelHostValue,
  parseModelHost,
  setActiveModelHost,
} from './model-host.ts';

describe('parseModelHost', () => {
  it('defaults to the Hugging Face hub, with its redirect targets for the CSP', () => {
    const hub = parseModelHost(undefined);
    expect(hub).toEqual({
      kind: 'remote',
      origin: 'https://huggingface.co',
      url: 'https://huggingface.co/',
      isHub: true,
    });
    expect(modelHostConnectSources(hub)).toEqual([
      'https://huggingface.co',
      'https://*.huggingface.co',
      'https://*.hf.co',
    ]);
    expect(modelHostLabel(hub)).toBe('huggingface.co');
  });

  it('takes a mirror origin (trailing slash or not) and allows only that origin', () => {
    const mirror = parseModelHost('https://models.example.org/');
    expect(mirror).toMatchObject({ kind: 'remote', origin: 'https://models.example.org', isHub: false });
    expect(modelHostConnectSources(mirror)).toEqual(['https://models.example.org']);
    expect(modelHostValue(parseModelHost('http://127.0.0.1:4470'))).toBe('http://127.0.0.1:4470');
  });

  it('"self" allows no other origin at all', () => {
    const self = parseModelHost('self');
    expect(self).toEqual({ kind: 'self' });
    expect(modelHostConnectSources(self)).toEqual([]);
    expect(modelHostLabel(self)).toBe('this site');
  });

  it('refuses what a CSP source or the hub layout cannot be, saying why', () => {
    expect(() => parseModelHost('huggingface.co')).toThrow(/not a URL/);
    expect(() => parseModelHost('http://models.example.org')).toThrow(/must be https/);
    expect(() => parseModelHost('https://example.org/models/')).toThrow(/origin only/);
    expect(() => parseModelHost('https://user:pw@example.org')).toThrow(/user name or password/);
    expect(() => parseModelHost('ftp://example.org')).toThrow(/must be https/);
  });
});

describe('configureTransformersEnv follows the active model host', () => {
  afterEach(() => void setActiveModelHost(DEFAULT_MODEL_HOST));

  it('points transformers.js at a mirror and refuses the hub itself', async () => {
    setActiveModelHost('http://127.0.0.1:4470');
    configureTransformersEnv({ allowRemoteModels: true, localModelPath: '/models/' });
    expect(env.remoteHost).toBe('http://127.0.0.1:4470/');
    expect(env.allowRemoteModels).toBe(true);
    await expect(env.fetch('https://huggingface.co/Xenova/bge-small-en-v1.5/resolve/main/config.json')).rejects.toThrow(
      /refused to fetch .*only from this site or http:\/\/127\.0\.0\.1:4470\//,
    );
  });

  it('a self build never downloads, even with downloads allowed in the settings', async () => {
    setActiveModelHost('self');
    expect(activeModelHost()).toEqual({ kind: 'self' });
    configureTransformersEnv({ allowRemoteModels: true, localModelPath: '/models/' });
    expect(env.allowRemoteModels).toBe(false);
    await expect(env.fetch('https://huggingface.co/x/y/resolve/main/config.json')).rejects.toThrow(
      /only from this site$/,
    );
  });

  it('the default build still uses the hub', () => {
    configureTransformersEnv({ allowRemoteModels: true, localModelPath: '/models/' });
    expect(env.remoteHost).toBe('https://huggingface.co/');
  });
});
