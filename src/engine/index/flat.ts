// Exact vector search: one contiguous Float32Array of L2-normalised rows, scored by dot product (= cosine).
import type { Hit, IdFilter, VectorIndex } from '../types.ts';
import { TopK } from './top-k.ts';

export class FlatIndex implements VectorIndex {
  readonly dims: number;
  private vectors: Float32Array;
  private ids: Uint32Array;
  private count = 0;
  /** id -> row, for O(1) removal. */
  private rowOf = new Map<number, number>();

  constructor(dims: number, initialCapacity = 1024) {
    if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}`);
    this.dims = dims;
    this.vectors = new Float32Array(initialCapacity * dims);
    this.ids = new Uint32Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return this.rowOf.has(id);
  }

  add(ids: ArrayLike<number>, vectors: Float32Array): void {
    if (vectors.length !== ids.length * this.dims) {
      throw new RangeError(`expected ${ids.length}×${this.dims} floats, got ${vectors.length}`);
    }
    this.reserve(this.count + ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const existing = this.rowOf.get(id);
      const row = existing ?? this.count++;
      this.vectors.set(vectors.subarray(i * this.dims, (i + 1) * this.dims), row * this.dims);
      this.ids[row] = id;
      this.rowOf.set(id, row);
    }
  }

  /** Removes by moving the last row into the hole, so the array stays dense. */
  remove(ids: ArrayLike<number>): void {
    for (let i = 0; i < ids.length; i++) {
      const row = this.rowOf.get(ids[i]);
      if (row === undefined) continue;
      const last = --this.count;
      if (row !== last) {
        this.vectors.copyWithin(row * this.dims, last * this.dims, (last + 1) * this.dims);
        const movedId = this.ids[last];
        this.ids[row] = movedId;
        this.rowOf.set(movedId, row);
      }
      this.rowOf.delete(ids[i]);
    }
  }

  /** The stored vector of an id (a copy), or undefined. */
  vectorOf(id: number): Float32Array | undefined {
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.vectors.slice(row * this.dims, (row + 1) * this.dims);
  }

  search(query: Float32Array, k: number, filter?: IdFilter): Hit[] {
    if (query.length !== this.dims) throw new RangeError(`query has ${query.length} dims, index has ${this.dims}`);
    const top = new TopK(k);
    const { dims, vectors, ids } = this;
    for (let row = 0; row < this.count; row++) {
      const id = ids[row];
      if (filter && !filter(id)) continue;
      let dot = 0;
      const base = row * dims;
      for (let d = 0; d < dims; d++) dot += vectors[base + d] * query[d];
      top.push(id, dot);
    }
    return top.sorted();
  }

  private reserve(rows: number): void {
    if (rows <= this.ids.length) return;
    const capacity = Math.max(rows, this.ids.length * 2);
    const vectors = new Float32Array(capacity * this.dims);
    vectors.set(this.vectors.subarray(0, this.count * this.dims));
    const ids = new Uint32Array(capacity);
    ids.set(this.ids.subarray(0, this.count));
    this.vectors = vectors;
    this.ids = ids;
  }
}
