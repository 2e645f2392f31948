// The stored pictures of one image model (store `pictures`, by fingerprint) held in memory for search, re-read when
// the library changed (another tab, a delete, an import), and the nearest of them to a query vector. A picture is
// named by its document and its place in it (n: 0 for a picture document, 1, 2, … for the pictures inside one).
import type { SearchFilter } from '../api/index.ts';
import { documentMatches } from '../retrieve/filters.ts';
import { checkPicture } from '../store/picture-record.ts';
import type { DocumentRecord, PictureRecord, Store } from '../store/store.ts';

/** Pictures in the strip of a text search, and answers to an image query. */
export const PICTURE_K = 12;
/** Pictures whose cosine is this far below the best one are left out (CLIP cosines cluster; irrelevant ones trail). */
const RELATIVE_MARGIN = 0.1;

interface LoadedSet {
  store: Store;
  fingerprint: string;
  version: number;
  vectors: Map<string, PictureRecord>;
}

/** One picture's place: its document and n. */
export interface PictureRef {
  docId: number;
  n: number;
}

/** The map key of a picture. */
export function pictureKey(docId: number, n: number): string {
  return `${docId}:${n}`;
}

/** Spaces held at once: the one serving and, during a model switch, the one filling. */
const HELD_SPACES = 2;

export class PictureVectors {
  /** By fingerprint, least recently read first. */
  private readonly sets = new Map<string, LoadedSet>();

  constructor(
    private readonly store: () => Store,
    private readonly docs: () => ReadonlyMap<number, DocumentRecord>,
  ) {}

  /** The pictures of one image model, by pictureKey. */
  async of(fingerprint: string): Promise<ReadonlyMap<string, PictureRecord>> {
    const store = this.store();
    const version = await store.libraryVersion();
    const current = this.sets.get(fingerprint);
    this.sets.delete(fingerprint);
    if (current && current.store === store && current.version === version) {
      this.sets.set(fingerprint, current);
      return current.vectors;
    }
    const vectors = new Map<string, PictureRecord>();
    for (const row of await store.listPictures(fingerprint)) {
      const picture = checkPicture(row);
      if (picture && picture.fingerprint === fingerprint) vectors.set(pictureKey(picture.docId, picture.n), picture);
    }
    this.sets.set(fingerprint, { store, fingerprint, version, vectors });
    for (const old of this.sets.keys()) if (this.sets.size > HELD_SPACES) this.sets.delete(old);
    return vectors;
  }

  /** A picture as last read (no store access: for building hits). */
  held(docId: number, n: number): PictureRecord | undefined {
    for (const set of this.sets.values()) {
      const picture = set.vectors.get(pictureKey(docId, n));
      if (picture) return picture;
    }
    return undefined;
  }

  /** A picture just stored by this engine: kept in the set it belongs to, without re-reading the store. */
  async stored(record: PictureRecord): Promise<void> {
    const set = this.sets.get(record.fingerprint);
    if (set) {
      set.vectors.set(pictureKey(record.docId, record.n), record);
      set.version = await set.store.libraryVersion();
    }
  }

  /** The model was released or its files deleted, or a space dropped: the next search re-reads. */
  forget(): void {
    this.sets.clear();
  }

  /** Pictures of the live documents passing the filter, by cosine, within RELATIVE_MARGIN of the best. */
  async nearest(
    fingerprint: string,
    query: Float32Array,
    filter: SearchFilter | undefined,
  ): Promise<Array<PictureRef & { cosine: number }>> {
    const vectors = await this.of(fingerprint);
    const docs = this.docs();
    const scored: Array<PictureRef & { cosine: number }> = [];
    for (const picture of vectors.values()) {
      const doc = docs.get(picture.docId);
      if (!doc || doc.status !== 'ready' || (filter && !documentMatches(doc, filter))) continue;
      if (picture.vector.length !== query.length) continue; // another space's length: no cosine to compare
      let cosine = 0;
      for (let d = 0; d < query.length; d++) cosine += query[d] * picture.vector[d];
      scored.push({ docId: picture.docId, n: picture.n, cosine });
    }
    scored.sort((a, b) => b.cosine - a.cosine);
    const best = scored[0]?.cosine ?? 0;
    return scored.filter((s) => s.cosine > 0 && s.cosine >= best - RELATIVE_MARGIN).slice(0, PICTURE_K);
  }
}

/** A flat array of vectors split into rows of `dims`. */
export function splitRows(flat: Float32Array, dims: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let at = 0; at < flat.length; at += dims) rows.push(flat.slice(at, at + dims));
  return rows;
}
