// The library as this engine holds it in memory: document records, which chunks belong to which document, the
// keyword index, the vector set of the current model, and a running count of searchable chunks still waiting for
// vectors (kept incrementally: a scan after every batch would be quadratic over a large backfill).
// Only 'ready' documents, and documents this engine is indexing right now, have chunks in memory: an interrupted
// or failed document is listed but never half-searchable.
import { Bm25Index, type Bm25Options } from '../lexical/bm25.ts';
import { DEFAULT_COLLECTION, collectionOf } from '../core/collections.ts';
import type { DocumentRecord, Store } from '../store/store.ts';
import type { Hit, IdFilter } from '../core/types.ts';
import { libraryLanguages, type LibraryLanguages } from '../ingest/library-languages.ts';
import type { VectorSet } from './vector-set.ts';
import { DocumentMap } from './document-map.ts';

/** Documents read side by side when many are brought in line with the store (see syncDocuments). */
const SYNC_WINDOW = 32;

/** The persisted keyword index (see saveSnapshot): its pages live beside the vector index pages. */
export const LEXICAL_SNAPSHOT = 'trove/lexical';

/** What the snapshot says of the documents, so keyword search and the counts answer before the list is read. */
export interface SnapshotSummary {
  documents: number;
  languages: LibraryLanguages;
}

export class LibraryCatalogue {
  readonly docs = new DocumentMap();
  /**
   * Set while the document list is still being read after a start from the snapshot (keyword search already
   * answers, from the summary); null once `docs` holds every document.
   */
  private summary: SnapshotSummary | null = null;
  private documentsRead: Promise<void> = Promise.resolve();
  private readonly chunkDoc = new Map<number, number>();
  private readonly docChunks = new Map<number, number[]>();
  /** One keyword index per collection: document frequencies never mix collections. */
  private readonly lexicalIndexes = new Map<string, Bm25Index>();
  private params: Bm25Options;
  private vectorSet: VectorSet | null = null;
  private pending = 0;

  constructor(params: Bm25Options) {
    this.params = params;
  }

  /** Collections that have searchable passages. */
  get keywordCollections(): string[] {
    return [...this.lexicalIndexes.keys()];
  }

  /** Keyword search over some collections (all when none given); each scored with its own statistics. */
  searchKeyword(
    terms: readonly string[],
    k: number,
    collections: readonly string[] | undefined,
    filter?: IdFilter,
  ): Hit[] {
    const hits: Hit[] = [];
    for (const [collection, index] of this.lexicalIndexes) {
      if (collections && !collections.includes(collection)) continue;
      hits.push(...index.search(terms, k, filter));
    }
    return hits.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
  }

  private lexicalFor(collection: string): Bm25Index {
    let index = this.lexicalIndexes.get(collection);
    if (!index) {
      index = new Bm25Index(this.params);
      this.lexicalIndexes.set(collection, index);
    }
    return index;
  }

