// Hierarchical Navigable Small World graph (Malkov & Yashunin, "Efficient and robust approximate nearest
// neighbor search using Hierarchical Navigable Small World graphs", 2016/2018). The whole algorithm is in this
// file; names follow the paper: M, M0 = 2M (Mmax0), efConstruction, ef, mL = 1/ln(M), and the algorithm numbers
// (1 INSERT, 2 SEARCH-LAYER, 4 SELECT-NEIGHBORS-HEURISTIC, 5 K-NN-SEARCH) are cited where they are implemented.
//
// Memory layout (rows are the storage's rows, dense 0 … rows − 1):
//   ids      Uint32Array[row]                  external id (a chunk id)
//   levels   Uint8Array[row]                   top layer of the node
//   state    Uint8Array[row]                   LIVE, DELETED (tombstone: traversed, never returned) or FREE
//   links0   Uint32Array[row × (M0 + 1)]       layer 0: [count, neighbour rows …], a fixed stride per node
//   upperAt  Int32Array[row]                   offset into `upper` of the node's layer-1 list, −1 if none
//   upper    Uint32Array                       layers 1 … level: level × (M + 1) words per node, bump-allocated
// Similarity comes from the VectorStorage (higher = closer); each expanded node's unvisited neighbours are scored
// in one batched call. When quantized, the graph is built and searched on the quantized rows and the best
// candidates are rescored on a float32 copy, so returned scores are exact.
//
// Beyond the paper: deletes are tombstones (traversed, never returned) that consolidate() repairs once they pass a
// fraction of the index, freeing their rows for reuse; filters are applied during traversal, or answered by an
// exact scan of the matching rows when that is cheaper (very selective filters); the graph persists as pages of
// ROWS_PER_PAGE rows so an update rewrites only what it touched.
import { TroveError } from '../core/errors.ts';
import type { Hit, IdFilter } from '../core/types.ts';
import { ROWS_PER_PAGE, type IndexPage, type PersistentVectorIndex } from './index-pages.ts';
import { createVectorStorage, type KernelBackend } from './storage.ts';
import { TopK } from '../core/top-k.ts';
import type { PreparedQuery, Quantization, VectorStorage } from './vector-storage.ts';

export type StorageFactory = (dims: number, quantization: Quantization) => VectorStorage;

export interface HnswOptions {
  dims: number;
  /** Links per node on layers ≥ 1 (layer 0 keeps up to M0 = 2M). Default 16. */
  M?: number;
  /** Candidate list size while inserting. Default 200. */
  efConstruction?: number;
  /** Candidate list size while searching (raised to k when smaller). Default 64. */
  ef?: number;
  /** Seed of the level generator: same seed and same inserts give the same graph. Default 1. */
  seed?: number;
  quantization?: Quantization;
  /**
   * Quantized graphs keep a float32 copy: the search collects max(ef, k × rescore) candidates and rescores them
   * on it (int8: only the best k × rescore), so returned scores are exact. A number sets the multiplier; true
   * takes the default (2 for int8, 20 for binary); false keeps no float32 copy (smallest memory) and returns
   * quantized scores.
   */
  rescore?: boolean | number;
  /** Algorithm 4's keepPrunedConnections: fill lists up to their size with discarded candidates. Default false. */
  keepPrunedConnections?: boolean;
  /** Tombstones are repaired (see consolidate) once they exceed this fraction of the live nodes. Default 0.1. */
  maxTombstoneFraction?: number;
  /** Kernel backend of the storages. Default 'auto' (WebAssembly SIMD where it runs). */
  backend?: KernelBackend;
  /** Where vectors live; defaults to createVectorStorage. Tests inject their own. */
  createStorage?: StorageFactory;
}

export interface HnswSearchOptions {
  /** Overrides the index's ef for this search. */
  ef?: number;
  /** How many ids the filter accepts, if the caller knows; otherwise it is estimated by sampling. */
  matchingCount?: number;
  /** 'auto' picks graph traversal or an exact scan of the matching rows by expected cost. */
  strategy?: 'auto' | 'graph' | 'exact';
}

const FORMAT_VERSION = 1;
/** Row → page group is row >>> PAGE_SHIFT (ROWS_PER_PAGE is a power of two). */
const PAGE_SHIFT = Math.round(Math.log2(ROWS_PER_PAGE));
const LIVE = 0;
const DELETED = 1;
const FREE = 2;
/** Highest level a node may draw (P(level ≥ 16) = M^−16: never, in practice). */
const MAX_LEVEL = 16;
/** Accept modes of searchLayer: construction keeps tombstones as neighbours (they still route). */
const ACCEPT_ALL = 0;
const ACCEPT_LIVE = 1;
/** Filtered search cost model, in "vectors scored": a layer-0 search scores about 12-15 × ef vectors to collect
 * ef results (measured at 100,000 × 384), plus heap and filter work per visit, hence VISITS_PER_EF; with a filter
 * of selectivity s it needs about 1/s times as many. An exact scan scores the matching rows and calls the filter
 * on every live row, each call costing about FILTER_CALL_COST of a score. At 100,000 rows this switches to the
 * scan near 5-10% selectivity, where the measured times cross. */
const VISITS_PER_EF = 20;
const FILTER_CALL_COST = 0.05;
/** Live rows sampled to estimate a filter's selectivity when the caller does not say. */
const FILTER_SAMPLE = 256;
/** Rows scored per call in exact scans. */
const SCAN_BATCH = 1024;
/** Deleted nodes a repair may walk through to find live replacements for one list. */
const REPAIR_WALK = 64;

const defaultStorage =
  (backend: KernelBackend): StorageFactory =>
  (dims, quantization) =>
    createVectorStorage(dims, quantization, { backend });

/**
 * Binary max-heap of (key, row) pairs on typed arrays. The candidate queue C uses key = score (closest on top);
 * the result set W uses key = −score, so its top is the furthest result (the one ef-bounded W evicts).
 */
