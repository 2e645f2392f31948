// The library as this engine holds it in memory: document records, which chunks belong to which document, the
// keyword index, the vector set of the current model, and a running count of searchable chunks still waiting for
// vectors (kept incrementally: a scan after every batch would be quadratic over a large backfill).
// Only 'ready' documents, and documents this engine is indexing right now, have chunks in memory: an interrupted
// or failed document is listed but never half-searchable.
import { Bm25Index, type Bm25Options } from './lexical/bm25.ts';
import type { DocumentRecord, Store } from './store/store.ts';
import type { IdFilter } from './types.ts';
import type { VectorSet } from './vector-set.ts';

/** The persisted keyword index (see saveSnapshot): its pages live beside the vector index pages. */
export const LEXICAL_SNAPSHOT = 'trove/lexical';

export class LibraryCatalogue {
  readonly docs = new Map<number, DocumentRecord>();
  private readonly chunkDoc = new Map<number, number>();
  private readonly docChunks = new Map<number, number[]>();
  private lexicalIndex: Bm25Index;
  private vectorSet: VectorSet | null = null;
  private pending = 0;

  constructor(params: Bm25Options) {
    this.lexicalIndex = new Bm25Index(params);
  }

  get lexical(): Bm25Index {
    return this.lexicalIndex;
  }

  get vectors(): VectorSet | null {
    return this.vectorSet;
  }

  /** Chunks in memory (searchable by keyword). */
  get chunkCount(): number {
    return this.chunkDoc.size;
  }

  /** Searchable chunks without a vector of the current model. */
  get pendingVectors(): number {
    return this.pending;
  }

  isLive = (chunkId: number): boolean => this.chunkDoc.has(chunkId);

  documentOf(chunkId: number): number | undefined {
    return this.chunkDoc.get(chunkId);
  }

  chunksOf(docId: number): readonly number[] {
    return this.docChunks.get(docId) ?? [];
  }

  /**
   * Reads the library from the store (start-up, or a tab far behind): the keyword snapshot plus the documents
   * changed since it was written when there is one, else every 'ready' document's terms. Returns how it loaded.
   */
  async load(store: Store, params: Bm25Options): Promise<'snapshot' | 'terms'> {
    this.docs.clear();
    this.chunkDoc.clear();
    this.docChunks.clear();
    this.pending = 0;
    for (const doc of await store.listDocuments()) this.docs.set(doc.id, doc);
    if (await this.loadSnapshot(store, params)) return 'snapshot';
    this.lexicalIndex = new Bm25Index(params);
    for (const row of await store.allTerms()) {
      if (this.docs.get(row.docId)?.status === 'ready') this.addChunk(row.docId, row.chunkId, row.terms);
    }
    this.recount();
    return 'terms';
  }

  /**
   * Persists the keyword index and the chunk → document map, tagged with the library version they reflect, so
   * the next start loads them instead of re-reading every passage's terms. Call with no ingest in progress.
   */
  async saveSnapshot(store: Store, version: number): Promise<void> {
    const pairs = new Uint32Array(this.chunkDoc.size * 2);
    let i = 0;
    for (const [chunkId, docId] of this.chunkDoc) {
      pairs[i++] = chunkId;
      pairs[i++] = docId;
    }
    const pages = [
      { name: 'bm25', bytes: new Uint8Array(this.lexicalIndex.serialize()) },
      { name: 'chunk-doc', bytes: new Uint8Array(pairs.buffer) },
    ];
    await store.writeIndexPages(LEXICAL_SNAPSHOT, pages, [], version);
  }

  private async loadSnapshot(store: Store, params: Bm25Options): Promise<boolean> {
    const snapshot = await store.readIndex(LEXICAL_SNAPSHOT);
    if (!snapshot) return false;
    const changes = await store.changesSince(snapshot.version);
    if ('gap' in changes) return false;
    const bm25 = snapshot.pages.find((p) => p.name === 'bm25');
    const map = snapshot.pages.find((p) => p.name === 'chunk-doc');
    if (!bm25 || !map || map.bytes.byteLength % 8 !== 0) return false;
    let index: Bm25Index;
    try {
      index = Bm25Index.deserialize(bm25.bytes);
    } catch {
      return false; // damaged: rebuild from the terms
    }
    if (index.k1 !== (params.k1 ?? index.k1) || index.b !== (params.b ?? index.b)) return false;
    this.lexicalIndex = index;
    const pairs = new Uint32Array(map.bytes.slice().buffer);
    for (let i = 0; i < pairs.length; i += 2) {
      const [chunkId, docId] = [pairs[i], pairs[i + 1]];
      this.chunkDoc.set(chunkId, docId);
      const list = this.docChunks.get(docId);
      if (list) list.push(chunkId);
      else this.docChunks.set(docId, [chunkId]);
    }
    // Documents written after the snapshot (or deleted since) are brought in line one by one.
    for (const docId of changes.docIds) await this.syncDocument(store, docId);
    // A snapshot never holds a document that is not ready (it is written between tasks); be safe anyway.
    for (const docId of [...this.docChunks.keys()]) if (this.docs.get(docId)?.status !== 'ready') this.removeChunks(docId);
    this.recount();
    return true;
  }