  private lexicalOf(docId: number): Bm25Index {
    return this.lexicalFor(collectionOf(this.docs.get(docId)));
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
   * From an unchanged snapshot it returns once keyword search can answer: the document list is read after it
   * (see documents()), so a large library's first query does not wait for every record to be read and checked.
   */
  async load(store: Store, params: Bm25Options): Promise<'snapshot' | 'terms'> {
    this.docs.clear();
    this.chunkDoc.clear();
    this.docChunks.clear();
    this.lexicalIndexes.clear();
    this.params = params;
    this.pending = 0;
    this.summary = null;
    const snapshot = await this.loadSnapshot(store, params);
    if (snapshot === 'read') return 'snapshot';
    if (snapshot) {
      this.summary = snapshot;
      const read = this.readDocuments(store);
      this.documentsRead = read;
      read.catch(() => undefined); // answered to whoever waits on documents()
      return 'snapshot';
    }
    this.lexicalIndexes.clear();
    this.chunkDoc.clear();
    this.docChunks.clear();
    for (const doc of await store.listDocuments()) this.docs.set(doc.id, doc);
    for (const row of await store.allTerms()) {
      if (this.docs.get(row.docId)?.status === 'ready') this.addChunk(row.docId, row.chunkId, row.terms);
    }
    this.recount();
    return 'terms';
  }

  /** Resolves once `docs` holds every document (at once, unless a start from the snapshot is still reading them). */
  documents(): Promise<void> {
    return this.documentsRead;
  }

  /** True while a start from the snapshot is still reading the document list. */
  get readingDocuments(): boolean {
    return this.summary !== null;
  }

  /** Documents in the library, known before the list is read. */
  get documentCount(): number {
    return this.summary?.documents ?? this.docs.size;
  }

  /** The library's languages, known before the list is read. */
  languages(): LibraryLanguages {
    return this.summary?.languages ?? libraryLanguages(this.docs.values());
  }

  /** The records of some documents: from memory, or (while the list is being read) from the store. */
  async documentsById(store: Store, ids: Iterable<number>): Promise<ReadonlyMap<number, DocumentRecord>> {
    if (!this.summary) return this.docs;
    const found = new Map<number, DocumentRecord>();
    for (const id of new Set(ids)) {
      const doc = this.docs.get(id) ?? (await store.getDocument(id));
      if (doc) found.set(id, doc);
    }
    return found;
  }

  private async readDocuments(store: Store): Promise<void> {
    const summary = this.summary;
    for (const doc of await store.listDocuments()) if (!this.docs.has(doc.id)) this.docs.set(doc.id, doc);
    if (this.summary !== summary) return; // loaded again (or cleared) meanwhile
    // A snapshot never holds a document that is not ready (it is written between tasks); be safe anyway.
    for (const docId of [...this.docChunks.keys()])
      if (this.docs.get(docId)?.status !== 'ready') this.removeChunks(docId);
    this.recount();
    this.summary = null;
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
    const summary: SnapshotSummary = { documents: this.documentCount, languages: this.languages() };
    const pages = [
      { name: 'chunk-doc', bytes: new Uint8Array(pairs.buffer) },
      { name: 'summary', bytes: new TextEncoder().encode(JSON.stringify(summary)) },
    ];
    for (const [collection, index] of this.lexicalIndexes) {
      pages.push({ name: `bm25/${collection}`, bytes: new Uint8Array(index.serialize()) });
    }
    const previous = await store.readIndex(LEXICAL_SNAPSHOT);
    const removed = (previous?.pages ?? []).map((p) => p.name).filter((name) => !pages.some((p) => p.name === name));
    await store.writeIndexPages(LEXICAL_SNAPSHOT, pages, removed, version);
  }

  /**
   * Loads the keyword snapshot when it is usable: returns its summary of the documents, to read them after; 'read'
   * when they had to be read with it; false when the index must be rebuilt from the terms.
   */
  private async loadSnapshot(store: Store, params: Bm25Options): Promise<SnapshotSummary | 'read' | false> {
    const snapshot = await store.readIndex(LEXICAL_SNAPSHOT);
    if (!snapshot) return false;
    const changes = await store.changesSince(snapshot.version);
    if ('gap' in changes) return false;
    const map = snapshot.pages.find((p) => p.name === 'chunk-doc');
    if (!map || map.bytes.byteLength % 8 !== 0) return false;
    const summary = readSummary(snapshot.pages.find((p) => p.name === 'summary')?.bytes);
    // An older snapshot without a summary, or documents changed since it: read the list first (the summary's
    // counts and languages would be out of date).
    if (!summary || changes.docIds.length > 0)
      for (const doc of await store.listDocuments()) this.docs.set(doc.id, doc);
    for (const page of snapshot.pages) {
      if (!page.name.startsWith('bm25/')) continue;
      let index: Bm25Index;
      try {
        index = Bm25Index.deserialize(page.bytes);
      } catch {
        return false; // damaged: rebuild from the terms
      }
      if (index.k1 !== (params.k1 ?? index.k1) || index.b !== (params.b ?? index.b)) return false;
      this.lexicalIndexes.set(page.name.slice('bm25/'.length), index);
    }
    const pairs = new Uint32Array(map.bytes.slice().buffer);
    for (let i = 0; i < pairs.length; i += 2) {
      const [chunkId, docId] = [pairs[i], pairs[i + 1]];
      this.chunkDoc.set(chunkId, docId);
      const list = this.docChunks.get(docId);
      if (list) list.push(chunkId);
      else this.docChunks.set(docId, [chunkId]);
    }
    if (summary && changes.docIds.length === 0) return summary; // the documents are read after
    // Documents written after the snapshot (or deleted since) are brought in line one by one.
    await this.syncDocuments(store, changes.docIds);
    for (const docId of [...this.docChunks.keys()])
      if (this.docs.get(docId)?.status !== 'ready') this.removeChunks(docId);
    this.recount();
    return 'read';
  }

  /** Forgets everything in memory (the library was locked or wiped). */
  clear(): void {
    this.summary = null;
    this.documentsRead = Promise.resolve();
    this.docs.clear();
    this.chunkDoc.clear();
    this.docChunks.clear();
    this.lexicalIndexes.clear();
    this.useVectors(null);
  }

  /** Makes a vector set the one searched, and recounts the chunks it lacks (once per swap, not per batch). */
  useVectors(set: VectorSet | null): void {
    this.vectorSet = set;
    this.recount();
  }

  addChunk(docId: number, chunkId: number, terms: readonly string[]): void {
    if (this.chunkDoc.has(chunkId)) return;
    this.lexicalOf(docId).add(chunkId, terms);
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
    const lexical = this.lexicalOf(docId);
    for (const id of chunkIds) {
      lexical.remove(id);
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
   * Brings documents in line with the store (another tab wrote them, or a start after a long ingest): drops what
   * memory had, then reloads each record and, when it is ready, its terms and vectors. They are read SYNC_WINDOW
   * documents at a time, side by side, and applied in order: one at a time, each document waited for three reads in
   * turn, and 2,000 changed documents took seconds.
   */
  async syncDocuments(store: Store, docIds: readonly number[]): Promise<void> {
    for (let from = 0; from < docIds.length; from += SYNC_WINDOW) {
      const set = this.vectorSet;
      const read = await Promise.all(
        docIds.slice(from, from + SYNC_WINDOW).map(async (docId) => {
          const record = await store.getDocument(docId);
          if (record?.status !== 'ready') return { docId, record, terms: [], batches: [] };
          const [terms, batches] = await Promise.all([
            store.termsOf(docId),
            set ? store.vectorBatchesOf(docId, set.fingerprint) : Promise.resolve([]),
          ]);
          return { docId, record, terms, batches };
        }),
      );
      for (const { docId, record, terms, batches } of read) {
        this.removeChunks(docId); // from the keyword index of the collection it was in
        if (!record) {
          this.docs.delete(docId);
          continue;
        }
        this.docs.set(docId, record);
        if (record.status !== 'ready') continue;
        // Re-check: a newer write may have landed while we read; the next catch-up applies it.
        for (const row of terms) this.addChunk(docId, row.chunkId, row.terms);
        if (set && set === this.vectorSet)
          for (const batch of batches) this.addVectors(batch.chunkIds, batch.vectors, set);
      }
    }
  }

  documentFilter(documentIds: readonly number[]): IdFilter {
    const wanted = new Set(documentIds);
    return (chunkId) => wanted.has(this.chunkDoc.get(chunkId) ?? -1);
  }

  /** Chunks whose document passes a predicate (decided once per document, then a map lookup per chunk). */
  chunkFilter(acceptDocument: (doc: DocumentRecord) => boolean): IdFilter {
    const accepted = new Set<number>();
    for (const doc of this.docs.values()) if (acceptDocument(doc)) accepted.add(doc.id);
    return (chunkId) => accepted.has(this.chunkDoc.get(chunkId) ?? -1);
  }

  /** Documents per collection and searchable passages per collection. */
  collectionCounts(): Map<string, { documents: number; passages: number }> {
    const counts = new Map<string, { documents: number; passages: number }>();
    for (const doc of this.docs.values()) {
      const id = collectionOf(doc);
      const entry = counts.get(id) ?? { documents: 0, passages: 0 };
      entry.documents++;
      entry.passages += this.chunksOf(doc.id).length;
      counts.set(id, entry);
    }
    if (!counts.has(DEFAULT_COLLECTION)) counts.set(DEFAULT_COLLECTION, { documents: 0, passages: 0 });
    return counts;
  }

  /** Names of the documents in a collection. */
  documentNames(collection: string): Set<string> {
    return new Set([...this.docs.values()].filter((d) => collectionOf(d) === collection).map((d) => d.name));
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

/** The snapshot's summary page, when present and well formed. */
function readSummary(bytes: Uint8Array | undefined): SnapshotSummary | undefined {
  if (!bytes) return undefined;
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<SnapshotSummary> | null;
    const languages = value?.languages;
    if (
      !Number.isSafeInteger(value?.documents) ||
      !Array.isArray(languages?.languages) ||
      !languages.languages.every((l) => typeof l === 'string') ||
      typeof languages.hasCode !== 'boolean' ||
      typeof languages.mostlyNonEnglish !== 'boolean'
    )
      return undefined;
    return {
      documents: value!.documents!,
      languages: {
        languages: languages.languages,
        hasCode: languages.hasCode,
        mostlyNonEnglish: languages.mostlyNonEnglish,
      },
    };
  } catch {
    return undefined;
  }
}
