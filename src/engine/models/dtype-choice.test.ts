import { describe, expect, it } from 'vitest';
import {
  dtypeForModel,
  dtypeToLoad,
  offeredDtypes,
  reembedSeconds,
  storedDtypeOf,
  wantedDtype,
} from './dtype-choice.ts';
import { getModelSpec, modelFingerprint } from './model-registry.ts';

const bge = getModelSpec('bge-small-en-v1.5');

describe('choosing the dtype to load', () => {
  it('lists what a model has weights for, smallest download first', () => {
    expect(offeredDtypes(bge)).toEqual(['q8', 'fp32']);
    expect(offeredDtypes(getModelSpec('potion-base-8M'))).toEqual(['fp32']);
  });

  it("reads the stored vectors' dtype only from this model's fingerprints", () => {
    expect(storedDtypeOf(modelFingerprint(bge, 'q8'), bge)).toBe('q8');
    expect(storedDtypeOf(modelFingerprint(bge, 'fp32'), bge)).toBe('fp32');
    expect(storedDtypeOf(modelFingerprint(getModelSpec('all-MiniLM-L6-v2'), 'q8'), bge)).toBeUndefined();
    expect(storedDtypeOf(undefined, bge)).toBeUndefined();
  });

  it('a confirmed change wins, then the stored dtype, then the Settings choice, else the device default', () => {
    expect(dtypeToLoad({ choice: 'fp32', stored: 'q8', accepted: 'fp16' })).toBe('fp16');
    expect(dtypeToLoad({ choice: 'fp32', stored: 'q8' })).toBe('q8');
    expect(dtypeToLoad({ choice: 'fp32' })).toBe('fp32');
    expect(dtypeToLoad({ choice: 'auto' })).toBeUndefined();
    expect(wantedDtype('auto', 'q8')).toBe('q8');
    expect(wantedDtype('fp32', 'q8')).toBe('fp32');
  });

  it('keeps a dtype choice only for models that have it', () => {
    expect(dtypeForModel('glove-50d-static', 'q8')).toBe('auto');
    expect(dtypeForModel('all-MiniLM-L6-v2', 'q8')).toBe('q8');
    expect(dtypeForModel('bge-small-en-v1.5', 'auto')).toBe('auto');
  });

  it('estimates the re-embed time only from a measured speed', () => {
    expect(reembedSeconds(1200, 40)).toBe(30);
    expect(reembedSeconds(1200, undefined)).toBeUndefined();
    expect(reembedSeconds(1200, 0)).toBeUndefined();
    expect(reembedSeconds(1200, Number.NaN)).toBeUndefined();
  });
});
