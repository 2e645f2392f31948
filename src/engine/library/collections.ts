// Collection names and document tags as the user gives them, checked and normalised before they are stored. What a
// collection is (its id, the default one, which one a document is in) is a foundation: core/collections.ts.
import { TroveError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_COLLECTION, DEFAULT_COLLECTION_RECORD, type CollectionRecord } from '../core/collections.ts';
import { COLLECTIONS_SETTING } from '../privacy/sealed-settings.ts';

/** Where the collection records live in the store's settings (the default collection is implied, never stored; the
 * records are sealed under the library lock). */
const COLLECTIONS_KEY = COLLECTIONS_SETTING;

/** Every collection, the default one first (it always exists). */
export async function readCollections(store: Store): Promise<CollectionRecord[]> {
  const stored = (await store.getSetting<CollectionRecord[]>(COLLECTIONS_KEY)) ?? [];
  return [DEFAULT_COLLECTION_RECORD, ...stored.filter((c) => c.id !== DEFAULT_COLLECTION)];
}

/** Stores the full list of collection records (the default one may be included; it is implied). */
export function saveCollections(store: Store, records: readonly CollectionRecord[]): Promise<void> {
  return store.putSetting(
    COLLECTIONS_KEY,
    records.filter((c) => c.id !== DEFAULT_COLLECTION),
  );
}

const MAX_NAME = 80;

/** A trimmed, non-empty collection name, or INVALID_ARGUMENT saying what is wrong. */
export function validCollectionName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed) throw new TroveError('INVALID_ARGUMENT', 'A collection needs a name.');
  if (trimmed.length > MAX_NAME)
    throw new TroveError('INVALID_ARGUMENT', `A collection name can have at most ${MAX_NAME} characters.`);
  return trimmed;
}

const MAX_TAG = 40;

/** Tags as stored: trimmed, lower-cased, de-duplicated, non-empty, sorted. */
export function normalizeTags(tags: readonly unknown[]): string[] {
  const clean = new Set<string>();
  for (const tag of tags) {
    if (typeof tag !== 'string') throw new TroveError('INVALID_ARGUMENT', 'Tags must be text.');
    const t = tag.trim().toLowerCase();
    if (!t) continue;
    if (t.length > MAX_TAG)
      throw new TroveError('INVALID_ARGUMENT', `A tag can have at most ${MAX_TAG} characters: “${t.slice(0, 20)}…”.`);
    clean.add(t);
  }
  return [...clean].sort();
}
