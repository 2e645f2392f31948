// Float32 rows, padded to a multiple of 4 floats: exact dot products (the rescoring copy of quantized indexes).
import { paddedFloats } from './quantize.ts';
import { EncodedQuery, RowStorage, type StorageOptions } from './storage-rows.ts';

export class Float32Storage extends RowStorage {
  readonly quantization = 'none' as const;
  /** 4-float groups per row. */
  private readonly groups: number;

  constructor(dims: number, options: StorageOptions = {}) {
    const stride = paddedFloats(dims) * 4;
    super(dims, stride, stride, options);
    this.groups = paddedFloats(dims) / 4;
  }

  /** A copy of a stored row (dims floats). */
  read(row: number): Float32Array {
    if (!(row >= 0 && row < this.size)) throw new RangeError(`row ${row} outside 0…${this.size}`);
    const at = this.rowPtr(row) >> 2;
    return this.floats.slice(at, at + this.dims);
  }

  protected encodeRow(src: Float32Array, srcOffset: number, ptr: number): void {
    const at = ptr >> 2;
    this.floats.set(src.subarray(srcOffset, srcOffset + this.dims), at);
    this.floats.fill(0, at + this.dims, at + this.groups * 4);
  }

  protected encodeQuery(query: Float32Array): EncodedQuery {
    const padded = new Float32Array(this.groups * 4);
    padded.set(query);
    return new EncodedQuery(this, new Uint8Array(padded.buffer), 0);
  }

  protected kernelRange(_query: EncodedQuery, from: number, to: number, out: number): void {
    this.kernels.f32_range(this.queryPtr, this.base, this.stride, this.groups, from, to, out);
  }

  protected kernelGather(_query: EncodedQuery, idx: number, count: number, out: number): void {
    this.kernels.f32_gather(this.queryPtr, this.base, this.stride, this.groups, idx, count, out);
  }

  protected kernelPair(a: number, b: number): number {
    return this.kernels.f32_pair(a, b, this.groups);
  }
}
