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

/** A short id from a name, unique among `taken` (lower-case letters, digits and dashes). */
export function collectionIdFor(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'collection';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