  /** Makes a vector set the one searched, and recounts the chunks it lacks (once per swap, not per batch). */
  useVectors(set: VectorSet | null): void {
    this.vectorSet = set;
    this.recount();
  }

  addChunk(docId: number, chunkId: number, terms: readonly string[]): void {
    if (this.chunkDoc.has(chunkId)) return;
    this.lexicalIndex.add(chunkId, terms);
    this.chunkDoc.set(chunkId, docId);
    const list = this.docChunks.get(docId);
    if (list) list.push(chunkId);
    else this.docChunks.set(docId, [chunkId]);
    if (!this.vectorSet?.has(chunkId)) this.pending++;
  }

  /** Adds vectors of the current set for chunks in memory (others are ignored: their documents are not live). */
  addVectors(ids: ArrayLike<number>, vectors: Float32Array, set: VectorSet): void {
    if (set !== this.vectorSet) return;
    const rows: number[] = [];
    for (let i = 0; i < ids.length; i++) if (!set.has(ids[i])) rows.push(i);
    if (rows.length === 0) return;
    if (rows.length === ids.length) set.add(ids, vectors);
    else {
      const picked = new Float32Array(rows.length * set.dims);
      rows.forEach((row, i) => picked.set(vectors.subarray(row * set.dims, (row + 1) * set.dims), i * set.dims));
      set.add(
        rows.map((row) => ids[row]),
        picked,
      );
    }
    for (const row of rows) if (this.chunkDoc.has(ids[row])) this.pending--;
  }

  /** Drops a document's chunks from memory (keyword, vectors, counts); its record stays unless `forget`. */
  removeChunks(docId: number): void {
    const chunkIds = this.docChunks.get(docId) ?? [];
    for (const id of chunkIds) {
      this.lexicalIndex.remove(id);
      this.chunkDoc.delete(id);
      if (!this.vectorSet?.has(id)) this.pending--;
    }
    this.vectorSet?.remove(chunkIds);
    this.docChunks.delete(docId);
  }

  forget(docId: number): void {
    this.removeChunks(docId);
    this.docs.delete(docId);
  }

  /**
   * Brings one document in line with the store (another tab wrote it): drops what memory had, then reloads its
   * record and, when it is ready, its terms and vectors.
   */
  async syncDocument(store: Store, docId: number): Promise<void> {
    const record = await store.getDocument(docId);
    this.removeChunks(docId);
    if (!record) {
      this.docs.delete(docId);
      return;
    }
    this.docs.set(docId, record);
    if (record.status !== 'ready') return;
    const set = this.vectorSet;
    const [terms, batches] = await Promise.all([
      store.termsOf(docId),
      set ? store.vectorBatchesOf(docId, set.fingerprint) : Promise.resolve([]),
    ]);
    // Re-check: a newer write may have landed while we read; the next catch-up applies it.
    for (const row of terms) this.addChunk(docId, row.chunkId, row.terms);
    if (set && set === this.vectorSet) for (const batch of batches) this.addVectors(batch.chunkIds, batch.vectors, set);
  }

  documentFilter(documentIds: readonly number[]): IdFilter {
    const wanted = new Set(documentIds);
    return (chunkId) => wanted.has(this.chunkDoc.get(chunkId) ?? -1);
  }

  /** True when every chunk of the document has a vector of the current model. */
  isEmbedded(docId: number): boolean {
    const set = this.vectorSet;
    return !!set && this.chunksOf(docId).every((id) => set.has(id));
  }

  private recount(): void {
    const set = this.vectorSet;
    let pending = 0;
    for (const id of this.chunkDoc.keys()) if (!set?.has(id)) pending++;
    this.pending = pending;
  }
}
