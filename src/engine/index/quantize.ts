// Encodings of L2-normalised float vectors for the quantized storages, as plain functions over typed arrays.
//
// int8: symmetric scalar quantization with one scale per vector, scale = max|x| / 127, code = round(x / scale).
// Per vector rather than per dimension because it needs no training pass and no fixed range: vectors arrive
// incrementally, and a per-dimension range learned from the first batch would clip later outliers or force a
// re-encode of everything. The error it leaves (≈ 1e-3 on a cosine at 384 dims) is what rescoring removes.
//
// binary: one bit per dimension, set when x > 0; for ±1 vectors dot = dims − 2 × Hamming distance.

/** Group sizes the kernels work in: float32 rows pad to 4 floats, int8 rows to 16 codes, binary to 64 bits. */
export const paddedFloats = (dims: number): number => Math.ceil(dims / 4) * 4;
export const paddedCodes = (dims: number): number => Math.ceil(dims / 16) * 16;
export const binaryWords64 = (dims: number): number => Math.ceil(dims / 64);

/**
 * Writes round(x / scale) for dims values of src (from srcOffset) to out (from outOffset); returns the scale,
 * max|x| / 127 (0 for a zero vector, whose codes are all 0). `out` may be wider (the int16 query of the kernels).
 */
export function quantizeInt8(
  src: ArrayLike<number>,
  srcOffset: number,
  dims: number,
  out: Int8Array | Int16Array,
  outOffset: number,
): number {
  let max = 0;
  for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(src[srcOffset + d]));
  if (!(max > 0) || !Number.isFinite(max)) {
    out.fill(0, outOffset, outOffset + dims);
    return 0;
  }
  const inverse = 127 / max;
  for (let d = 0; d < dims; d++) {
    const code = Math.round(src[srcOffset + d] * inverse);
    out[outOffset + d] = code > 127 ? 127 : code < -127 ? -127 : code;
  }
  return Math.fround(max / 127);
}

/** Sets bit d of the little-endian 32-bit words from wordOffset when src[srcOffset + d] > 0; clears the others. */
export function packSigns(
  src: ArrayLike<number>,
  srcOffset: number,
  dims: number,
  words: Uint32Array,
  wordOffset: number,
): void {
  const wordCount = Math.ceil(dims / 32);
  words.fill(0, wordOffset, wordOffset + wordCount);
  for (let d = 0; d < dims; d++) {
    if (src[srcOffset + d] > 0) words[wordOffset + (d >>> 5)] |= 1 << (d & 31);
  }
}
