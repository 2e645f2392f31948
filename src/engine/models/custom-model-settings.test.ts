import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, mergeSettings, modelChanged } from '../settings/settings.ts';
import { checkCustomModel } from './custom-model.ts';
import { fetchRepoFacts } from './custom-model-fetch.ts';
import { validateCustomModels } from './custom-model-settings.ts';
import { parseModelHost } from './model-host.ts';
import { getModelSpec, modelFingerprint, setCustomModels } from './model-registry.ts';
import type { ModelSpec } from '../api/model-spec.ts';

const SHA = 'a'.repeat(40);
const bertConfig = { architectures: ['BertModel'], model_type: 'bert', hidden_size: 384, max_position_embeddings: 512 };
const files = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model_quantized.onnx',
  'onnx/model.onnx',
  '1_Pooling/config.json',
];

function customSpec(repo = 'someone/small-embedder'): ModelSpec {
  const check = checkCustomModel({
    repo,
    revision: SHA,
    config: bertConfig,
    files,
    poolingConfig: { pooling_mode_cls_token: true },
  });
  if (!check.spec) throw new Error(check.problems.join(' '));
  return check.spec;
}

/** A hub that answers the model info API and JSON files for the repos it has, and records every URL asked. */
function fakeHub(repos: Record<string, { files: string[]; config?: unknown; pooling?: unknown }>) {
  const asked: string[] = [];
  const fetchImpl = async (url: string): Promise<Response> => {
    asked.push(url);
    const info = /\/api\/models\/(.+)$/.exec(url);
    if (info) {
      const repo = repos[info[1]];
      return repo
        ? Response.json({ sha: SHA, siblings: repo.files.map((rfilename) => ({ rfilename })) })
        : new Response('{}', { status: 404 });
    }
    const file = /^https:\/\/hub\.test\/(.+?\/.+?)\/resolve\/[^/]+\/(.+)$/.exec(url);
    const repo = file && repos[file[1]];
    if (repo && file[2] === 'config.json' && repo.config) return Response.json(repo.config);
    if (repo && file[2] === '1_Pooling/config.json' && repo.pooling) return Response.json(repo.pooling);
    return new Response('not found', { status: 404 });
  };
  return { asked, fetch: fetchImpl };
}

describe('custom models in the settings', () => {
  afterEach(() => setCustomModels([]));

  it('accepts a stored custom spec and a modelId that names it', () => {
    const spec = customSpec();
    const settings = mergeSettings(DEFAULT_SETTINGS, { customModels: [spec], modelId: spec.id });
    expect(settings.modelId).toBe('hub:someone/small-embedder');
    expect(() => mergeSettings(DEFAULT_SETTINGS, { modelId: spec.id })).toThrow(/Unknown embedding model/);
  });

  it('refuses a tampered spec with the reason', () => {
    const spec = customSpec();
    expect(() => validateCustomModels([{ ...spec, dims: 3 }])).toThrow(/vector size must be 16\.\.8192/);
    expect(() => validateCustomModels([{ ...spec, id: 'bge-small-en-v1.5' }])).toThrow(/id must be "hub:"/);
    expect(() => validateCustomModels([{ ...spec, repo: '../etc', id: 'hub:../etc' }])).toThrow(
      /not a Hugging Face repo id/,
    );
    expect(() => validateCustomModels([{ ...spec, localOnly: true }])).toThrow(/fixture or local-only/);
    expect(() => validateCustomModels([spec, spec])).toThrow(/listed twice/);
    expect(() => validateCustomModels('nope')).toThrow(/must be a list/);
  });

  it('registers custom specs for getModelSpec, and the fingerprint pins the commit, dims and pooling', () => {
    const spec = customSpec();
    setCustomModels([spec]);
    expect(getModelSpec(spec.id)).toEqual(spec);
    expect(modelFingerprint(spec, 'q8')).toBe(`someone/small-embedder@${SHA}|q8|384|cls`);
    const moved = { ...spec, revision: 'b'.repeat(40) };
    const a = mergeSettings(DEFAULT_SETTINGS, { customModels: [spec], modelId: spec.id });
    const b = mergeSettings(DEFAULT_SETTINGS, { customModels: [moved], modelId: spec.id });
    expect(modelChanged(a, b)).toBe(true);
    expect(modelChanged(a, a)).toBe(false);
  });
});

describe('fetchRepoFacts', () => {
  const where = { host: parseModelHost('https://hub.test'), localModelUrl: 'https://trove.test/models/' };

  it('reads the file list, the commit, config.json and the pooling config from the configured host only', async () => {
    const hub = fakeHub({
      'someone/small-embedder': { files, config: bertConfig, pooling: { pooling_mode_mean_tokens: true } },
    });
    const facts = await fetchRepoFacts('someone/small-embedder', where, hub.fetch);
    expect(facts).toEqual({
      repo: 'someone/small-embedder',
      revision: SHA,
      files,
      config: bertConfig,
      poolingConfig: { pooling_mode_mean_tokens: true },
    });
    expect(hub.asked.every((url) => url.startsWith('https://hub.test/'))).toBe(true);
    expect(checkCustomModel(facts).spec?.pooling).toBe('mean');
  });

  it('says when the repo does not exist, and refuses a malformed id before any request', async () => {
    const hub = fakeHub({});
    await expect(fetchRepoFacts('someone/missing', where, hub.fetch)).rejects.toThrow(
      /hub\.test has no public repo "someone\/missing"/,
    );
    await expect(fetchRepoFacts('https://evil.example/x', where, hub.fetch)).rejects.toThrow(
      /not a Hugging Face repo id/,
    );
    expect(hub.asked).toEqual(['https://hub.test/api/models/someone/missing']);
  });

  it('a config without hidden_size is refused by the check, in words', async () => {
    const hub = fakeHub({ 'someone/no-dims': { files, config: { architectures: ['BertModel'], model_type: 'bert' } } });
    const check = checkCustomModel(await fetchRepoFacts('someone/no-dims', where, hub.fetch));
    expect(check.ok).toBe(false);
    expect(check.problems.join(' ')).toMatch(/gives no vector size \(hidden_size\)/);
  });

  it('a self build probes the self-hosted copy and never asks another origin', async () => {
    const asked: string[] = [];
    const local = async (url: string, init?: RequestInit): Promise<Response> => {
      asked.push(`${init?.method ?? 'GET'} ${url}`);
      const name = url.slice('https://trove.test/models/someone/small-embedder/'.length);
      if (!['config.json', 'tokenizer.json', 'onnx/model.onnx'].includes(name))
        return new Response(null, { status: 404 });
      return name === 'config.json' ? Response.json(bertConfig) : new Response('x');
    };
    const facts = await fetchRepoFacts('someone/small-embedder', { ...where, host: parseModelHost('self') }, local);
    expect(facts.files).toEqual(['config.json', 'tokenizer.json', 'onnx/model.onnx']);
    expect(facts.config).toEqual(bertConfig);
    expect(asked.every((a) => a.includes('https://trove.test/models/someone/small-embedder/'))).toBe(true);
  });
});
