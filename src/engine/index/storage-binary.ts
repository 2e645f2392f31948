// Binary rows: one sign bit per dimension, packed into 64-bit words (zero padding bits match on both sides, so
// they never count). score = dims − 2 × Hamming distance = the dot product of the ±1 sign vectors.
import { binaryWords64, packSigns } from './quantize.ts';
import { EncodedQuery, RowStorage, type StorageOptions } from './storage-rows.ts';

export class BinaryStorage extends RowStorage {
  readonly quantization = 'binary' as const;
  /** 64-bit words per row. */
  private readonly words64: number;

  constructor(dims: number, options: StorageOptions = {}) {
    const words64 = binaryWords64(dims);
    super(dims, words64 * 8, words64 * 8, options);
    this.words64 = words64;
  }

  protected encodeRow(src: Float32Array, srcOffset: number, ptr: number): void {
    this.words.fill(0, ptr >> 2, (ptr >> 2) + this.words64 * 2);
    packSigns(src, srcOffset, this.dims, this.words, ptr >> 2);
  }

  protected encodeQuery(query: Float32Array): EncodedQuery {
    const words = new Uint32Array(this.words64 * 2);
    packSigns(query, 0, this.dims, words, 0);
    return new EncodedQuery(this, new Uint8Array(words.buffer), 0);
  }

  protected kernelRange(_query: EncodedQuery, from: number, to: number, out: number): void {
    this.kernels.bin_range(this.queryPtr, this.dims, this.base, this.stride, this.words64, from, to, out);
  }

  protected kernelGather(_query: EncodedQuery, idx: number, count: number, out: number): void {
    this.kernels.bin_gather(this.queryPtr, this.dims, this.base, this.stride, this.words64, idx, count, out);
  }

  protected kernelPair(a: number, b: number): number {
    return this.kernels.bin_pair(a, b, this.words64, this.dims);
  }
}
