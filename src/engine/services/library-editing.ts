// The library's documents and collections as the user sees and edits them: listing and reading documents (their
// text, passages and kept originals), tags, creating, renaming and deleting collections, and deleting documents.
// Every change runs in the work queue; every delete, of one document, several or a whole collection, goes through
// one routine, so the vector index pages are persisted once per delete whatever its size.
import type { CollectionSummary, DocumentContent, DocumentSummary, OriginalDocument } from '../api/index.ts';
import { TroveError } from '../core/errors.ts';
import type { ActiveModel } from '../library/active-model.ts';
import type { LibraryCatalogue } from '../library/catalogue.ts';
import { DEFAULT_COLLECTION, collectionOf, newCollectionId, type CollectionRecord } from '../core/collections.ts';
import { normalizeTags, readCollections, saveCollections, validCollectionName } from '../library/collections.ts';
import { listPassages } from '../library/passage-list.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import type { Store } from '../store/store.ts';
import type { PassagePage } from '../api/index.ts';

/** Marks buffers of a returned value to be moved, not copied, to the caller (comlink's transfer in the worker). */
export type Transfer = <T>(value: T, buffers: ArrayBuffer[]) => T;

export interface LibraryEditingParts {
  /** The content store (throws while locked). */
  store: () => Store;
  catalogue: LibraryCatalogue;
  queue: WorkQueue;
  model: Pick<ActiveModel, 'refresh'>;
  /** Applies the index policy and persists the vector index pages after vectors changed. */
  vectorsChanged: () => Promise<void>;
  /** Stops every ingest job working on a document that is being deleted. */
  cancelDocument: (id: number) => void;
  transfer?: Transfer;
}

export class LibraryEditing {
  constructor(private readonly parts: LibraryEditingParts) {}

  async listDocuments(): Promise<DocumentSummary[]> {
    this.parts.store(); // LOCKED while locked
    const { catalogue } = this.parts;
    return [...catalogue.docs.values()]
      .sort((a, b) => b.addedAt - a.addedAt || b.id - a.id)
      .map((doc) => ({
        id: doc.id,
        name: doc.name,
        format: doc.format,
        size: doc.size,
        addedAt: doc.addedAt,
        chunkCount: doc.status === 'ready' ? doc.chunkCount : catalogue.chunksOf(doc.id).length,
        pageCount: doc.pageCount,
        status: doc.status,
        embedded: doc.status === 'ready' && catalogue.isEmbedded(doc.id),
        warnings: doc.warnings,
        error: doc.error,
        attempts: doc.attempts,
        collection: collectionOf(doc),
        tags: doc.tags ?? [],
        title: doc.title,
        sha256: doc.sha256,
        modifiedAt: doc.modifiedAt,
        language: doc.language,
        folder: doc.folder,
        redactions: doc.redactions,
      }));
  }

  async getDocument(id: number): Promise<DocumentContent> {
    const store = this.parts.store(); // LOCKED while locked
    const doc = this.parts.catalogue.docs.get(id);
    const text = doc && (await store.getText(id));
    if (!doc || !text) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    const hasOriginal = (await this.parts.store().originalIds()).includes(id); // keys only
    return {
      id,
      name: doc.name,
      format: doc.format,
      title: doc.title,
      text: text.text,
      blocks: text.blocks,
      pageCount: doc.pageCount,
      hasOriginal,
    };
  }

  /** A document's passages in document order, a page at a time. */
  async listPassages(documentId: number, offset: number, limit: number): Promise<PassagePage> {
    return listPassages(this.parts.store(), this.parts.catalogue, documentId, offset, limit);
  }

  /** A document's original file (bytes as added), when keepOriginals kept it; undefined otherwise. */
  async getOriginal(id: number): Promise<OriginalDocument | undefined> {
    const original = await this.parts.store().getOriginal(id);
    if (!original) return undefined;
    const kept: OriginalDocument = { name: original.name, type: original.type, bytes: original.bytes };
    return this.parts.transfer ? this.parts.transfer(kept, [kept.bytes]) : kept;
  }

