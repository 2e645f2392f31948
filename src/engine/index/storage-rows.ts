// What the three storages share: rows of a fixed stride in one kernel memory (wasm or an ArrayBuffer), grown by
// doubling, with a small scratch area in front for the prepared query, row lists and scores that the kernels read
// and write. Subclasses encode rows and queries and pick their kernels.
//
// Memory: [query | row indices (BATCH × u32) | scores (BATCH × f32) | rows …]. The layout is the same for both
// backends, so exported rows load into either.
import { createKernels, PAGE_BYTES, type KernelBackend, type Kernels } from './kernels/kernels.ts';
import type { PreparedQuery, Quantization, VectorStorage } from './vector-storage.ts';

/** Rows per kernel call when the caller's list is longer than the scratch area. */
export const BATCH = 2048;

export interface StorageOptions {
  /** 'auto' uses the WebAssembly SIMD kernels where they run, else TS; 'wasm' fails where they do not. */
  backend?: KernelBackend;
  /** Rows to make room for up front. */
  initialCapacity?: number;
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** A query encoded for one storage; copied into the kernel memory when it is used. */
export class EncodedQuery implements PreparedQuery {
  released = false;
  constructor(
    readonly owner: RowStorage,
    readonly bytes: Uint8Array,
    /** Encoding parameter passed to the kernel (the int8 query scale). */
    readonly scale: number,
  ) {}
  release(): void {
    this.released = true;
    this.owner.forget(this);
  }
}

export abstract class RowStorage implements VectorStorage {
  abstract readonly quantization: Quantization;
  readonly dims: number;
  /** Bytes per row, padding and per-row scale included. */
  readonly stride: number;
  protected readonly kernels: Kernels;
  protected readonly queryPtr = 0;
  protected readonly idxPtr: number;
  protected readonly outPtr: number;
  protected readonly base: number;
  /** Views over the kernel memory; re-created after it grows. */
  protected bytes!: Uint8Array;
  protected floats!: Float32Array;
  protected words!: Uint32Array;
  private count = 0;
  private capacity = 0;
  private active: EncodedQuery | null = null;

