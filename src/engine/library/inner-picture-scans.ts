// Which documents were looked through for pictures inside them and held none. A document with pictures shows it by
// its picture rows (n ≥ 1); one without any leaves no row, so without this list every start with image search on
// would extract it again. Whether a document holds pictures does not depend on the image model, so the list is
// kept once for all models (a new model re-embeds only the documents that have pictures). One settings key, written
// once per ingest batch or back-fill run, so its cost stays linear in the documents scanned.
import type { Store } from '../store/store.ts';
import { MAX_ID, isWhole } from '../store/record-schema.ts';

export const NO_INNER_PICTURES_KEY = 'pictures.noInnerPictures';

/** The stored list, each id checked (a damaged value reads as empty: those documents are looked through again). */
export async function readNoInnerPictures(store: Store): Promise<Set<number>> {
  const value = await store.getSetting<unknown>(NO_INNER_PICTURES_KEY).catch(() => undefined);
  if (!Array.isArray(value)) return new Set();
  return new Set(value.filter((id): id is number => isWhole(id, 0, MAX_ID)));
}

/**
 * Adds `scanned` to the stored list, dropping the ids of documents that are gone (`live`). Run it inside the work
 * queue: the read and the write must not interleave with another tab's.
 */
export async function addNoInnerPictures(
  store: Store,
  scanned: Iterable<number>,
  live: (id: number) => boolean,
): Promise<void> {
  const ids = await readNoInnerPictures(store);
  const before = ids.size;
  let added = false;
  for (const id of scanned) {
    if (!ids.has(id)) added = true;
    ids.add(id);
  }
  for (const id of ids) if (!live(id)) ids.delete(id);
  if (!added && ids.size === before) return;
  await store.putSetting(
    NO_INNER_PICTURES_KEY,
    [...ids].sort((a, b) => a - b),
  );
}
