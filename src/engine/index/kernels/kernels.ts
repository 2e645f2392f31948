// The distance kernels behind every vector storage: the WebAssembly SIMD module (kernels.wat), compiled once and
// instantiated once per storage (each instance owns its memory), or plain-TS twins with the same semantics over
// an ArrayBuffer with the same layout, when SIMD is missing or the caller asks for them (tests, benchmark).
// Pointers are byte offsets into `memory`; see kernels.wat for the row layouts.
import { KERNELS_WASM_BASE64 } from './kernels-wasm.ts';

export type KernelBackend = 'auto' | 'wasm' | 'ts';

/** What both backends expose: WebAssembly.Memory's shape and the module's exports. */
export interface KernelMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` 64 KiB pages; the old buffer is detached, so views must be re-created. */
  grow(pages: number): number;
}

export interface Kernels {
  readonly backend: 'wasm' | 'ts';
  readonly memory: KernelMemory;
  f32_pair(a: number, b: number, n: number): number;
  f32_range(q: number, base: number, stride: number, n: number, from: number, to: number, out: number): void;
  f32_gather(q: number, base: number, stride: number, n: number, idx: number, count: number, out: number): void;
  i8_pair(a: number, b: number, n: number): number;
  i8_range(
    q: number,
    qscale: number,
    base: number,
    stride: number,
    n: number,
    from: number,
    to: number,
    out: number,
  ): void;
  i8_gather(
    q: number,
    qscale: number,
    base: number,
    stride: number,
    n: number,
    idx: number,
    count: number,
    out: number,
  ): void;
  bin_pair(a: number, b: number, n: number, dims: number): number;
  bin_range(
    q: number,
    dims: number,
    base: number,
    stride: number,
    n: number,
    from: number,
    to: number,
    out: number,
  ): void;
  bin_gather(
    q: number,
    dims: number,
    base: number,
    stride: number,
    n: number,
    idx: number,
    count: number,
    out: number,
  ): void;
}

export const PAGE_BYTES = 65536;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernels, or null where WebAssembly or its SIMD is missing (or sync compile is refused). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly === 'object') {
      const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
      // validate() is the feature test: the module uses SIMD128, so it validates only where SIMD exists.
      if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    }
  } catch {
    compiled = null; // e.g. a browser's main thread refusing synchronous compilation: the TS kernels still work
  }
  return compiled;
}

/** Whether the WebAssembly SIMD kernels can run here. */
export function wasmKernelsAvailable(): boolean {
  return kernelModule() !== null;
}

/** A fresh kernel instance with its own memory (`initialPages` long). */
export function createKernels(backend: KernelBackend = 'auto', initialPages = 1): Kernels {
  const module = backend === 'ts' ? null : kernelModule();
  if (module) {
    const instance = new WebAssembly.Instance(module, {});
    const exports = instance.exports as unknown as Omit<Kernels, 'backend'>;
    const current = exports.memory.buffer.byteLength / PAGE_BYTES;
    if (initialPages > current) exports.memory.grow(initialPages - current);
    return { ...exports, backend: 'wasm' };
  }
  if (backend === 'wasm') throw new Error('WebAssembly SIMD kernels are not available in this environment');
  return new TsKernels(initialPages);
}

/** ArrayBuffer that grows like WebAssembly.Memory: a copy into a larger buffer. */
class ArrayMemory implements KernelMemory {
  buffer: ArrayBuffer;
  constructor(pages: number) {
    this.buffer = new ArrayBuffer(pages * PAGE_BYTES);
  }
  grow(pages: number): number {
    const old = this.buffer;
    this.buffer = new ArrayBuffer(old.byteLength + pages * PAGE_BYTES);
    new Uint8Array(this.buffer).set(new Uint8Array(old));
    return old.byteLength / PAGE_BYTES;
  }
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The plain-TS kernels: same pointers, layouts and results (within float rounding) as the wasm module. */
export class TsKernels implements Kernels {
  readonly backend = 'ts' as const;
  readonly memory: KernelMemory;
  private viewOf: ArrayBuffer | null = null;
  private f32 = new Float32Array(0);
  private i8 = new Int8Array(0);
  private i32 = new Int32Array(0);
  private u32 = new Uint32Array(0);

  constructor(initialPages = 1) {
    this.memory = new ArrayMemory(initialPages);
  }

  /** Views over the current buffer (re-created after a grow). */
  private views(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.viewOf) return;
    this.viewOf = buffer;
    this.f32 = new Float32Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u32 = new Uint32Array(buffer);
  }

  private f32Dot(a: number, b: number, n: number): number {
    const v = this.f32;
    let i = a >> 2;
    let j = b >> 2;
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (const end = i + n * 4; i < end; i += 4, j += 4) {
      s0 += v[i] * v[j];
      s1 += v[i + 1] * v[j + 1];
      s2 += v[i + 2] * v[j + 2];
      s3 += v[i + 3] * v[j + 3];
    }
    return s0 + s1 + s2 + s3;
  }

  /** int16 query at q · int8 row at r, n groups of 16; four codes per 32-bit load (rows are 4-byte aligned). */
  private i8qDot(q: number, r: number, n: number): number {
    const w = this.i32;
    let j = q >> 2;
    let s0 = 0,
      s1 = 0;
    for (let i = r >> 2, end = (r >> 2) + n * 4; i < end; i++, j += 2) {
      const codes = w[i];
      const q01 = w[j];
      const q23 = w[j + 1];
      s0 += ((codes << 24) >> 24) * ((q01 << 16) >> 16) + ((codes << 16) >> 24) * (q01 >> 16);
      s1 += ((codes << 8) >> 24) * ((q23 << 16) >> 16) + (codes >> 24) * (q23 >> 16);
    }
    return s0 + s1;
  }

  private hamming(a: number, b: number, n: number): number {
    const u = this.u32;
    let i = a >> 2;
    let j = b >> 2;
    let count = 0;
    for (const end = i + n * 2; i < end; i++, j++) count += popcount32(u[i] ^ u[j]);
    return count;
  }

  f32_pair(a: number, b: number, n: number): number {
    this.views();
    return Math.fround(this.f32Dot(a, b, n));
  }

  f32_range(q: number, base: number, stride: number, n: number, from: number, to: number, out: number): void {
    this.views();
    for (let r = from, o = out >> 2; r < to; r++, o++) this.f32[o] = this.f32Dot(q, base + r * stride, n);
  }

  f32_gather(q: number, base: number, stride: number, n: number, idx: number, count: number, out: number): void {
    this.views();
    for (let i = 0, x = idx >> 2, o = out >> 2; i < count; i++)
      this.f32[o + i] = this.f32Dot(q, base + this.u32[x + i] * stride, n);
  }

  i8_pair(a: number, b: number, n: number): number {
    this.views();
    const i8 = this.i8;
    let sum = 0;
    for (let i = 0; i < n * 16; i++) sum += i8[a + i] * i8[b + i];
    return Math.fround(Math.fround(sum * this.f32[(a + n * 16) >> 2]) * this.f32[(b + n * 16) >> 2]);
  }

  i8_range(
    q: number,
    qscale: number,
    base: number,
    stride: number,
    n: number,
    from: number,
    to: number,
    out: number,
  ): void {
    this.views();
    for (let r = from, o = out >> 2; r < to; r++, o++) {
      const row = base + r * stride;
      this.f32[o] = this.i8qDot(q, row, n) * qscale * this.f32[(row + n * 16) >> 2];
    }
  }

  i8_gather(
    q: number,
    qscale: number,
    base: number,
    stride: number,
    n: number,
    idx: number,
    count: number,
    out: number,
  ): void {
    this.views();
    for (let i = 0, x = idx >> 2, o = out >> 2; i < count; i++) {
      const row = base + this.u32[x + i] * stride;
      this.f32[o + i] = this.i8qDot(q, row, n) * qscale * this.f32[(row + n * 16) >> 2];
    }
  }

  bin_pair(a: number, b: number, n: number, dims: number): number {
    this.views();
    return dims - 2 * this.hamming(a, b, n);
  }

  bin_range(
    q: number,
    dims: number,
    base: number,
    stride: number,
    n: number,
    from: number,
    to: number,
    out: number,
  ): void {
    this.views();
    for (let r = from, o = out >> 2; r < to; r++, o++) this.f32[o] = dims - 2 * this.hamming(q, base + r * stride, n);
  }

  bin_gather(
    q: number,
    dims: number,
    base: number,
    stride: number,
    n: number,
    idx: number,
    count: number,
    out: number,
  ): void {
    this.views();
    for (let i = 0, x = idx >> 2, o = out >> 2; i < count; i++) {
      this.f32[o + i] = dims - 2 * this.hamming(q, base + this.u32[x + i] * stride, n);
    }
  }
}
