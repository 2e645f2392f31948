// Exact vector search by scanning every row, on a VectorStorage (WebAssembly SIMD kernels or plain TS).
// Quantized variants scan compact codes (int8 or sign bits) for k × rescore candidates, then rescore those from a
// float32 copy, so the scores returned are always exact float32 dot products (= cosine for normalised rows).
// Persisted as pages of ROWS_PER_PAGE rows ("ids/p", "vec/p" the scanned encoding, "f32/p" the float32 copy of a
// quantized index) plus "meta"; only the pages that changed are handed out for writing.
import { TroveError } from '../core/errors.ts';
import type { Hit, IdFilter } from '../core/types.ts';
import { ROWS_PER_PAGE, type IndexPage, type PersistentVectorIndex } from './index-pages.ts';
import type { KernelBackend } from './kernels/kernels.ts';
import { createVectorStorage, Float32Storage, type RowStorage } from './storage.ts';
import { TopK } from '../core/top-k.ts';
import type { Quantization } from './vector-storage.ts';

export interface FlatIndexOptions {
  quantization?: Quantization;
  /**
   * Candidates rescored exactly = k × rescore (quantized only). Defaults: int8 4 (×2 already gives recall@10 1.0
   * on the benchmark mixture); binary 150 (sign bits keep only a coarse angle: on the 100,000 × 384 benchmark
   * mixture ×20 gives recall@10 0.92, ×100 0.992, ×150 0.997). The rescoring gather costs less than the scan.
   */
  rescore?: number;
  backend?: KernelBackend;
  initialCapacity?: number;
}

/** Rows scored per kernel call of the scan (the score buffer is reused across calls). */
const SCAN_BLOCK = 4096;
const FORMAT = 1;
const DEFAULT_RESCORE: Record<Quantization, number> = { none: 1, int8: 4, binary: 150 };

interface FlatMeta {
  format: number;
  kind: 'flat';
  dims: number;
  quantization: Quantization;
  count: number;
  rowsPerPage: number;
  rescore: number;
  /** Bytes per row of "vec" and "f32" pages, checked on load. */
  vecStride: number;
  f32Stride: number;
}

export class FlatIndex implements PersistentVectorIndex {
  readonly kind = 'flat' as const;
  readonly dims: number;
  readonly quantization: Quantization;
  readonly rescore: number;
  /** Float32 rows: what is scanned when not quantized, what rescoring reads when quantized. */
  private readonly exact: Float32Storage;
  /** The compact rows scanned first, or null when not quantized. */
  private readonly coarse: RowStorage | null;
  private ids: Uint32Array;
  /** id -> row, for O(1) removal. */
  private rowOf = new Map<number, number>();
  private scores = new Float32Array(SCAN_BLOCK);
  /** Every row's coarse score (the binary selection reads them twice). */
  private allScores = new Float32Array(0);
  /** Row pages changed since takeDirtyPages, and how many row pages the stored copy has. */
  private dirty = new Set<number>();
  private metaDirty = true;
  private storedPages = 0;