  protected constructor(dims: number, stride: number, queryBytes: number, options: StorageOptions) {
    if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}`);
    this.dims = dims;
    this.stride = stride;
    this.idxPtr = align16(queryBytes);
    this.outPtr = this.idxPtr + BATCH * 4;
    this.base = this.outPtr + BATCH * 4;
    const rows = Math.max(0, Math.floor(options.initialCapacity ?? 0));
    this.kernels = createKernels(options.backend ?? 'auto', Math.ceil((this.base + rows * stride) / PAGE_BYTES));
    this.capacity = Math.floor((this.kernels.memory.buffer.byteLength - this.base) / stride);
    this.refreshViews();
  }

  /** Which kernels score this storage. */
  get backend(): 'wasm' | 'ts' {
    return this.kernels.backend;
  }

  get size(): number {
    return this.count;
  }

  get bytesPerVector(): number {
    return this.stride;
  }

  /** Writes one row's encoding of src[srcOffset … + dims − 1] at byte `ptr` (padding included). */
  protected abstract encodeRow(src: Float32Array, srcOffset: number, ptr: number): void;
  protected abstract encodeQuery(query: Float32Array): EncodedQuery;
  protected abstract kernelRange(query: EncodedQuery, from: number, to: number, out: number): void;
  protected abstract kernelGather(query: EncodedQuery, idx: number, count: number, out: number): void;
  protected abstract kernelPair(a: number, b: number): number;

  append(vectors: Float32Array): number {
    const n = vectors.length / this.dims;
    if (!Number.isInteger(n)) throw new RangeError(`expected a multiple of ${this.dims} floats, got ${vectors.length}`);
    const first = this.count;
    this.reserve(first + n);
    for (let i = 0; i < n; i++) this.encodeRow(vectors, i * this.dims, this.rowPtr(first + i));
    this.count += n;
    return first;
  }

  move(from: number, to: number): void {
    this.checkRow(from);
    this.checkRow(to);
    if (from !== to) this.bytes.copyWithin(this.rowPtr(to), this.rowPtr(from), this.rowPtr(from) + this.stride);
  }

  truncate(rows: number): void {
    if (!(rows >= 0)) throw new RangeError(`cannot truncate to ${rows} rows`);
    this.count = Math.min(this.count, Math.floor(rows));
  }

  prepare(query: Float32Array): PreparedQuery {
    if (query.length !== this.dims) throw new RangeError(`query has ${query.length} dims, storage has ${this.dims}`);
    return this.encodeQuery(query);
  }

  scoreRange(query: PreparedQuery, from: number, to: number, out: Float32Array): void {
    if (!(from >= 0 && from <= to && to <= this.count))
      throw new RangeError(`rows ${from}…${to} outside 0…${this.count}`);
    if (out.length < to - from) throw new RangeError(`out holds ${out.length} scores, need ${to - from}`);
    const q = this.use(query);
    for (let start = from; start < to; start += BATCH) {
      const end = Math.min(to, start + BATCH);
      this.kernelRange(q, start, end, this.outPtr);
      out.set(this.floats.subarray(this.outPtr >> 2, (this.outPtr >> 2) + end - start), start - from);
    }
  }

  /** Rows must be below `size` (not checked: this is the hot path of graph search). */
  scoreRows(query: PreparedQuery, rows: Uint32Array, count: number, out: Float32Array): void {
    if (count > rows.length || count > out.length) throw new RangeError(`count ${count} exceeds rows or out`);
    const q = this.use(query);
    for (let start = 0; start < count; start += BATCH) {
      const n = Math.min(BATCH, count - start);
      this.words.set(rows.subarray(start, start + n), this.idxPtr >> 2);
      this.kernelGather(q, this.idxPtr, n, this.outPtr);
      out.set(this.floats.subarray(this.outPtr >> 2, (this.outPtr >> 2) + n), start);
    }
  }

  scorePair(a: number, b: number): number {
    this.checkRow(a);
    this.checkRow(b);
    return this.kernelPair(this.rowPtr(a), this.rowPtr(b));
  }

  exportRows(from: number, to: number): Uint8Array {
    if (!(from >= 0 && from <= to && to <= this.count))
      throw new RangeError(`rows ${from}…${to} outside 0…${this.count}`);
    return this.bytes.slice(this.rowPtr(from), this.rowPtr(to));
  }

  importRows(bytes: Uint8Array): number {
    const n = bytes.length / this.stride;
    if (!Number.isInteger(n)) throw new RangeError(`expected a multiple of ${this.stride} bytes, got ${bytes.length}`);
    const first = this.count;
    this.reserve(first + n);
    this.bytes.set(bytes, this.rowPtr(first));
    this.count += n;
    return first;
  }

  /** Called by a released query, so a later query is not mistaken for it. */
  forget(query: EncodedQuery): void {
    if (this.active === query) this.active = null;
  }

  protected rowPtr(row: number): number {
    return this.base + row * this.stride;
  }

  /** Copies the query into the scratch area unless it is already there. */
  private use(query: PreparedQuery): EncodedQuery {
    if (!(query instanceof EncodedQuery) || query.owner !== this)
      throw new Error('query was prepared by another storage');
    if (query.released) throw new Error('query was released');
    if (this.active !== query) {
      this.bytes.set(query.bytes, this.queryPtr);
      this.active = query;
    }
    return query;
  }

  private checkRow(row: number): void {
    if (!(row >= 0 && row < this.count)) throw new RangeError(`row ${row} outside 0…${this.count}`);
  }

  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2, 64);
    const memory = this.kernels.memory;
    const pages = Math.ceil((this.base + capacity * this.stride) / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) memory.grow(pages); // throws RangeError past the engine's memory limit
    this.capacity = Math.floor((memory.buffer.byteLength - this.base) / this.stride);
    this.refreshViews();
  }

  private refreshViews(): void {
    const buffer = this.kernels.memory.buffer;
    this.bytes = new Uint8Array(buffer);
    this.floats = new Float32Array(buffer);
    this.words = new Uint32Array(buffer);
  }
}
