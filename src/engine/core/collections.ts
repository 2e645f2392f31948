// Collections: separate libraries in one database (the browser's form of multi-tenancy). Each has its own keyword
// statistics; vector search is filtered to the chosen collections during traversal, so nothing of one collection
// ever appears in another's results. Documents without a collection (older libraries) belong to the default one.

export const DEFAULT_COLLECTION = 'library';

export interface CollectionRecord {
  id: string;
  name: string;
  createdAt: number;
}

export const DEFAULT_COLLECTION_RECORD: CollectionRecord = { id: DEFAULT_COLLECTION, name: 'My library', createdAt: 0 };

/** The collection a document belongs to (a stored document record, or anything with its `collection` field). */
export function collectionOf(doc: { collection?: string } | undefined): string {
  return doc?.collection ?? DEFAULT_COLLECTION;
}

/**
 * A random, opaque id for a collection, unique among `taken`. Never derived from the name: the id is stored plain
 * on every document (the store needs it to filter), while the name is sealed under the library lock. Collections
 * made before ids were random keep the slug they were given (a rename never changes an id).
 */
export function newCollectionId(taken: ReadonlySet<string>): string {
  for (;;) {
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(9));
    const id = `c-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    if (!taken.has(id) && id !== DEFAULT_COLLECTION) return id;
  }
}
