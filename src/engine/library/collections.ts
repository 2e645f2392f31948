// Collections: separate libraries in one database (the browser's form of multi-tenancy). Each has its own keyword
// statistics; vector search is filtered to the chosen collections during traversal, so nothing of one collection
// ever appears in another's results. Documents without a collection (older libraries) belong to the default one.
import { TroveError } from '../core/errors.ts';
import type { DocumentRecord, Store } from '../store/store.ts';

export const DEFAULT_COLLECTION = 'library';

export interface CollectionRecord {
  id: string;
  name: string;
  createdAt: number;
}

export const DEFAULT_COLLECTION_RECORD: CollectionRecord = { id: DEFAULT_COLLECTION, name: 'My library', createdAt: 0 };

/** Where the collection records live in the store's settings (the default collection is implied, never stored). */
const COLLECTIONS_KEY = 'collections';

/** Every collection, the default one first (it always exists). */
export async function readCollections(store: Store): Promise<CollectionRecord[]> {
  const stored = (await store.getSetting<CollectionRecord[]>(COLLECTIONS_KEY)) ?? [];
  return [DEFAULT_COLLECTION_RECORD, ...stored.filter((c) => c.id !== DEFAULT_COLLECTION)];
}

/** Stores the full list of collection records (the default one may be included; it is implied). */
export function saveCollections(store: Store, records: readonly CollectionRecord[]): Promise<void> {
  return store.putSetting(COLLECTIONS_KEY, records.filter((c) => c.id !== DEFAULT_COLLECTION));
}

export function collectionOf(doc: Pick<DocumentRecord, 'collection'> | undefined): string {
  return doc?.collection ?? DEFAULT_COLLECTION;
}

const MAX_NAME = 80;

/** A trimmed, non-empty collection name, or INVALID_ARGUMENT saying what is wrong. */
export function validCollectionName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed) throw new TroveError('INVALID_ARGUMENT', 'A collection needs a name.');
  if (trimmed.length > MAX_NAME) throw new TroveError('INVALID_ARGUMENT', `A collection name can have at most ${MAX_NAME} characters.`);
  return trimmed;
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

const MAX_TAG = 40;

/** Tags as stored: trimmed, lower-cased, de-duplicated, non-empty, sorted. */
export function normalizeTags(tags: readonly unknown[]): string[] {
  const clean = new Set<string>();
  for (const tag of tags) {
    if (typeof tag !== 'string') throw new TroveError('INVALID_ARGUMENT', 'Tags must be text.');
    const t = tag.trim().toLowerCase();
    if (!t) continue;
    if (t.length > MAX_TAG) throw new TroveError('INVALID_ARGUMENT', `A tag can have at most ${MAX_TAG} characters: “${t.slice(0, 20)}…”.`);
    clean.add(t);
  }
  return [...clean].sort();
}
