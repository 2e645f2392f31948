import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import {
  DEFAULT_MODEL_ID,
  MODEL_REGISTRY,
  TEST_MODEL_ID,
  getModelSpec,
  listModels,
  modelFingerprint,
} from './model-registry.ts';

describe('model registry', () => {
  it('defaults to bge-small-en-v1.5 with CLS pooling, its query instruction, q8 on CPU/WASM and fp32 on WebGPU', () => {
    const spec = getModelSpec(DEFAULT_MODEL_ID);
    expect(spec).toMatchObject({
      id: 'bge-small-en-v1.5',
      repo: 'Xenova/bge-small-en-v1.5',
      dims: 384,
      pooling: 'cls',
      normalize: true,
      queryPrefix: 'Represent this sentence for searching relevant passages: ',
      maxTokens: 512,
      dtype: { webgpu: 'fp32', wasm: 'q8', cpu: 'q8' },
      localOnly: false,
      testFixture: false,
    });
  });

  it('has the MiniLM alternative and the local-only GloVe fixture', () => {
    expect(getModelSpec('all-MiniLM-L6-v2')).toMatchObject({ pooling: 'mean', maxTokens: 256, dims: 384 });
    expect(getModelSpec(TEST_MODEL_ID)).toMatchObject({
      repo: 'trove/glove-50d-static',
      dims: 50,
      localOnly: true,
      testFixture: true,
      dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
    });
    expect(listModels().map((m) => m.id)).toEqual(Object.keys(MODEL_REGISTRY));
  });

  it('has multilingual-e5-small with its card\'s "query: "/"passage: " prefixes, mean pooling and 384 dimensions', () => {
    const spec = getModelSpec('multilingual-e5-small');
    expect(spec).toMatchObject({
      repo: 'Xenova/multilingual-e5-small',
      dims: 384,
      pooling: 'mean',
      normalize: true,
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
      maxTokens: 512,
      license: 'MIT',
      localOnly: false,
      testFixture: false,
    });
    expect(modelFingerprint(spec, 'q8')).toBe('Xenova/multilingual-e5-small@main|q8|384|mean');
  });

  it('rejects an unknown id with INVALID_ARGUMENT naming the valid ids', () => {
    const attempt = () => getModelSpec('gpt-7');
    expect(attempt).toThrow(TroveError);
    try {
      attempt();
    } catch (error) {
      expect((error as TroveError).code).toBe('INVALID_ARGUMENT');
      for (const id of Object.keys(MODEL_REGISTRY)) expect((error as Error).message).toContain(id);
    }
    // Inherited object keys are not models.
    expect(() => getModelSpec('toString')).toThrow(/Unknown embedding model/);
  });

  it('fingerprints repo, revision, dtype, dims and pooling, so q8 and fp32 vectors never mix', () => {
    const spec = getModelSpec(DEFAULT_MODEL_ID);
    expect(modelFingerprint(spec, 'q8')).toBe('Xenova/bge-small-en-v1.5@main|q8|384|cls');
    expect(modelFingerprint(spec, 'fp32')).not.toBe(modelFingerprint(spec, 'q8'));
    expect(modelFingerprint(getModelSpec('all-MiniLM-L6-v2'), 'q8')).not.toBe(modelFingerprint(spec, 'q8'));
  });
});

describe('model registry coverage', () => {
  const products = listModels().filter((m) => !m.testFixture);

  it('has a fast small English model, a stronger English one, a multilingual one and a static one for weak devices', () => {
    expect(getModelSpec(DEFAULT_MODEL_ID).languages).toEqual(['en']);
    const stronger = getModelSpec('bge-base-en-v1.5');
    expect(stronger.dims).toBeGreaterThan(getModelSpec(DEFAULT_MODEL_ID).dims);
    expect(products.some((m) => m.languages.includes('multilingual'))).toBe(true);
    expect(products.some((m) => m.architecture === 'static-bag')).toBe(true);
  });

  it('bge-base-en-v1.5 uses CLS pooling and the bge retrieval instruction on queries only (BAAI card)', () => {
    expect(getModelSpec('bge-base-en-v1.5')).toMatchObject({
      repo: 'Xenova/bge-base-en-v1.5',
      dims: 768,
      architecture: 'transformer',
      pooling: 'cls',
      queryPrefix: 'Represent this sentence for searching relevant passages: ',
      passagePrefix: '',
      maxTokens: 512,
      license: 'MIT',
    });
  });

  it('multilingual-e5-small prefixes "query: " and "passage: " and mean-pools (intfloat card)', () => {
    expect(getModelSpec('multilingual-e5-small')).toMatchObject({
      repo: 'Xenova/multilingual-e5-small',
      dims: 384,
      architecture: 'transformer',
      pooling: 'mean',
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
      languages: ['multilingual'],
      license: 'MIT',
    });
  });

  it('potion-base-8M is a static bag model: fp32 everywhere, no prefixes, 256 dims (model2vec card)', () => {
    expect(getModelSpec('potion-base-8M')).toMatchObject({
      repo: 'minishlab/potion-base-8M',
      dims: 256,
      architecture: 'static-bag',
      queryPrefix: '',
      passagePrefix: '',
      dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
      license: 'MIT',
    });
  });

  it('every product model states size per dtype it runs with, languages, licence and a sourced quality figure', () => {
    for (const model of products) {
      for (const dtype of Object.values(model.dtype))
        expect(model.sizeMB[dtype], `${model.id} ${dtype}`).toBeGreaterThan(0);
      expect(model.languages.length, model.id).toBeGreaterThan(0);
      expect(model.license, model.id).toMatch(/MIT|Apache/);
      expect(model.quality, model.id).toMatch(/card|results|leaderboard/i);
      expect(model.quality, model.id).toMatch(/\d+\.\d+/);
      expect(model.summary.length, model.id).toBeGreaterThan(5);
    }
  });

  it('keeps the multilingual model last, so another change adding the same entry merges cleanly', () => {
    expect(listModels().at(-1)?.id).toBe('multilingual-e5-small');
  });
});