  async setTags(documentIds: number[], tags: string[], mode: 'add' | 'remove' | 'set'): Promise<void> {
    const { catalogue } = this.parts;
    const given = normalizeTags(tags);
    if (!['add', 'remove', 'set'].includes(mode))
      throw new TroveError('INVALID_ARGUMENT', `mode must be add, remove or set, got "${mode}".`);
    for (const id of documentIds)
      if (!catalogue.docs.has(id)) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    await this.parts.queue.enqueue(async () => {
      for (const id of documentIds) {
        const doc = catalogue.docs.get(id);
        if (!doc) continue;
        const current = doc.tags ?? [];
        const next =
          mode === 'set'
            ? given
            : mode === 'add'
              ? normalizeTags([...current, ...given])
              : current.filter((t) => !given.includes(t));
        await this.parts.store().updateDocument(id, { tags: next });
        catalogue.docs.set(id, { ...doc, tags: next });
      }
    });
  }

  /** Every collection, the default one first (it always exists). */
  collections(): Promise<CollectionRecord[]> {
    return readCollections(this.parts.store());
  }

  async listCollections(): Promise<CollectionSummary[]> {
    const counts = this.parts.catalogue.collectionCounts();
    return (await this.collections()).map((c) => ({ ...c, ...(counts.get(c.id) ?? { documents: 0, passages: 0 }) }));
  }

  async createCollection(name: string): Promise<CollectionSummary> {
    const clean = validCollectionName(name);
    return this.parts.queue.enqueue(async () => {
      const all = await this.collections();
      if (all.some((c) => c.name.toLowerCase() === clean.toLowerCase())) {
        throw new TroveError('INVALID_ARGUMENT', `There is already a collection called “${clean}”.`);
      }
      const record: CollectionRecord = {
        id: newCollectionId(new Set(all.map((c) => c.id))),
        name: clean,
        createdAt: Date.now(),
      };
      await saveCollections(this.parts.store(), [...all, record]);
      return { ...record, documents: 0, passages: 0 };
    });
  }

  async renameCollection(id: string, name: string): Promise<void> {
    const clean = validCollectionName(name);
    await this.parts.queue.enqueue(async () => {
      const all = await this.collections();
      if (!all.some((c) => c.id === id)) throw new TroveError('NOT_FOUND', `No collection “${id}”.`);
      if (all.some((c) => c.id !== id && c.name.toLowerCase() === clean.toLowerCase())) {
        throw new TroveError('INVALID_ARGUMENT', `There is already a collection called “${clean}”.`);
      }
      await saveCollections(
        this.parts.store(),
        all.map((c) => (c.id === id ? { ...c, name: clean } : c)),
      );
    });
  }

  /** Deletes a collection with all its documents (the default collection is emptied, not removed). */
  async deleteCollection(id: string): Promise<void> {
    const all = await this.collections();
    if (!all.some((c) => c.id === id)) throw new TroveError('NOT_FOUND', `No collection “${id}”.`);
    const ids = [...this.parts.catalogue.docs.values()].filter((d) => collectionOf(d) === id).map((d) => d.id);
    await this.remove(ids, async (store) => {
      if (id !== DEFAULT_COLLECTION)
        await saveCollections(
          store,
          (await this.collections()).filter((c) => c.id !== id),
        );
    });
  }

  async deleteDocument(id: number): Promise<void> {
    await this.deleteDocuments([id]);
  }

  /** Deletes several documents in one write task (the vector index is persisted once, not per document). */
  async deleteDocuments(ids: number[]): Promise<void> {
    for (const id of ids)
      if (!this.parts.catalogue.docs.has(id)) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    await this.remove(ids);
  }

  /**
   * Stops the documents' jobs, then deletes them (those still there) in one queued task, with `alsoRemove` in the
   * same task. In the queue: vector changes are serialised, so persisted index pages always follow the stored vectors.
   */
  private async remove(ids: readonly number[], alsoRemove?: (store: Store) => Promise<void>): Promise<void> {
    const { catalogue } = this.parts;
    for (const id of ids) this.parts.cancelDocument(id);
    await this.parts.queue.enqueue(async () => {
      const store = this.parts.store();
      for (const id of ids) {
        if (!catalogue.docs.has(id)) continue;
        await store.deleteDocument(id);
        catalogue.forget(id);
      }
      await alsoRemove?.(store);
      this.parts.model.refresh();
      await this.parts.vectorsChanged();
    });
  }
}
