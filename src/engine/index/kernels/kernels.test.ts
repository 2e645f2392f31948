import { describe, expect, it } from 'vitest';
import { assembleKernels } from '../../../../scripts/build-kernels.mjs';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.ts';
import { createKernels, wasmKernelsAvailable, type Kernels } from './kernels.ts';
import { seededRandom as rng } from '../../testing/hnsw-test-data.ts';

describe('kernel bytes', () => {
  it('kernels-wasm.ts is a fresh assembly of kernels.wat (run scripts/build-kernels.mjs after editing it)', async () => {
    expect(Buffer.from(await assembleKernels()).toString('base64')).toBe(KERNELS_WASM_BASE64);
  });

  it('WebAssembly SIMD is available in Node, and the TS backend can be forced', () => {
    expect(wasmKernelsAvailable()).toBe(true);
    expect(createKernels('auto').backend).toBe('wasm');
    expect(createKernels('ts').backend).toBe('ts');
  });
});

// Both backends get the same bytes at the same pointers; every kernel shape must agree.
describe('wasm and TS kernels agree', () => {
  const ROWS = 37;
  const Q = 0; // query pointer
  const OUT = 8192; // scores
  const IDX = 16384; // row lists
  const BASE = 32768; // rows
  const SENTINEL = -12345;

  function pair(): [Kernels, Kernels] {
    return [createKernels('wasm', 8), createKernels('ts', 8)];
  }
  /** Same random bytes in both memories; `fill` decides what they are. */
  function fillBoth(ks: Kernels[], fill: (bytes: DataView) => void): void {
    const scratch = new DataView(new ArrayBuffer(ks[0].memory.buffer.byteLength));
    fill(scratch);
    for (const k of ks) new Uint8Array(k.memory.buffer).set(new Uint8Array(scratch.buffer));
  }
  function outOf(k: Kernels, count: number): Float32Array {
    return new Float32Array(k.memory.buffer, OUT, count).slice();
  }
  function resetOut(ks: Kernels[]): void {
    for (const k of ks) new Float32Array(k.memory.buffer, OUT, ROWS + 1).fill(SENTINEL);
  }
  function writeRowList(ks: Kernels[], rows: number[]): void {
    for (const k of ks) new Uint32Array(k.memory.buffer, IDX, rows.length).set(rows);
  }
  const gatherRows = [5, 0, 36, 36, 17, 2];

  /** Runs range (full, partial, empty), gather (some, none) and pair on both; compares with `close`. */
  function compareShapes(
    ks: Kernels[],
    range: (k: Kernels, from: number, to: number) => void,
    gather: (k: Kernels, count: number) => void,
    pairOf: (k: Kernels, a: number, b: number) => number,
    close: (a: number, b: number) => void,
  ): void {
    for (const [from, to] of [
      [0, ROWS],
      [3, 11],
      [7, 7],
      [0, 0],
    ]) {
      resetOut(ks);
      for (const k of ks) range(k, from, to);
      const [w, t] = ks.map((k) => outOf(k, ROWS + 1));
      for (let i = 0; i < to - from; i++) close(w[i], t[i]);
      expect(w[to - from]).toBe(SENTINEL); // nothing written past the range (nothing at all when empty)
      expect(t[to - from]).toBe(SENTINEL);
    }
    for (const count of [gatherRows.length, 0]) {
      resetOut(ks);
      writeRowList(ks, gatherRows);
      for (const k of ks) gather(k, count);
      const [w, t] = ks.map((k) => outOf(k, ROWS + 1));
      for (let i = 0; i < count; i++) close(w[i], t[i]);
      expect(w[count]).toBe(SENTINEL);
    }
    for (const [a, b] of [
      [0, 1],
      [36, 36],
      [12, 30],
    ])
      close(pairOf(ks[0], a, b), pairOf(ks[1], a, b));
  }

  for (const dims of [1, 3, 4, 5, 15, 16, 17, 33, 63, 64, 65, 100, 384]) {
    it(`float32 dot, ${dims} dims`, () => {
      const ks = pair();
      const n = Math.ceil(dims / 4);
      const stride = n * 16;
      const random = rng(dims);
      fillBoth(ks, (view) => {
        for (let d = 0; d < n * 4; d++) view.setFloat32(Q + d * 4, d < dims ? random() * 2 - 1 : 0, true);
        for (let r = 0; r < ROWS; r++) {
          for (let d = 0; d < n * 4; d++)
            view.setFloat32(BASE + r * stride + d * 4, d < dims ? random() * 2 - 1 : 0, true);
        }
      });
      compareShapes(
        ks,
        (k, from, to) => k.f32_range(Q, BASE, stride, n, from, to, OUT),
        (k, count) => k.f32_gather(Q, BASE, stride, n, IDX, count, OUT),
        (k, a, b) => k.f32_pair(BASE + a * stride, BASE + b * stride, n),
        (a, b) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.sqrt(dims)),
      );
    });

    it(`int8 dot, ${dims} dims`, () => {
      const ks = pair();
      const n = Math.ceil(dims / 16);
      const stride = n * 16 + 4;
      const random = rng(1000 + dims);
      const code = () => Math.round(random() * 254) - 127;
      fillBoth(ks, (view) => {
        for (let d = 0; d < n * 16; d++) view.setInt16(Q + d * 2, d < dims ? code() : 0, true);
        for (let r = 0; r < ROWS; r++) {
          for (let d = 0; d < n * 16; d++) view.setInt8(BASE + r * stride + d, d < dims ? code() : 0);
          view.setFloat32(BASE + r * stride + n * 16, random() / 127, true);
        }
      });
      const qscale = 0.9 / 127;
      compareShapes(
        ks,
        (k, from, to) => k.i8_range(Q, qscale, BASE, stride, n, from, to, OUT),
        (k, count) => k.i8_gather(Q, qscale, BASE, stride, n, IDX, count, OUT),
        (k, a, b) => k.i8_pair(BASE + a * stride, BASE + b * stride, n),
        (a, b) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(a))),
      );
    });

    it(`binary Hamming, ${dims} dims`, () => {
      const ks = pair();
      const n = Math.ceil(dims / 64);
      const stride = n * 8;
      const random = rng(2000 + dims);
      const bits = (view: DataView, at: number) => {
        for (let d = 0; d < n * 64; d++) {
          if (d < dims && random() < 0.5) view.setUint8(at + (d >> 3), view.getUint8(at + (d >> 3)) | (1 << (d & 7)));
        }
      };
      fillBoth(ks, (view) => {
        bits(view, Q);
        for (let r = 0; r < ROWS; r++) bits(view, BASE + r * stride);
      });
      compareShapes(
        ks,
        (k, from, to) => k.bin_range(Q, dims, BASE, stride, n, from, to, OUT),
        (k, count) => k.bin_gather(Q, dims, BASE, stride, n, IDX, count, OUT),
        (k, a, b) => k.bin_pair(BASE + a * stride, BASE + b * stride, n, dims),
        (a, b) => expect(a).toBe(b),
      );
      // Against a bit-by-bit count.
      const [wasm] = ks;
      const bytes = new Uint8Array(wasm.memory.buffer);
      for (const row of [0, 36]) {
        let distance = 0;
        for (let d = 0; d < dims; d++) {
          const bit = (at: number) => (bytes[at + (d >> 3)] >> (d & 7)) & 1;
          distance += bit(Q) ^ bit(BASE + row * stride);
        }
        expect(wasm.bin_pair(Q, BASE + row * stride, n, dims)).toBe(dims - 2 * distance);
      }
    });
  }

  it('memory grows and keeps its contents', () => {
    for (const k of pair()) {
      new Uint8Array(k.memory.buffer)[100] = 7;
      const before = k.memory.buffer.byteLength;
      k.memory.grow(3);
      expect(k.memory.buffer.byteLength).toBe(before + 3 * 65536);
      expect(new Uint8Array(k.memory.buffer)[100]).toBe(7);
    }
  });
});
