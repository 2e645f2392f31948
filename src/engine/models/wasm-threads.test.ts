import { describe, expect, it } from 'vitest';
import { MAX_WASM_THREADS, wasmThreads } from './wasm-threads.ts';

describe('wasmThreads', () => {
  it('is 1 without cross-origin isolation, whatever the cores (no SharedArrayBuffer)', () => {
    expect(wasmThreads(16, false)).toBe(1);
    expect(wasmThreads(16, undefined)).toBe(1);
  });

  it('uses both cores of a 2-core machine when isolated (ORT would default to 1)', () => {
    expect(wasmThreads(2, true)).toBe(2);
    expect(wasmThreads(1, true)).toBe(1);
  });

  it('leaves one core for the page on bigger machines and stops at the cap', () => {
    expect(wasmThreads(4, true)).toBe(3);
    expect(wasmThreads(5, true)).toBe(4);
    expect(wasmThreads(64, true)).toBe(MAX_WASM_THREADS);
  });

  it('treats a missing or nonsense core count as one core', () => {
    expect(wasmThreads(undefined, true)).toBe(1);
    expect(wasmThreads(Number.NaN, true)).toBe(1);
    expect(wasmThreads(0, true)).toBe(1);
  });
});
