// The catalogue's documents by id, with the lookups an ingest makes for every file kept beside them: documents by
// content (collection + SHA-256) and by place (collection + folder + name). Scanning every document instead made
// adding a folder quadratic. The lookups follow every set, delete and clear, so callers use it as a plain Map.
import { collectionOf } from '../core/collections.ts';
import type { DocumentRecord } from '../store/store.ts';

export class DocumentMap extends Map<number, DocumentRecord> {
  private readonly byContent = new Map<string, Set<number>>();
  private readonly byPlace = new Map<string, Set<number>>();

  /** Documents of a collection with these bytes, oldest first. */
  withContent(collection: string, sha256: string): DocumentRecord[] {
    return this.lookup(this.byContent, contentKey(collection, sha256));
  }

  /** Documents of a collection with this name in this folder (as stored: redacted when redaction was on). */
  atPlace(collection: string, folder: string | undefined, name: string): DocumentRecord[] {
    return this.lookup(this.byPlace, placeKey(collection, folder, name));
  }

  override set(id: number, doc: DocumentRecord): this {
    const old = super.get(id);
    super.set(id, doc);
    // A status or tag change keeps the document where it was in the lookups (and their order).
    if (old && sameKeys(old, doc)) return this;
    if (old) this.unindex(id, old);
    this.index(id, doc);
    return this;
  }

  override delete(id: number): boolean {
    const old = super.get(id);
    if (old) this.unindex(id, old);
    return super.delete(id);
  }

  override clear(): void {
    super.clear();
    this.byContent.clear();
    this.byPlace.clear();
  }

  private lookup(index: Map<string, Set<number>>, key: string): DocumentRecord[] {
    const ids = index.get(key);
    if (!ids) return [];
    const docs: DocumentRecord[] = [];
    for (const id of ids) {
      const doc = super.get(id);
      if (doc) docs.push(doc);
    }
    return docs;
  }

  private index(id: number, doc: DocumentRecord): void {
    const collection = collectionOf(doc);
    if (doc.sha256) add(this.byContent, contentKey(collection, doc.sha256), id);
    add(this.byPlace, placeKey(collection, doc.folder, doc.name), id);
  }

  private unindex(id: number, doc: DocumentRecord): void {
    const collection = collectionOf(doc);
    if (doc.sha256) remove(this.byContent, contentKey(collection, doc.sha256), id);
    remove(this.byPlace, placeKey(collection, doc.folder, doc.name), id);
  }
}

function sameKeys(a: DocumentRecord, b: DocumentRecord): boolean {
  return (
    a.sha256 === b.sha256 &&
    a.name === b.name &&
    (a.folder ?? '') === (b.folder ?? '') &&
    collectionOf(a) === collectionOf(b)
  );
}

function contentKey(collection: string, sha256: string): string {
  return `${collection}\u0000${sha256}`;
}

function placeKey(collection: string, folder: string | undefined, name: string): string {
  return `${collection}\u0000${folder ?? ''}\u0000${name}`;
}

function add(index: Map<string, Set<number>>, key: string, id: number): void {
  const ids = index.get(key);
  if (ids) ids.add(id);
  else index.set(key, new Set([id]));
}

function remove(index: Map<string, Set<number>>, key: string, id: number): void {
  const ids = index.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) index.delete(key);
}
