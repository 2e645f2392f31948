// The vectors of one model (one fingerprint): the in-memory index that searches them, kept in step with the
// stored vector batches, persisted as pages so a reload loads instead of rebuilding, and switched from an exact
// flat scan to HNSW when the collection grows past the threshold.
// It lives at engine level (not in index/) because it joins an index to the store: index/ never imports store/.
import type { EngineSettings } from '../api/index.ts';
import { createIndex, descriptorPage, loadIndex, type IndexOptions } from '../index/index-factory.ts';
import type { IndexKind, PersistentVectorIndex } from '../index/index-pages.ts';
import type { Quantization } from '../index/vector-storage.ts';
import type { Store, VectorBatch } from '../store/store.ts';
import type { Hit, IdFilter } from '../core/types.ts';

export interface IndexPolicy {
  /** 'auto': flat below `hnswThreshold` vectors, HNSW from there on. */
  kind: 'auto' | IndexKind;
  hnswThreshold: number;
  quantization: Quantization;
  M: number;
  efConstruction: number;
  ef: number;
}

/** The index policy the settings ask for. */
export function indexPolicy(s: EngineSettings): IndexPolicy {
  return {
    kind: s.indexKind,
    hnswThreshold: s.hnswThreshold,
    quantization: s.quantization,
    M: s.hnswM,
    efConstruction: s.hnswEfConstruction,
    ef: s.hnswEf,
  };
}

/** Vectors added to a rebuilding index between yields to the event loop, so searches are not starved. */
const REBUILD_SLICE = 512;

export class VectorSet {
  readonly fingerprint: string;
  readonly dims: number;
  private index: PersistentVectorIndex;
  private options: IndexOptions;

  private constructor(
    private readonly store: Store,
    fingerprint: string,
    dims: number,
    index: PersistentVectorIndex,
    options: IndexOptions,
  ) {
    this.fingerprint = fingerprint;
    this.dims = dims;
    this.index = index;
    this.options = options;
  }

  /**
   * Loads the persisted index of this fingerprint when it reflects the stored vectors (same version) and the
   * policy; otherwise rebuilds it from the stored vector batches. `isLive` drops vectors of deleted chunks.
   */
  static async open(
    store: Store,
    fingerprint: string,
    dims: number,
    policy: IndexPolicy,
    isLive: (chunkId: number) => boolean,
  ): Promise<{ set: VectorSet; loadedFromPages: boolean }> {
    const [stored, version] = await Promise.all([store.readIndex(fingerprint), store.vectorsVersion()]);
    if (stored && stored.version === version) {
      const loaded = loadIndex(stored.pages);
      // Same version: the pages saw every vector change (each change bumps the version in its own transaction).
      if (loaded && loaded.descriptor.dims === dims && matchesPolicy(loaded.descriptor, policy, loaded.index.size)) {
        return { set: new VectorSet(store, fingerprint, dims, loaded.index, loaded.descriptor), loadedFromPages: true };
      }
    }
    const count = await countVectors(store, fingerprint, isLive);
    const options = optionsFor(policy, dims, count);
    const set = new VectorSet(store, fingerprint, dims, createIndex(options), options);
    await set.fill(set.index, isLive);
    await set.saveAll();
    return { set, loadedFromPages: false };
  }

  get size(): number {
    return this.index.size;
  }

  get kind(): IndexKind {
    return this.options.kind;
  }

  get quantization(): Quantization {
    return this.options.quantization;
  }

  get bytesPerVector(): number {
    return this.index.bytesPerVector;
  }

  has(id: number): boolean {
    return this.index.has(id);
  }

  search(query: Float32Array, k: number, filter?: IdFilter): Hit[] {
    return this.index.search(query, k, filter, { ef: this.options.ef });
  }

  /** Adds the rows of stored vector batches (e.g. a document another tab wrote). */
  addBatches(batches: readonly VectorBatch[]): void {
    for (const batch of batches) {
      if (batch.dims !== this.dims) continue;
      this.index.add(batch.chunkIds, batch.vectors);
    }
  }

  add(ids: ArrayLike<number>, vectors: Float32Array): void {
    this.index.add(ids, vectors);
  }