class RowHeap {
  keys: Float32Array;
  rows: Uint32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float32Array(capacity);
    this.rows = new Uint32Array(capacity);
  }

  push(key: number, row: number): void {
    if (this.size === this.keys.length) this.grow();
    const { keys, rows } = this;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] >= key) break;
      keys[i] = keys[parent];
      rows[i] = rows[parent];
      i = parent;
    }
    keys[i] = key;
    rows[i] = row;
  }

  pop(): void {
    const n = --this.size;
    if (n > 0) this.siftDown(this.keys[n], this.rows[n], n);
  }

  /** Pop then push, in one sift. */
  replaceTop(key: number, row: number): void {
    this.siftDown(key, row, this.size);
  }

  private siftDown(key: number, row: number, n: number): void {
    const { keys, rows } = this;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && keys[child + 1] > keys[child]) child++;
      if (keys[child] <= key) break;
      keys[i] = keys[child];
      rows[i] = rows[child];
      i = child;
    }
    keys[i] = key;
    rows[i] = row;
  }

  private grow(): void {
    const keys = new Float32Array(this.keys.length * 2 || 64);
    keys.set(this.keys);
    const rows = new Uint32Array(keys.length);
    rows.set(this.rows);
    this.keys = keys;
    this.rows = rows;
  }
}

/** A growable pair of scratch arrays (rows and their scores). */
class Scratch {
  rows = new Uint32Array(64);
  scores = new Float32Array(64);
  reserve(n: number): void {
    if (n <= this.rows.length) return;
    const size = Math.max(n, this.rows.length * 2);
    const rows = new Uint32Array(size);
    rows.set(this.rows);
    const scores = new Float32Array(size);
    scores.set(this.scores);
    this.rows = rows;
    this.scores = scores;
  }
}

/** Sorts rows[0 … n − 1] by score, highest first (deterministic: builds stay reproducible). */
function sortByScore(rows: Uint32Array, scores: Float32Array, n: number): void {
  if (n > 64) {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => scores[b] - scores[a] || rows[a] - rows[b]);
    const r = order.map((i) => rows[i]);
    const s = order.map((i) => scores[i]);
    rows.set(r);
    scores.set(s);
    return;
  }
  // Insertion sort: short lists (a node's M0 + 1 links).
  for (let i = 1; i < n; i++) {
    const r = rows[i];
    const s = scores[i];
    let j = i - 1;
    while (j >= 0 && scores[j] < s) {
      rows[j + 1] = rows[j];
      scores[j + 1] = scores[j];
      j--;
    }
    rows[j + 1] = r;
    scores[j + 1] = s;
  }
}

interface HnswMeta {
  format: number;
  kind: 'hnsw';
  dims: number;
  M: number;
  efConstruction: number;
  ef: number;
  seed: number;
  quantization: Quantization;
  rescore: number | false;
  keepPrunedConnections: boolean;
  maxTombstoneFraction: number;
  /** Level generator state after the last insert, so later inserts stay reproducible. */
  rng: number;
  rows: number;
  live: number;
  entryPoint: number;
  maxLevel: number;
}

export class HnswIndex implements PersistentVectorIndex {
  readonly kind = 'hnsw' as const;
  readonly dims: number;
  readonly quantization: Quantization;
  readonly M: number;
  /** Mmax0: list size on layer 0. */
  readonly M0: number;
  readonly efConstruction: number;
  /** Search candidate list size; settable. */
  ef: number;
  readonly mL: number;
  readonly seed: number;
  /** Candidates rescored exactly: max(ef, k × rescore); 0 when nothing is rescored. */
  readonly rescore: number;
  readonly keepPrunedConnections: boolean;
  readonly maxTombstoneFraction: number;

  /** Vectors the graph is built and searched on (quantized or float32). */
  private readonly storage: VectorStorage;
  /** Float32 rows for exact scores: the same object as `storage` when not quantized or not rescoring. */
  private readonly exact: VectorStorage;
  /** Whether `exact` is a separate float32 copy that final candidates are rescored on. */
  private readonly rescoring: boolean;
  /** Words per layer-0 list (M0 + 1) and per upper-layer list (M + 1). */
  private readonly stride0: number;
  private readonly strideUp: number;

  private rows = 0;
  private capacity = 0;
  private ids = new Uint32Array(0);
  private levels = new Uint8Array(0);
  private state = new Uint8Array(0);
  private links0 = new Uint32Array(0);
  private upperAt = new Int32Array(0);
  private upper = new Uint32Array(0);
  private upperUsed = 0;
  private readonly rowOf = new Map<number, number>();
  private live = 0;
  private tombstones = 0;
  /** Rows freed by consolidation, reused by later inserts (popped from the end). */
  private freeRows: number[] = [];
  private entryPoint = -1;
  private maxLevel = -1;
  /** mulberry32 state of the level generator. */
  private rng: number;

  // Search scratch, reused by every call (the engine is single-threaded).
  private visited = new Uint16Array(0);
  private visitTag = 0;
  private readonly candidates = new RowHeap(256);
  private readonly results = new RowHeap(256);
  private readonly batch: Uint32Array;
  private readonly batchScores: Float32Array;
  private readonly one = new Uint32Array(1);
  private readonly oneScore = new Float32Array(1);
  private greedyScore = 0;
  /** W drained best-first; selected neighbours; a node's list being shrunk; its new list; pruned candidates. */
  private readonly found = new Scratch();
  private readonly chosen = new Scratch();
  private readonly shrink = new Scratch();
  private readonly shrunk = new Scratch();
  private readonly pruned = new Scratch();

  // Pages touched since the last takeDirtyPages(), by row group (row >>> log2(ROWS_PER_PAGE)).
  private readonly dirtyNodes = new Set<number>();
  private readonly dirtyUpper = new Set<number>();
  private readonly dirtyVectors = new Set<number>();
  /** A new index is all dirty: its first takeDirtyPages() is a full snapshot. */
  private dirtyDeleted = true;
  private dirtyMeta = true;

