// The library's in-memory indexes (the catalogue: documents, keyword index, the vector set searched): loading them
// from the store, reading them again, keeping the vector set's persisted pages in step after changes, and how they
// were loaded, for the statistics.
import type { EngineSettings, LibraryStats } from '../api/index.ts';
import type { Store } from '../store/store.ts';
import type { LibraryCatalogue } from './catalogue.ts';
import { VectorSet, indexPolicy } from './vector-set.ts';

export interface LibraryIndexParts {
  catalogue: LibraryCatalogue;
  /** The content store (throws while locked). */
  store: () => Store;
  settings: () => EngineSettings;
}

export class LibraryIndexes {
  /** How the keyword index was loaded at start-up: from its snapshot, or rebuilt from every passage's terms. */
  private lexicalLoadedFrom: 'snapshot' | 'terms' = 'terms';
  private vectorsLoadedFromPages = false;

  constructor(private readonly parts: LibraryIndexParts) {}

  /**
   * Loads the keyword index and documents from `store` (start-up, unlock); returns once keyword search answers (the
   * document list may still be being read: catalogue.documents()). The vectors follow separately.
   */
  async load(store: Store): Promise<void> {
    this.lexicalLoadedFrom = await this.parts.catalogue.load(store, this.keywordParams());
  }

  /** Resolves once every document record is in memory (see load). */
  documents(): Promise<void> {
    return this.parts.catalogue.documents();
  }

  /** Reads the whole library again (BM25 parameters changed, an import, encryption, or a tab fell too far behind). */
  async reload(): Promise<void> {
    const { catalogue } = this.parts;
    const store = this.parts.store();
    const vectors = catalogue.vectors;
    this.lexicalLoadedFrom = await catalogue.load(store, this.keywordParams());
    await catalogue.documents();
    if (vectors) {
      const { set, loadedFromPages } = await this.openSet(vectors.fingerprint, vectors.dims);
      catalogue.useVectors(set);
      this.vectorsLoadedFromPages = loadedFromPages;
    }
  }

  /** Loads (or rebuilds) the index of a model's stored vectors, without making it the one searched. */
  openSet(fingerprint: string, dims: number): Promise<{ set: VectorSet; loadedFromPages: boolean }> {
    const { catalogue } = this.parts;
    return VectorSet.open(this.parts.store(), fingerprint, dims, indexPolicy(this.parts.settings()), catalogue.isLive);
  }

  /** Makes a model's stored vectors the set searched; false when they already are. Runs in the queue. */
  async useVectors(fingerprint: string, dims: number): Promise<boolean> {
    const { catalogue } = this.parts;
    this.parts.store();
    if (catalogue.vectors?.fingerprint === fingerprint) return false;
    const { set, loadedFromPages } = await this.openSet(fingerprint, dims);
    catalogue.useVectors(set);
    this.vectorsLoadedFromPages = loadedFromPages;
    return true;
  }

  /** Switches index kind or quantization when the settings or the collection's size call for it. */
  async applyPolicy(): Promise<void> {
    const vectors = this.parts.catalogue.vectors;
    if (vectors && (await vectors.applyPolicy(indexPolicy(this.parts.settings()), this.parts.catalogue.isLive))) {
      this.vectorsLoadedFromPages = false;
    }
  }

  /**
   * After vectors changed: apply the index policy and persist the changed pages. Never throws: the stored vectors
   * are the truth, so a failed page write only drops the pages (the next start rebuilds from the vectors).
   */
  async vectorsChanged(): Promise<void> {
    const vectors = this.parts.catalogue.vectors;
    if (!vectors) return;
    try {
      await this.applyPolicy();
      await vectors.persist();
    } catch {
      await vectors.discardPages().catch(() => undefined);
    }
  }

  /** Drops every in-memory index (lock, Forget everything). */
  clear(): void {
    this.parts.catalogue.clear();
    this.vectorsLoadedFromPages = false;
  }

  stats(): LibraryStats {
    const { catalogue } = this.parts;
    const vectors = catalogue.vectors;
    const stats: LibraryStats = {
      documents: catalogue.documentCount,
      chunks: catalogue.chunkCount,
      vectors: vectors?.size ?? 0,
      keywordIndex: this.lexicalLoadedFrom,
      mostlyNonEnglish: catalogue.languages().mostlyNonEnglish,
    };
    if (vectors) {
      stats.index = {
        kind: vectors.kind,
        quantization: vectors.quantization,
        bytesPerVector: vectors.bytesPerVector,
        loadedFromPages: this.vectorsLoadedFromPages,
      };
    }
    return stats;
  }

  private keywordParams(): { k1: number; b: number } {
    const settings = this.parts.settings();
    return { k1: settings.bm25K1, b: settings.bm25B };
  }
}