  constructor(dims: number, options: FlatIndexOptions = {}) {
    if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}`);
    this.dims = dims;
    this.quantization = options.quantization ?? 'none';
    // Not a number (e.g. `true`): the default for this quantization.
    const rescore = typeof options.rescore === 'number' ? options.rescore : DEFAULT_RESCORE[this.quantization];
    if (!(rescore >= 1)) throw new RangeError(`rescore must be at least 1, got ${rescore}`);
    this.rescore = rescore;
    const initialCapacity = options.initialCapacity ?? 1024;
    const storageOptions = { backend: options.backend, initialCapacity };
    this.exact = new Float32Storage(dims, storageOptions);
    this.coarse = this.quantization === 'none' ? null : createVectorStorage(dims, this.quantization, storageOptions);
    this.ids = new Uint32Array(Math.max(1, initialCapacity));
  }

  get size(): number {
    return this.exact.size;
  }

  /** Which kernels score this index. */
  get backend(): 'wasm' | 'ts' {
    return this.exact.backend;
  }

  /** Bytes per vector in memory: the scanned rows plus, when quantized, the float32 copy (ids not counted). */
  get bytesPerVector(): number {
    return this.exact.bytesPerVector + (this.coarse?.bytesPerVector ?? 0);
  }

  has(id: number): boolean {
    return this.rowOf.has(id);
  }

  /** Adds rows; an id already present gets the new vector (also when repeated within one call: the last wins). */
  add(ids: ArrayLike<number>, vectors: Float32Array): void {
    const { dims } = this;
    if (vectors.length !== ids.length * dims) {
      throw new RangeError(`expected ${ids.length}×${dims} floats, got ${vectors.length}`);
    }
    const first = this.size;
    const fresh: number[] = [];
    const replaced: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (this.rowOf.has(ids[i])) replaced.push(i);
      else {
        this.rowOf.set(ids[i], first + fresh.length);
        fresh.push(i);
      }
    }
    if (fresh.length > 0) {
      const block = fresh.length === ids.length ? vectors : gatherRows(vectors, dims, fresh);
      this.reserveIds(first + fresh.length);
      fresh.forEach((i, n) => (this.ids[first + n] = ids[i]));
      this.exact.append(block);
      this.coarse?.append(block);
      this.markRows(first, first + fresh.length);
    }
    for (const i of replaced) {
      const row = this.rowOf.get(ids[i])!;
      const vector = vectors.subarray(i * dims, (i + 1) * dims);
      for (const storage of this.storages()) {
        const tail = storage.append(vector);
        storage.move(tail, row);
        storage.truncate(tail);
      }
      this.markRows(row, row + 1);
    }
    if (ids.length > 0) this.metaDirty = true;
  }

  /** Removes by moving the last row into the hole, so the rows stay dense. */
  remove(ids: ArrayLike<number>): void {
    for (let i = 0; i < ids.length; i++) {
      const row = this.rowOf.get(ids[i]);
      if (row === undefined) continue;
      const last = this.size - 1;
      if (row !== last) {
        for (const storage of this.storages()) storage.move(last, row);
        const movedId = this.ids[last];
        this.ids[row] = movedId;
        this.rowOf.set(movedId, row);
      }
      for (const storage of this.storages()) storage.truncate(last);
      this.rowOf.delete(ids[i]);
      this.markRows(row, row + 1);
      this.markRows(last, last + 1);
      this.metaDirty = true;
    }
  }

  /** The stored float32 vector of an id (a copy), or undefined. */
  vectorOf(id: number): Float32Array | undefined {
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.exact.read(row);
  }

  search(query: Float32Array, k: number, filter?: IdFilter): Hit[] {
    if (query.length !== this.dims) throw new RangeError(`query has ${query.length} dims, index has ${this.dims}`);
    k = Math.min(Math.floor(k), this.size);
    if (!(k > 0)) return [];
    if (!this.coarse) {
      const top = new TopK(k);
      this.scan(this.exact, query, top, filter, this.ids);
      return top.sorted();
    }
    // Coarse scan for candidate rows, then exact float32 scores for those.
    const count = Math.min(this.size, Math.ceil(k * this.rescore));
    const rows =
      this.coarse.quantization === 'binary'
        ? this.binaryCandidates(query, count, filter)
        : this.heapCandidates(query, count, filter);
    const scores = new Float32Array(rows.length);
    const prepared = this.exact.prepare(query);
    try {
      this.exact.scoreRows(prepared, rows, rows.length, scores);
    } finally {
      prepared.release();
    }
    const top = new TopK(k);
    for (let i = 0; i < rows.length; i++) top.push(this.ids[rows[i]], scores[i]);
    return top.sorted();
  }

  takeDirtyPages(): { pages: IndexPage[]; removedPages: string[] } {
    const pageCount = Math.ceil(this.size / ROWS_PER_PAGE);
    const pages: IndexPage[] = [];
    const removedPages: string[] = [];
    for (const page of [...this.dirty].sort((a, b) => a - b)) if (page < pageCount) pages.push(...this.rowPages(page));
    for (let page = pageCount; page < this.storedPages; page++) removedPages.push(...this.pageNames(page));
    if (pages.length > 0 || removedPages.length > 0 || this.metaDirty) pages.push(this.metaPage());
    this.dirty.clear();
    this.metaDirty = false;
    this.storedPages = pageCount;
    return { pages, removedPages };
  }

  allPages(): IndexPage[] {
    const pages: IndexPage[] = [this.metaPage()];
    for (let page = 0; page * ROWS_PER_PAGE < this.size; page++) pages.push(...this.rowPages(page));
    return pages;
  }

  /** Loads an index from its pages, copying the stored rows as they are (nothing is re-encoded). */
  static fromPages(pages: Iterable<IndexPage>, options: { backend?: KernelBackend; rescore?: number } = {}): FlatIndex {
    const byName = new Map<string, Uint8Array>();
    for (const page of pages) byName.set(page.name, page.bytes);
    const metaBytes = byName.get('meta');
    if (!metaBytes) throw damaged('no meta page');
    const meta = JSON.parse(new TextDecoder().decode(metaBytes)) as FlatMeta;
    if (meta.format !== FORMAT || meta.kind !== 'flat')
      throw damaged(`unknown format ${meta.format} / kind ${meta.kind}`);
    if (meta.rowsPerPage !== ROWS_PER_PAGE)
      throw damaged(`pages of ${meta.rowsPerPage} rows, expected ${ROWS_PER_PAGE}`);
    const index = new FlatIndex(meta.dims, {
      quantization: meta.quantization,
      rescore: options.rescore ?? meta.rescore,
      backend: options.backend,
      initialCapacity: meta.count,
    });
    const vecStride = (index.coarse ?? index.exact).bytesPerVector;
    if (meta.vecStride !== vecStride || meta.f32Stride !== index.exact.bytesPerVector)
      throw damaged('row sizes differ');
    index.reserveIds(meta.count);
    for (let page = 0; page * ROWS_PER_PAGE < meta.count; page++) {
      const rows = Math.min(ROWS_PER_PAGE, meta.count - page * ROWS_PER_PAGE);
      const [idsName, vecName, f32Name] = index.pageNames(page);
      const idBytes = byName.get(idsName);
      const vecBytes = byName.get(vecName);
      const f32Bytes = f32Name === undefined ? undefined : byName.get(f32Name);
      if (idBytes?.length !== rows * 4 || vecBytes?.length !== rows * vecStride)
        throw damaged(`page ${page} is missing or short`);
      if (index.coarse) {
        if (f32Bytes?.length !== rows * index.exact.bytesPerVector)
          throw damaged(`page ${f32Name} is missing or short`);
        index.coarse.importRows(vecBytes);
        index.exact.importRows(f32Bytes);
      } else index.exact.importRows(vecBytes);
      const first = page * ROWS_PER_PAGE;
      // Copy first: the page's bytes need not be 4-aligned.
      index.ids.set(new Uint32Array(idBytes.slice().buffer), first);
      for (let i = 0; i < rows; i++) index.rowOf.set(index.ids[first + i], first + i);
    }
    if (index.rowOf.size !== meta.count) throw damaged('duplicate ids');
    index.dirty.clear();
    index.metaDirty = false;
    index.storedPages = Math.ceil(meta.count / ROWS_PER_PAGE);
    return index;
  }

  /**
   * Scores every row in blocks and offers to `top` only the rows that beat its current threshold; the filter
   * runs only for those, which gives the same answer as filtering every row. `ids` null: `top` collects rows.
   */
  private scan(
    storage: RowStorage,
    query: Float32Array,
    top: TopK,
    filter: IdFilter | undefined,
    ids: Uint32Array | null,
  ): void {
    const prepared = storage.prepare(query);
    const scores = this.scores;
    let threshold = top.threshold;
    try {
      for (let from = 0; from < this.size; from += SCAN_BLOCK) {
        const to = Math.min(this.size, from + SCAN_BLOCK);
        storage.scoreRange(prepared, from, to, scores);
        for (let i = 0, n = to - from; i < n; i++) {
          const score = scores[i];
          if (score <= threshold) continue;
          const row = from + i;
          if (filter && !filter(this.ids[row])) continue;
          top.push(ids ? ids[row] : row, score);
          threshold = top.threshold;
        }
      }
    } finally {
      prepared.release();
    }
  }

  /** The `count` best rows of the coarse scan, by a bounded heap (int8: few candidates). */
  private heapCandidates(query: Float32Array, count: number, filter: IdFilter | undefined): Uint32Array {
    const top = new TopK(count);
    this.scan(this.coarse!, query, top, filter, null);
    return Uint32Array.from(top.sorted(), (hit) => hit.id);
  }

  /**
   * The `count` best rows of a binary scan, by counting: scores are dims − 2h for a Hamming distance h in
   * 0 … dims, so one pass counts rows per h and a second collects the rows below the cut, in O(rows) whatever
   * `count` is (binary needs many candidates; a heap of thousands would dominate the scan). Ties at the cut go
   * to the lower rows. The filter runs for every row here: the cut depends on which rows match.
   */
  private binaryCandidates(query: Float32Array, count: number, filter: IdFilter | undefined): Uint32Array {
    const { dims, ids } = this;
    const n = this.size;
    if (this.allScores.length < n) this.allScores = new Float32Array(Math.max(n, this.allScores.length * 2));
    const scores = this.allScores;
    const prepared = this.coarse!.prepare(query);
    try {
      this.coarse!.scoreRange(prepared, 0, n, scores);
    } finally {
      prepared.release();
    }
    const perDistance = new Uint32Array(dims + 2);
    if (filter) {
      const rejected = -dims - 2; // distance dims + 1: never taken
      for (let row = 0; row < n; row++) {
        if (!filter(ids[row])) scores[row] = rejected;
        perDistance[(dims - scores[row]) >> 1]++;
      }
    } else for (let row = 0; row < n; row++) perDistance[(dims - scores[row]) >> 1]++;
    // The cut: distances below `cut` are all taken, and the first `atCut` rows at distance `cut`.
    let cut = 0;
    let taken = 0;
    while (cut <= dims && taken + perDistance[cut] < count) taken += perDistance[cut++];
    let leftAtCut = cut <= dims ? count - taken : 0;
    const rows = new Uint32Array(taken + leftAtCut);
    const lowest = dims - 2 * cut; // the score at the cut
    let size = 0;
    for (let row = 0; row < n; row++) {
      const score = scores[row];
      if (score > lowest) rows[size++] = row;
      else if (score === lowest && leftAtCut > 0) {
        rows[size++] = row;
        leftAtCut--;
      }
    }
    return rows;
  }

  private storages(): RowStorage[] {
    return this.coarse ? [this.coarse, this.exact] : [this.exact];
  }

  private markRows(from: number, to: number): void {
    for (let page = Math.floor(from / ROWS_PER_PAGE); page * ROWS_PER_PAGE < to; page++) this.dirty.add(page);
  }

  /** "ids/p", "vec/p" and, when quantized, "f32/p". */
  private pageNames(page: number): string[] {
    return this.coarse ? [`ids/${page}`, `vec/${page}`, `f32/${page}`] : [`ids/${page}`, `vec/${page}`];
  }

  private rowPages(page: number): IndexPage[] {
    const from = page * ROWS_PER_PAGE;
    const to = Math.min(this.size, from + ROWS_PER_PAGE);
    const names = this.pageNames(page);
    const pages: IndexPage[] = [
      { name: names[0], bytes: new Uint8Array(this.ids.buffer.slice(from * 4, to * 4)) },
      { name: names[1], bytes: (this.coarse ?? this.exact).exportRows(from, to) },
    ];
    if (this.coarse) pages.push({ name: names[2], bytes: this.exact.exportRows(from, to) });
    return pages;
  }

  private metaPage(): IndexPage {
    const meta: FlatMeta = {
      format: FORMAT,
      kind: 'flat',
      dims: this.dims,
      quantization: this.quantization,
      count: this.size,
      rowsPerPage: ROWS_PER_PAGE,
      rescore: this.rescore,
      vecStride: (this.coarse ?? this.exact).bytesPerVector,
      f32Stride: this.exact.bytesPerVector,
    };
    return { name: 'meta', bytes: new TextEncoder().encode(JSON.stringify(meta)) };
  }

  private reserveIds(rows: number): void {
    if (rows <= this.ids.length) return;
    const ids = new Uint32Array(Math.max(rows, this.ids.length * 2));
    ids.set(this.ids.subarray(0, this.size));
    this.ids = ids;
  }
}

function gatherRows(vectors: Float32Array, dims: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((row, i) => out.set(vectors.subarray(row * dims, (row + 1) * dims), i * dims));
  return out;
}

function damaged(detail: string): TroveError {
  return new TroveError('STORAGE_FAILED', `The saved flat index is damaged (${detail}); it will be rebuilt.`);
}
