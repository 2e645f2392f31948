// Int8 rows: per-vector symmetric scalar quantization (see quantize.ts for why per vector). A row is the codes,
// padded to a multiple of 16, then its float32 scale; score = code dot × query scale × row scale ≈ cosine.
// The query is quantized the same way but kept as int16, so the kernel sign-extends only the row.
import { paddedCodes, quantizeInt8 } from './quantize.ts';
import { EncodedQuery, RowStorage, type StorageOptions } from './storage-rows.ts';

export class Int8Storage extends RowStorage {
  readonly quantization = 'int8' as const;
  /** 16-code groups per row; the scale sits at byte groups × 16 of the row. */
  private readonly groups: number;
  private codes!: Int8Array;

  constructor(dims: number, options: StorageOptions = {}) {
    const padded = paddedCodes(dims);
    super(dims, padded + 4, padded * 2, options);
    this.groups = padded / 16;
  }

  protected encodeRow(src: Float32Array, srcOffset: number, ptr: number): void {
    if (this.codes?.buffer !== this.bytes.buffer) this.codes = new Int8Array(this.bytes.buffer);
    const scale = quantizeInt8(src, srcOffset, this.dims, this.codes, ptr);
    this.codes.fill(0, ptr + this.dims, ptr + this.groups * 16);
    this.floats[(ptr + this.groups * 16) >> 2] = scale;
  }

  protected encodeQuery(query: Float32Array): EncodedQuery {
    const codes = new Int16Array(this.groups * 16);
    const scale = quantizeInt8(query, 0, this.dims, codes, 0);
    return new EncodedQuery(this, new Uint8Array(codes.buffer), scale);
  }

  protected kernelRange(query: EncodedQuery, from: number, to: number, out: number): void {
    this.kernels.i8_range(this.queryPtr, query.scale, this.base, this.stride, this.groups, from, to, out);
  }

  protected kernelGather(query: EncodedQuery, idx: number, count: number, out: number): void {
    this.kernels.i8_gather(this.queryPtr, query.scale, this.base, this.stride, this.groups, idx, count, out);
  }

  protected kernelPair(a: number, b: number): number {
    return this.kernels.i8_pair(a, b, this.groups);
  }
}
