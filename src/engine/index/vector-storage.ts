// Where an index keeps its vectors, and the only way it compares them. Implementations hold rows in one
// contiguous buffer (WebAssembly memory when the SIMD kernels are available, else a plain typed array), encoded
// as float32, int8 (scalar quantized) or sign bits (binary), and score with the matching kernel.

export type Quantization = 'none' | 'int8' | 'binary';

/** A query encoded once for one storage (quantized, copied next to the rows); release it when done. */
export interface PreparedQuery {
  release(): void;
}

export interface VectorStorage {
  readonly dims: number;
  readonly quantization: Quantization;
  /** Rows stored. Rows are dense: 0 … size − 1. */
  readonly size: number;
  /** Bytes one row occupies in memory (codes plus any per-row scale). */
  readonly bytesPerVector: number;
  /** Appends rows (each `dims` floats, L2-normalised); returns the index of the first new row. */
  append(vectors: Float32Array): number;
  /** Copies row `from` over row `to` (compaction). */
  move(from: number, to: number): void;
  /** Drops rows from `rows` on. */
  truncate(rows: number): void;
  prepare(query: Float32Array): PreparedQuery;
  /**
   * Similarity of the query to each of rows[0 … count − 1], written to out[0 … count − 1]. Higher is closer:
   * the dot product (≈ cosine) for float32 and int8, and dims − 2 × Hamming distance for binary
   * (the dot product of the ±1 sign vectors), so all encodings rank the same way.
   */
  scoreRows(query: PreparedQuery, rows: Uint32Array, count: number, out: Float32Array): void;
  /** Similarity of the query to rows from … to − 1, written to out[0 … to − from − 1]. */
  scoreRange(query: PreparedQuery, from: number, to: number, out: Float32Array): void;
  /** Similarity between two stored rows (HNSW's neighbour-selection heuristic). */
  scorePair(a: number, b: number): number;
  /** The stored bytes of rows from … to − 1 (for persistence: exact, no re-encoding on load). */
  exportRows(from: number, to: number): Uint8Array;
  /** Appends rows previously exported from a storage of the same dims and quantization; returns the first row. */
  importRows(bytes: Uint8Array): number;
}
