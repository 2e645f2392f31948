import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { FreshRuntimeNeeded, isRuntimeTrap } from './runtime-trap.ts';

describe('isRuntimeTrap', () => {
  it('recognises a WebAssembly trap, also when a load error wraps it', () => {
    const trap = new WebAssembly.RuntimeError('operation does not support unaligned accesses');
    expect(isRuntimeTrap(trap)).toBe(true);
    const wrapped = new TroveError('MODEL_UNAVAILABLE', 'Embedding model "x" could not be loaded: …', { cause: trap });
    expect(isRuntimeTrap(wrapped)).toBe(true);
    expect(isRuntimeTrap(new Error('failed', { cause: new Error('memory access out of bounds') }))).toBe(true);
  });

  it('recognises the WebGPU symptom of a broken runtime', () => {
    const symptom = new TypeError(
      "Failed to execute 'setPipeline' on 'GPUComputePassEncoder': parameter 1 is not of type 'GPUComputePipeline'.",
    );
    expect(isRuntimeTrap(symptom)).toBe(true);
  });

  it('asks for a fresh runtime when a WebGPU session was refused in a worker where WASM already ran', () => {
    const refused = new TroveError('MODEL_UNAVAILABLE', 'could not be loaded', { cause: new FreshRuntimeNeeded() });
    expect(isRuntimeTrap(refused)).toBe(true);
  });

  it('leaves ordinary failures (missing files, network, cancelled) to the usual retry', () => {
    expect(isRuntimeTrap(new TroveError('MODEL_UNAVAILABLE', 'model.onnx not found locally'))).toBe(false);
    expect(isRuntimeTrap(new TypeError('Failed to fetch'))).toBe(false);
    expect(isRuntimeTrap(new TroveError('CANCELLED'))).toBe(false);
    expect(isRuntimeTrap('memory access out of bounds')).toBe(false); // not an error object
    expect(isRuntimeTrap(undefined)).toBe(false);
  });
});