  remove(ids: ArrayLike<number>): void {
    this.index.remove(ids);
  }

  /** Writes the pages changed since the last call, tagged with the stored vectors' version. */
  async persist(): Promise<void> {
    const { pages, removedPages } = this.index.takeDirtyPages();
    if (pages.length === 0 && removedPages.length === 0) return;
    await this.store.writeIndexPages(this.fingerprint, pages, removedPages, await this.store.vectorsVersion());
  }

  /**
   * Rebuilds when the policy asks for another index than the one in use (kind, quantization or HNSW build
   * parameters, or 'auto' crossing the threshold). The old index answers searches until the new one is ready.
   */
  async applyPolicy(policy: IndexPolicy, isLive: (chunkId: number) => boolean): Promise<boolean> {
    // ef is a search option: it changes without a rebuild.
    if (policy.ef !== this.options.ef) this.options = { ...this.options, ef: policy.ef };
    if (matchesPolicy(this.options, policy, this.index.size)) return false;
    const options = optionsFor(policy, this.dims, this.index.size);
    const next = createIndex(options);
    await this.fill(next, isLive);
    this.index = next;
    this.options = options;
    await this.saveAll();
    return true;
  }

  /** Adds every stored vector of this fingerprint whose chunk still exists, yielding between slices. */
  private async fill(index: PersistentVectorIndex, isLive: (chunkId: number) => boolean): Promise<void> {
    for (const batch of await this.store.vectorBatches(this.fingerprint)) {
      const rows: number[] = [];
      batch.chunkIds.forEach((id, row) => {
        if (isLive(id)) rows.push(row);
      });
      for (let from = 0; from < rows.length; from += REBUILD_SLICE) {
        const slice = rows.slice(from, from + REBUILD_SLICE);
        const vectors = new Float32Array(slice.length * batch.dims);
        slice.forEach((row, i) =>
          vectors.set(batch.vectors.subarray(row * batch.dims, (row + 1) * batch.dims), i * batch.dims),
        );
        index.add(
          slice.map((row) => batch.chunkIds[row]),
          vectors,
        );
        if (rows.length > REBUILD_SLICE) await yieldToEventLoop();
      }
    }
  }

  /**
   * Drops the persisted pages, so the next start rebuilds from the stored vectors. Used when writing pages
   * failed: the stored vectors stay the truth, and the documents they belong to are never touched.
   */
  async discardPages(): Promise<void> {
    this.index.takeDirtyPages();
    await this.store.deleteIndex(this.fingerprint);
  }

  private async saveAll(): Promise<void> {
    this.index.takeDirtyPages(); // everything is in the full snapshot below
    await this.store.deleteIndex(this.fingerprint);
    await this.store.writeIndexPages(
      this.fingerprint,
      [...this.index.allPages(), descriptorPage(this.options)],
      [],
      await this.store.vectorsVersion(),
    );
  }
}

function optionsFor(policy: IndexPolicy, dims: number, size: number): IndexOptions {
  const kind: IndexKind = policy.kind === 'auto' ? (size >= policy.hnswThreshold ? 'hnsw' : 'flat') : policy.kind;
  return {
    kind,
    dims,
    quantization: policy.quantization,
    M: policy.M,
    efConstruction: policy.efConstruction,
    ef: policy.ef,
  };
}

/** Whether an index built with `options` is what the policy wants at this size (ef can change without a rebuild). */
function matchesPolicy(options: IndexOptions, policy: IndexPolicy, size: number): boolean {
  if (options.quantization !== policy.quantization) return false;
  const wanted = optionsFor(policy, options.dims, size);
  // Auto mode never goes back from HNSW to flat when deletes shrink the set below the threshold: no churn.
  const kindOk = wanted.kind === options.kind || (policy.kind === 'auto' && options.kind === 'hnsw');
  if (!kindOk) return false;
  return options.kind === 'flat' || (options.M === policy.M && options.efConstruction === policy.efConstruction);
}

async function countVectors(store: Store, fingerprint: string, isLive: (id: number) => boolean): Promise<number> {
  let count = 0;
  for (const batch of await store.vectorBatches(fingerprint)) for (const id of batch.chunkIds) if (isLive(id)) count++;
  return count;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
