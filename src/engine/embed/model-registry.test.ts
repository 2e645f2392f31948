import { describe, expect, it } from 'vitest';
import { TroveError } from '../errors.ts';
import { DEFAULT_MODEL_ID, MODEL_REGISTRY, TEST_MODEL_ID, getModelSpec, listModels, modelFingerprint } from './model-registry.ts';

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