  constructor(options: HnswOptions) {
    const { dims } = options;
    if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}`);
    const M = options.M ?? 16;
    if (!Number.isInteger(M) || M < 2 || M > 1024) throw new RangeError(`M must be an integer in 2 … 1024, got ${M}`);
    const efConstruction = options.efConstruction ?? 200;
    const ef = options.ef ?? 64;
    if (!(efConstruction >= 1) || !(ef >= 1)) throw new RangeError('efConstruction and ef must be at least 1');
    this.dims = dims;
    this.M = M;
    this.M0 = 2 * M;
    this.efConstruction = Math.floor(efConstruction);
    this.ef = Math.floor(ef);
    this.mL = 1 / Math.log(M);
    this.seed = (options.seed ?? 1) >>> 0;
    this.rng = this.seed;
    this.quantization = options.quantization ?? 'none';
    const rescore = options.rescore ?? true;
    this.rescoring = this.quantization !== 'none' && rescore !== false;
    // Sign bits rank coarsely (many ties, 1 bit per dimension): binary needs a deeper exact pass than int8.
    const multiplier = typeof rescore === 'number' ? rescore : this.quantization === 'binary' ? 20 : 2;
    if (!(multiplier >= 1)) throw new RangeError(`rescore must be true, false or a number ≥ 1, got ${rescore}`);
    this.rescore = this.rescoring ? multiplier : 0;
    this.keepPrunedConnections = options.keepPrunedConnections ?? false;
    this.maxTombstoneFraction = options.maxTombstoneFraction ?? 0.1;
    const create = options.createStorage ?? defaultStorage(options.backend ?? 'auto');
    this.storage = create(dims, this.quantization);
    this.exact = this.rescoring ? create(dims, 'none') : this.storage;
    this.stride0 = this.M0 + 1;
    this.strideUp = M + 1;
    this.batch = new Uint32Array(this.M0);
    this.batchScores = new Float32Array(this.M0);
  }

  get size(): number {
    return this.live;
  }

  /** Graph rows including tombstones and free rows (for diagnostics and tests). */
  get rowCount(): number {
    return this.rows;
  }

  get deletedCount(): number {
    return this.tombstones;
  }

  get bytesPerVector(): number {
    const vectors = this.storage.bytesPerVector + (this.rescoring ? this.exact.bytesPerVector : 0);
    const graph = this.stride0 * 4 + 4 + 2 + (this.rows > 0 ? (this.upperUsed * 4) / this.rows : 0);
    return vectors + graph;
  }

  has(id: number): boolean {
    return this.rowOf.has(id);
  }

  // ───────────────────────────── insert (Algorithm 1) ─────────────────────────────

  /** Inserts each (id, vector); an id already present is replaced (its old node becomes a tombstone). */
  add(ids: ArrayLike<number>, vectors: Float32Array): void {
    const n = ids.length;
    const { dims } = this;
    if (vectors.length !== n * dims) throw new RangeError(`expected ${n}×${dims} floats, got ${vectors.length}`);
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`ids must be uint32, got ${id}`);
    }
    if (n === 0) return;
    // Rows: reuse freed ones first (the storages can only append, so write at the end and move into place),
    // then append the rest in one call each.
    const reuse = Math.min(n, this.freeRows.length);
    const rowFor = new Uint32Array(n);
    for (let i = 0; i < reuse; i++) {
      const row = this.freeRows.pop()!;
      const vector = vectors.subarray(i * dims, (i + 1) * dims);
      this.overwriteRow(this.storage, row, vector);
      if (this.rescoring) this.overwriteRow(this.exact, row, vector);
      rowFor[i] = row;
    }
    if (reuse < n) {
      const rest = vectors.subarray(reuse * dims);
      const first = this.storage.append(rest);
      if (this.rescoring) this.exact.append(rest);
      this.reserve(first + n - reuse);
      for (let i = reuse; i < n; i++) {
        const row = first + i - reuse;
        this.state[row] = FREE; // not in the graph until linked
        this.upperAt[row] = -1;
        this.levels[row] = 0;
        rowFor[i] = row;
      }
      this.rows = this.storage.size;
    }
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const row = rowFor[i];
      const old = this.rowOf.get(id);
      if (old !== undefined) this.tombstone(old, id);
      this.ids[row] = id;
      this.insert(row, vectors.subarray(i * dims, (i + 1) * dims));
      this.state[row] = LIVE;
      this.rowOf.set(id, row);
      this.live++;
      this.dirtyVectors.add(row >>> PAGE_SHIFT);
    }
    if (reuse > 0) this.dirtyDeleted = true;
    this.dirtyMeta = true;
    this.maybeConsolidate();
  }

  private overwriteRow(storage: VectorStorage, row: number, vector: Float32Array): void {
    const tmp = storage.append(vector);
    storage.move(tmp, row);
    storage.truncate(tmp);
  }

  /** Level of a new node: floor(−ln(U) × mL), from the seeded generator (mulberry32). */
  private randomLevel(): number {
    this.rng = (this.rng + 0x6d2b79f5) | 0;
    let t = Math.imul(this.rng ^ (this.rng >>> 15), 1 | this.rng);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.min(MAX_LEVEL, Math.floor(-Math.log(1 - u) * this.mL));
  }

  /** Algorithm 1: links `row` (already in the storages) into every layer up to a random level. */
  private insert(row: number, vector: Float32Array): void {
    const level = this.randomLevel();
    const oldLevel = this.levels[row];
    this.levels[row] = level;
    this.links0[row * this.stride0] = 0;
    if (level > 0) {
      // A reused row keeps its old upper block when it is large enough.
      if (this.upperAt[row] < 0 || oldLevel < level) this.upperAt[row] = this.allocateUpper(level);
      for (let lc = 1; lc <= level; lc++) this.upper[this.upperAt[row] + (lc - 1) * this.strideUp] = 0;
    }
    const group = row >>> PAGE_SHIFT;
    this.dirtyNodes.add(group);
    // The upper page changes with a node that has upper layers (now or before reuse), or appears with a new group.
    if (level > 0 || oldLevel > 0 || (row & (ROWS_PER_PAGE - 1)) === 0) this.dirtyUpper.add(group);
    if (this.entryPoint < 0) {
      this.entryPoint = row;
      this.maxLevel = level;
      return;
    }
    const query = this.storage.prepare(vector);
    try {
      let ep = this.entryPoint;
      let epScore = this.scoreOne(query, ep);
      // Zoom in greedily (ef = 1) through the layers above the new node's level.
      for (let lc = this.maxLevel; lc > level; lc--) {
        ep = this.greedy(query, ep, epScore, lc);
        epScore = this.greedyScore;
      }
      for (let lc = Math.min(level, this.maxLevel); lc >= 0; lc--) {
        this.searchLayer(query, ep, epScore, this.efConstruction, lc, ACCEPT_ALL, undefined);
        const n = this.drainResults(this.found);
        // The closest element found is the entry point of the next layer down (as in hnswlib).
        ep = this.found.rows[0];
        epScore = this.found.scores[0];
        this.connect(row, lc, n);
      }
    } finally {
      query.release();
    }
    if (level > this.maxLevel) {
      this.maxLevel = level;
      this.entryPoint = row;
    }
  }

  /** Sets `row`'s list on layer lc to the heuristic's pick of M among found[0 … n − 1], and links back. */
  private connect(row: number, lc: number, n: number): void {
    const { found, chosen } = this;
    chosen.reserve(this.M0);
    const count = this.selectNeighbors(found.rows, found.scores, n, this.M, chosen.rows, chosen.scores);
    const links = lc === 0 ? this.links0 : this.upper;
    const at = this.listAt(row, lc);
    links[at] = count;
    links.set(chosen.rows.subarray(0, count), at + 1);
    for (let i = 0; i < count; i++) this.addLink(chosen.rows[i], row, chosen.scores[i], lc);
  }

  /** Adds `row` (at similarity `score`) to `node`'s list on layer lc; an over-full list is shrunk by the heuristic. */
  private addLink(node: number, row: number, score: number, lc: number): void {
    const links = lc === 0 ? this.links0 : this.upper;
    const max = lc === 0 ? this.M0 : this.M;
    const at = this.listAt(node, lc);
    const count = links[at];
    this.markList(node, lc);
    if (count < max) {
      links[at + 1 + count] = row;
      links[at] = count + 1;
      return;
    }
    const { shrink, shrunk, storage } = this;
    shrink.reserve(count + 1);
    shrunk.reserve(max);
    for (let i = 0; i < count; i++) {
      const other = links[at + 1 + i];
      shrink.rows[i] = other;
      shrink.scores[i] = storage.scorePair(node, other);
    }
    shrink.rows[count] = row;
    shrink.scores[count] = score;
    sortByScore(shrink.rows, shrink.scores, count + 1);
    const kept = this.selectNeighbors(shrink.rows, shrink.scores, count + 1, max, shrunk.rows, shrunk.scores);
    links[at] = kept;
    links.set(shrunk.rows.subarray(0, kept), at + 1);
  }

  /**
   * Algorithm 4 (SELECT-NEIGHBORS-HEURISTIC): walks candidates best-first and keeps one only if it is closer to
   * the base element than to every neighbour kept so far, so the links spread in different directions instead of
   * all pointing into one cluster. Candidates must be sorted best-first; scores are similarities to the base.
   */
  private selectNeighbors(
    rows: Uint32Array,
    scores: Float32Array,
    n: number,
    max: number,
    outRows: Uint32Array,
    outScores: Float32Array,
  ): number {
    const { storage, pruned } = this;
    const keepPruned = this.keepPrunedConnections;
    if (keepPruned) pruned.reserve(n);
    let kept = 0;
    let discarded = 0;
    for (let i = 0; i < n && kept < max; i++) {
      const candidate = rows[i];
      const score = scores[i];
      let good = true;
      for (let j = 0; j < kept; j++) {
        if (storage.scorePair(candidate, outRows[j]) > score) {
          good = false;
          break;
        }
      }
      if (good) {
        outRows[kept] = candidate;
        outScores[kept++] = score;
      } else if (keepPruned) {
        pruned.rows[discarded] = candidate;
        pruned.scores[discarded++] = score;
      }
    }
    for (let i = 0; i < discarded && kept < max; i++) {
      outRows[kept] = pruned.rows[i];
      outScores[kept++] = pruned.scores[i];
    }
    return kept;
  }

  // ───────────────────────────── search (Algorithms 2 and 5) ─────────────────────────────

  /**
   * Top k by similarity (Algorithm 5). With a filter, non-matching nodes are traversed but never returned and the
   * search keeps going until ef matches are found or the graph is exhausted; a selective filter is answered by
   * an exact scan of the matching rows instead. Returns k hits whenever k live matching items exist.
   */
  search(query: Float32Array, k: number, filter?: IdFilter, options: HnswSearchOptions = {}): Hit[] {
    if (query.length !== this.dims) throw new RangeError(`query has ${query.length} dims, index has ${this.dims}`);
    k = Math.floor(k);
    if (!(k > 0) || this.live === 0) return [];
    const ef = Math.max(Math.floor(options.ef ?? this.ef), k);
    const strategy = options.strategy ?? 'auto';
    if (strategy === 'exact') return this.exactSearch(query, k, filter);
    if (filter && strategy === 'auto') {
      const matching = options.matchingCount ?? this.estimateMatching(filter);
      if (this.prefersExactScan(matching, ef)) return this.exactSearch(query, k, filter);
    }
    const hits = this.graphSearch(query, k, ef, filter);
    // Fewer than k: matches the traversal could not reach (or fewer exist). The scan settles which.
    if (hits.length < k && hits.length < this.live) return this.exactSearch(query, k, filter);
    return hits;
  }

  private graphSearch(query: Float32Array, k: number, ef: number, filter: IdFilter | undefined): Hit[] {
    const prepared = this.storage.prepare(query);
    let n: number;
    try {
      let ep = this.entryPoint;
      let epScore = this.scoreOne(prepared, ep);
      for (let lc = this.maxLevel; lc > 0; lc--) {
        ep = this.greedy(prepared, ep, epScore, lc);
        epScore = this.greedyScore;
      }
      const width = this.rescoring ? Math.max(ef, k * this.rescore) : ef;
      const mode = filter !== undefined || this.tombstones > 0 ? ACCEPT_LIVE : ACCEPT_ALL;
      this.searchLayer(prepared, ep, epScore, width, 0, mode, filter);
      n = this.drainResults(this.found);
    } finally {
      prepared.release();
    }
    const { rows, scores } = this.found;
    if (this.rescoring) {
      // Rescore on the float32 rows, so the returned order and scores are exact. int8 orders almost exactly:
      // its best k × rescore candidates (found is sorted) hold the true top k, and each float32 row skipped saves
      // a cache miss 4× the size of a code. Sign bits order coarsely: there every candidate found is rescored,
      // so a larger ef keeps buying recall.
      if (this.quantization === 'int8') n = Math.min(n, k * this.rescore);
      const exactQuery = this.exact.prepare(query);
      try {
        this.exact.scoreRows(exactQuery, rows, n, scores);
      } finally {
        exactQuery.release();
      }
    }
    const top = new TopK(k);
    for (let i = 0; i < n; i++) top.push(this.ids[rows[i]], scores[i]);
    return top.sorted();
  }

  /**
   * Algorithm 2 (SEARCH-LAYER): best-first search from `ep` on layer `layer`, keeping the ef closest accepted
   * nodes in `results` (top = furthest). Each expanded node's unvisited neighbours are scored in one batched
   * storage call. Nodes that are not accepted (tombstones, filtered out) still enter the candidate queue, so the
   * search routes through them; the stop rule only fires once ef accepted results are held.
   */
  private searchLayer(
    query: PreparedQuery,
    ep: number,
    epScore: number,
    ef: number,
    layer: number,
    mode: number,
    filter: IdFilter | undefined,
  ): void {
    const tag = this.nextVisitTag();
    const { visited, candidates, results, batch, batchScores, storage, state, ids } = this;
    const links = layer === 0 ? this.links0 : this.upper;
    const stride0 = this.stride0;
    const upperAt = this.upperAt;
    const upperOffset = (layer - 1) * this.strideUp;
    candidates.size = 0;
    results.size = 0;
    visited[ep] = tag;
    candidates.push(epScore, ep);
    if (mode === ACCEPT_ALL || (state[ep] === LIVE && (filter === undefined || filter(ids[ep])))) {
      results.push(-epScore, ep);
    }
    // Similarity of the furthest result once ef are held; until then everything is worth a look.
    let lowerBound = results.size >= ef ? -results.keys[0] : -Infinity;
    while (candidates.size > 0) {
      if (candidates.keys[0] < lowerBound) break; // the best candidate is worse than the furthest result
      const current = candidates.rows[0];
      candidates.pop();
      const at = layer === 0 ? current * stride0 : upperAt[current] + upperOffset;
      const count = links[at];
      let b = 0;
      for (let j = 1; j <= count; j++) {
        const neighbor = links[at + j];
        if (visited[neighbor] !== tag) {
          visited[neighbor] = tag;
          batch[b++] = neighbor;
        }
      }
      if (b === 0) continue;
      storage.scoreRows(query, batch, b, batchScores);
      for (let i = 0; i < b; i++) {
        const score = batchScores[i];
        if (score <= lowerBound) continue;
        const neighbor = batch[i];
        candidates.push(score, neighbor);
        if (mode === ACCEPT_ALL || (state[neighbor] === LIVE && (filter === undefined || filter(ids[neighbor])))) {
          if (results.size < ef) {
            results.push(-score, neighbor);
            if (results.size === ef) lowerBound = -results.keys[0];
          } else {
            results.replaceTop(-score, neighbor);
            lowerBound = -results.keys[0];
          }
        }
      }
    }
  }

  /** Greedy descent on an upper layer (SEARCH-LAYER with ef = 1): move to the best neighbour while it improves. */
  private greedy(query: PreparedQuery, ep: number, epScore: number, layer: number): number {
    const { batch, batchScores, upper, storage } = this;
    const offset = (layer - 1) * this.strideUp;
    let current = ep;
    let best = epScore;
    for (;;) {
      const at = this.upperAt[current] + offset;
      const count = upper[at];
      if (count === 0) break;
      for (let j = 0; j < count; j++) batch[j] = upper[at + 1 + j];
      storage.scoreRows(query, batch, count, batchScores);
      let next = current;
      for (let j = 0; j < count; j++) {
        if (batchScores[j] > best) {
          best = batchScores[j];
          next = batch[j];
        }
      }
      if (next === current) break;
      current = next;
    }
    this.greedyScore = best;
    return current;
  }

  /** Empties `results` into out, best first; returns how many. */
  private drainResults(out: Scratch): number {
    const { results } = this;
    const n = results.size;
    out.reserve(n);
    for (let i = n - 1; i >= 0; i--) {
      out.rows[i] = results.rows[0];
      out.scores[i] = -results.keys[0];
      results.pop();
    }
    return n;
  }

  private scoreOne(query: PreparedQuery, row: number): number {
    this.one[0] = row;
    this.storage.scoreRows(query, this.one, 1, this.oneScore);
    return this.oneScore[0];
  }

  /** A fresh visited mark: bumping the generation clears the set in O(1) (and for real every 65,535 searches). */
  private nextVisitTag(): number {
    if (++this.visitTag === 0x10000) {
      this.visited.fill(0);
      this.visitTag = 1;
    }
    return this.visitTag;
  }

  // ───────────────────────────── filtered search: exact fallback ─────────────────────────────

  /** Exact top k over the live rows the filter accepts, scored on the float32 rows. */
  private exactSearch(query: Float32Array, k: number, filter: IdFilter | undefined): Hit[] {
    const top = new TopK(k);
    const { state, ids, exact } = this;
    const prepared = exact.prepare(query);
    const scan = this.found;
    scan.reserve(SCAN_BATCH);
    const flush = (b: number): void => {
      exact.scoreRows(prepared, scan.rows, b, scan.scores);
      for (let i = 0; i < b; i++) top.push(ids[scan.rows[i]], scan.scores[i]);
    };
    try {
      let b = 0;
      for (let row = 0; row < this.rows; row++) {
        if (state[row] !== LIVE || (filter !== undefined && !filter(ids[row]))) continue;
        scan.rows[b++] = row;
        if (b === SCAN_BATCH) {
          flush(b);
          b = 0;
        }
      }
      if (b > 0) flush(b);
    } finally {
      prepared.release();
    }
    return top.sorted();
  }

  /** Live ids the filter accepts, estimated from FILTER_SAMPLE rows spread evenly over the index. */
  private estimateMatching(filter: IdFilter): number {
    const step = Math.max(1, this.rows / FILTER_SAMPLE);
    let checked = 0;
    let matched = 0;
    for (let x = step / 2; x < this.rows; x += step) {
      const row = Math.floor(x);
      if (this.state[row] !== LIVE) continue;
      checked++;
      if (filter(this.ids[row])) matched++;
    }
    return checked === 0 ? this.live : (matched / checked) * this.live;
  }

  /** Exact scan when it scores fewer vectors than a filtered traversal would (see VISITS_PER_EF). */
  private prefersExactScan(matching: number, ef: number): boolean {
    if (matching <= ef) return true; // the traversal could never fill ef: it would walk the whole graph
    const graphCost = (VISITS_PER_EF * ef * this.live) / matching;
    const scanCost = matching + FILTER_CALL_COST * this.live;
    return scanCost <= graphCost;
  }

  // ───────────────────────────── delete: tombstones and repair ─────────────────────────────

  /**
   * Marks the ids deleted (tombstones: never returned, still traversed, so search quality holds). Once tombstones
   * exceed maxTombstoneFraction of the live nodes, consolidate() repairs the graph and frees their rows.
   */
  remove(ids: ArrayLike<number>): void {
    for (let i = 0; i < ids.length; i++) {
      const row = this.rowOf.get(ids[i]);
      if (row !== undefined) this.tombstone(row, ids[i]);
    }
    this.maybeConsolidate();
  }

  private tombstone(row: number, id: number): void {
    this.rowOf.delete(id);
    this.state[row] = DELETED;
    this.live--;
    this.tombstones++;
    this.dirtyDeleted = true;
    this.dirtyMeta = true;
  }

  private maybeConsolidate(): void {
    if (this.tombstones > 0 && this.tombstones > this.maxTombstoneFraction * this.live) this.consolidate();
  }

  /**
   * Repairs the graph around tombstones, then frees their rows for reuse. In every live list that points at
   * deleted nodes (per layer), the live links stay and each deleted link may be replaced by one of the live nodes
   * the deleted ones pointed to (walking on through deleted neighbours of deleted nodes, up to REPAIR_WALK),
   * best first, if it passes the neighbour heuristic against the links held (FreshDiskANN's delete
   * consolidation, made incremental: re-running the full heuristic over all candidates costs about a rebuild).
   * A deleted entry point is replaced by a live node of the highest level.
   */
  consolidate(): void {
    if (this.tombstones === 0) return;
    const { state, levels } = this;
    for (let row = 0; row < this.rows; row++) {
      if (state[row] !== LIVE) continue;
      for (let lc = 0; lc <= levels[row]; lc++) this.repairList(row, lc);
    }
    for (let row = 0; row < this.rows; row++) {
      if (state[row] !== DELETED) continue;
      state[row] = FREE;
    }
    // Free rows are reused highest-first popping from the end, so keep them sorted descending → lowest reused first.
    this.freeRows = [];
    for (let row = this.rows - 1; row >= 0; row--) if (state[row] === FREE) this.freeRows.push(row);
    this.tombstones = 0;
    if (this.entryPoint >= 0 && state[this.entryPoint] !== LIVE) {
      let best = -1;
      for (let row = 0; row < this.rows; row++) {
        if (state[row] === LIVE && (best < 0 || levels[row] > levels[best])) best = row;
      }
      this.entryPoint = best;
      this.maxLevel = best < 0 ? -1 : levels[best];
    }
    this.dirtyDeleted = true;
    this.dirtyMeta = true;
  }

  private repairList(row: number, lc: number): void {
    const links = lc === 0 ? this.links0 : this.upper;
    const at = this.listAt(row, lc);
    const count = links[at];
    const { state } = this;
    let hasDeleted = false;
    for (let j = 1; j <= count; j++) {
      if (state[links[at + j]] !== LIVE) {
        hasDeleted = true;
        break;
      }
    }
    if (!hasDeleted) return;
    // The live neighbours stay, in their order: the heuristic chose them and they still cover their directions.
    const tag = this.nextVisitTag();
    const { visited, levels, found, chosen, storage } = this;
    const max = lc === 0 ? this.M0 : this.M;
    chosen.reserve(max);
    visited[row] = tag;
    let kept = 0;
    const walk: number[] = [];
    for (let j = 1; j <= count; j++) {
      const node = links[at + j];
      visited[node] = tag;
      if (state[node] === LIVE) chosen.rows[kept++] = node;
      else if (state[node] === DELETED) walk.push(node);
    }
    const removed = count - kept;
    // Replacements: live nodes the deleted ones point to; only when those are too few, walk on through deleted
    // neighbours of deleted nodes (up to REPAIR_WALK of them) — a deleted cluster must not strand its border.
    const direct = walk.length;
    let n = 0;
    for (let w = 0; w < walk.length && w < REPAIR_WALK && (w < direct || n < max); w++) {
      const dAt = this.listAt(walk[w], lc);
      for (let j = 1, dCount = links[dAt]; j <= dCount; j++) {
        const node = links[dAt + j];
        if (visited[node] === tag) continue;
        visited[node] = tag;
        if (state[node] === LIVE) {
          found.reserve(n + 1);
          found.rows[n++] = node;
        } else if (state[node] === DELETED && levels[node] >= lc) walk.push(node);
      }
    }
    for (let i = 0; i < n; i++) found.scores[i] = storage.scorePair(row, found.rows[i]);
    sortByScore(found.rows, found.scores, n);
    // One replacement per removed link at most (the degree stays as the inserts left it), each admitted by
    // Algorithm 4's test against the links already held.
    let added = 0;
    for (let i = 0; i < n && added < removed && kept < max; i++) {
      const candidate = found.rows[i];
      const score = found.scores[i];
      let good = true;
      for (let j = 0; j < kept; j++) {
        if (storage.scorePair(candidate, chosen.rows[j]) > score) {
          good = false;
          break;
        }
      }
      if (good) {
        chosen.rows[kept++] = candidate;
        added++;
      }
    }
    if (kept === 0 && n > 0) chosen.rows[kept++] = found.rows[0]; // never strand a node that has candidates
    links[at] = kept;
    links.set(chosen.rows.subarray(0, kept), at + 1);
    this.markList(row, lc);
  }

  // ───────────────────────────── memory ─────────────────────────────

  /** Word offset of `row`'s list on layer lc, in links0 (lc = 0) or upper. */
  private listAt(row: number, lc: number): number {
    return lc === 0 ? row * this.stride0 : this.upperAt[row] + (lc - 1) * this.strideUp;
  }

  private markList(row: number, lc: number): void {
    (lc === 0 ? this.dirtyNodes : this.dirtyUpper).add(row >>> PAGE_SHIFT);
  }

  private allocateUpper(level: number): number {
    const need = this.upperUsed + level * this.strideUp;
    if (need > this.upper.length) {
      const upper = new Uint32Array(Math.max(need, this.upper.length * 2, 1024));
      upper.set(this.upper.subarray(0, this.upperUsed));
      this.upper = upper;
    }
    const at = this.upperUsed;
    this.upperUsed = need;
    return at;
  }

  /** Grows the per-row arrays to hold `rows` rows. */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2, 1024);
    const grow = <T extends Uint32Array | Uint8Array | Int32Array | Uint16Array>(
      old: T,
      make: (n: number) => T,
      per = 1,
    ): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.ids = grow(this.ids, (n) => new Uint32Array(n));
    this.levels = grow(this.levels, (n) => new Uint8Array(n));
    this.state = grow(this.state, (n) => new Uint8Array(n));
    this.links0 = grow(this.links0, (n) => new Uint32Array(n), this.stride0);
    this.upperAt = grow(this.upperAt, (n) => new Int32Array(n).fill(-1));
    this.visited = grow(this.visited, (n) => new Uint16Array(n));
    this.capacity = capacity;
  }

  // ───────────────────────────── persistence ─────────────────────────────
  //
  // Pages, per group g of ROWS_PER_PAGE rows:
  //   nodes/g   u32: [n, ids × n, levels (n bytes, padded to words), layer-0 lists × n (stride M0 + 1)]
  //   upper/g   u32: the upper lists of the group's nodes with level ≥ 1, in row order, level × (M + 1) each
  //   vec/g     the graph storage's exported rows; exact/g the float32 rows too when quantized
  // and once: deleted (u32: [tombstones, rows …, free rows, rows … in reuse order]) and meta (JSON).
  // Typed arrays are written in the platform's byte order (little-endian on every browser engine).

  takeDirtyPages(): { pages: IndexPage[]; removedPages: string[] } {
    const pages: IndexPage[] = [];
    if (!this.dirtyMeta && this.dirtyNodes.size === 0 && this.dirtyUpper.size === 0 && this.dirtyVectors.size === 0) {
      return { pages, removedPages: [] };
    }
    const byGroup = (set: Set<number>): number[] => [...set].sort((a, b) => a - b);
    for (const g of byGroup(this.dirtyNodes)) pages.push(this.nodesPage(g));
    for (const g of byGroup(this.dirtyUpper)) pages.push(this.upperPage(g));
    for (const g of byGroup(this.dirtyVectors)) pages.push(...this.vectorPages(g));
    if (this.dirtyDeleted) pages.push(this.deletedPage());
    pages.push(this.metaPage());
    this.clearDirty();
    return { pages, removedPages: [] };
  }

  allPages(): IndexPage[] {
    const pages: IndexPage[] = [this.metaPage(), this.deletedPage()];
    const groups = Math.ceil(this.rows / ROWS_PER_PAGE);
    for (let g = 0; g < groups; g++) pages.push(this.nodesPage(g), this.upperPage(g), ...this.vectorPages(g));
    return pages;
  }

  private clearDirty(): void {
    this.dirtyNodes.clear();
    this.dirtyUpper.clear();
    this.dirtyVectors.clear();
    this.dirtyDeleted = false;
    this.dirtyMeta = false;
  }

  private groupRange(g: number): [number, number] {
    return [g * ROWS_PER_PAGE, Math.min(this.rows, (g + 1) * ROWS_PER_PAGE)];
  }

  private nodesPage(g: number): IndexPage {
    const [from, to] = this.groupRange(g);
    const n = to - from;
    const levelWords = Math.ceil(n / 4);
    const words = new Uint32Array(1 + n + levelWords + n * this.stride0);
    words[0] = n;
    words.set(this.ids.subarray(from, to), 1);
    new Uint8Array(words.buffer, (1 + n) * 4, n).set(this.levels.subarray(from, to));
    words.set(this.links0.subarray(from * this.stride0, to * this.stride0), 1 + n + levelWords);
    return { name: `nodes/${g}`, bytes: new Uint8Array(words.buffer) };
  }

  private upperPage(g: number): IndexPage {
    const [from, to] = this.groupRange(g);
    let total = 0;
    for (let row = from; row < to; row++) total += this.levels[row] * this.strideUp;
    const words = new Uint32Array(total);
    let w = 0;
    for (let row = from; row < to; row++) {
      const size = this.levels[row] * this.strideUp;
      if (size === 0) continue;
      words.set(this.upper.subarray(this.upperAt[row], this.upperAt[row] + size), w);
      w += size;
    }
    return { name: `upper/${g}`, bytes: new Uint8Array(words.buffer) };
  }

  private vectorPages(g: number): IndexPage[] {
    const [from, to] = this.groupRange(g);
    const pages = [{ name: `vec/${g}`, bytes: this.storage.exportRows(from, to) }];
    if (this.rescoring) pages.push({ name: `exact/${g}`, bytes: this.exact.exportRows(from, to) });
    return pages;
  }

  private deletedPage(): IndexPage {
    const words = new Uint32Array(2 + this.tombstones + this.freeRows.length);
    words[0] = this.tombstones;
    let w = 1;
    for (let row = 0; row < this.rows; row++) if (this.state[row] === DELETED) words[w++] = row;
    words[w++] = this.freeRows.length;
    words.set(this.freeRows, w);
    return { name: 'deleted', bytes: new Uint8Array(words.buffer) };
  }

  private metaPage(): IndexPage {
    const meta: HnswMeta = {
      format: FORMAT_VERSION,
      kind: 'hnsw',
      dims: this.dims,
      M: this.M,
      efConstruction: this.efConstruction,
      ef: this.ef,
      seed: this.seed,
      quantization: this.quantization,
      rescore: this.rescoring ? this.rescore : false,
      keepPrunedConnections: this.keepPrunedConnections,
      maxTombstoneFraction: this.maxTombstoneFraction,
      rng: this.rng,
      rows: this.rows,
      live: this.live,
      entryPoint: this.entryPoint,
      maxLevel: this.maxLevel,
    };
    return { name: 'meta', bytes: new TextEncoder().encode(JSON.stringify(meta)) };
  }

  /** Loads an index from its pages as they were written: no vector is scored, nothing is rebuilt. */
  static fromPages(
    pages: IndexPage[],
    options: { backend?: KernelBackend; createStorage?: StorageFactory } = {},
  ): HnswIndex {
    const byName = new Map(pages.map((p) => [p.name, p.bytes]));
    const page = (name: string): Uint8Array => {
      const bytes = byName.get(name);
      if (!bytes) throw damaged(`page ${name} is missing`);
      return bytes;
    };
    let meta: HnswMeta;
    try {
      meta = JSON.parse(new TextDecoder().decode(page('meta'))) as HnswMeta;
    } catch (error) {
      throw damaged('meta is not readable', error);
    }
    if (meta.kind !== 'hnsw' || meta.format !== FORMAT_VERSION) {
      throw damaged(`meta describes ${meta.kind} format ${meta.format}, expected hnsw format ${FORMAT_VERSION}`);
    }
    const index = new HnswIndex({ ...meta, backend: options.backend, createStorage: options.createStorage });
    index.rng = meta.rng;
    index.reserve(meta.rows);
    const groups = Math.ceil(meta.rows / ROWS_PER_PAGE);
    for (let g = 0; g < groups; g++) {
      index.storage.importRows(page(`vec/${g}`));
      if (index.rescoring) index.exact.importRows(page(`exact/${g}`));
    }
    if (index.storage.size !== meta.rows || index.exact.size !== meta.rows)
      throw damaged('vector pages disagree with meta');
    index.rows = meta.rows;
    const { stride0, strideUp } = index;
    for (let g = 0; g < groups; g++) {
      const [from, to] = index.groupRange(g);
      const n = to - from;
      const words = wordsOf(page(`nodes/${g}`));
      const levelWords = Math.ceil(n / 4);
      if (words[0] !== n || words.length !== 1 + n + levelWords + n * stride0)
        throw damaged(`nodes/${g} has the wrong size`);
      index.ids.set(words.subarray(1, 1 + n), from);
      index.levels.set(new Uint8Array(words.buffer, words.byteOffset + (1 + n) * 4, n), from);
      index.links0.set(words.subarray(1 + n + levelWords), from * stride0);
      const upper = wordsOf(page(`upper/${g}`));
      let w = 0;
      for (let row = from; row < to; row++) {
        const size = index.levels[row] * strideUp;
        if (size === 0) continue;
        if (w + size > upper.length) throw damaged(`upper/${g} is too short`);
        const at = index.allocateUpper(index.levels[row]);
        index.upperAt[row] = at;
        index.upper.set(upper.subarray(w, w + size), at);
        w += size;
      }
      if (w !== upper.length) throw damaged(`upper/${g} has the wrong size`);
    }
    const deleted = wordsOf(page('deleted'));
    const tombstones = deleted[0];
    for (let i = 0; i < tombstones; i++) index.state[deleted[1 + i]] = DELETED;
    const free = deleted[1 + tombstones];
    index.freeRows = Array.from(deleted.subarray(2 + tombstones, 2 + tombstones + free));
    for (const row of index.freeRows) index.state[row] = FREE;
    index.tombstones = tombstones;
    for (let row = 0; row < index.rows; row++) {
      if (index.state[row] === LIVE) index.rowOf.set(index.ids[row], row);
    }
    index.live = index.rowOf.size;
    if (index.live !== meta.live) throw damaged(`meta says ${meta.live} live nodes, pages hold ${index.live}`);
    index.entryPoint = meta.entryPoint;
    index.maxLevel = meta.maxLevel;
    index.clearDirty();
    return index;
  }
}

function damaged(detail: string, cause?: unknown): TroveError {
  return new TroveError('STORAGE_FAILED', `The saved HNSW index is damaged: ${detail}.`, { cause });
}

/** A page's bytes as u32 words (copied when the bytes are not 4-byte aligned). */
function wordsOf(bytes: Uint8Array): Uint32Array {
  if (bytes.byteLength % 4 !== 0) throw damaged('a page is not a whole number of words');
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}
