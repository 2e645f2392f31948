// The map's thumbnails, fetched lazily: only for the picture documents a view wants, once each, kept in a bounded
// LRU as drawable images behind object URLs. An evicted thumbnail's URL is revoked, and every one left when the
// store is disposed (the map unmounted); one that arrives after that is revoked at once. The DOM parts (object
// URLs, image decoding) are passed in, so this runs in tests without a page.
import { ReleasingLru } from './thumbnail-cache.ts';

/** A picture document's stored thumbnail, or undefined when it has none. */
export type ThumbnailLoader = (documentId: number) => Promise<Blob | undefined>;

export interface ThumbnailStoreParts<I> {
  load: ThumbnailLoader;
  /** At most this many thumbnails are kept. */
  capacity: number;
  /** An object URL for the blob and the image decoded from it; rejects (having revoked its URL) when undecodable. */
  open: (blob: Blob) => Promise<{ url: string; image: I }>;
  revoke: (url: string) => void;
  /** A thumbnail arrived: draw again. */
  onArrive: () => void;
}

/** Without `url`, the document has no thumbnail (none stored, or it could not be read): drawn as a plain point. */
interface Entry<I> {
  url?: string;
  image?: I;
}

export class MapThumbnailStore<I> {
  private readonly cache: ReleasingLru<number, Entry<I>>;
  private readonly pending = new Set<number>();
  private disposed = false;

  constructor(private readonly parts: ThumbnailStoreParts<I>) {
    this.cache = new ReleasingLru(parts.capacity, (entry) => {
      if (entry.url) parts.revoke(entry.url);
    });
  }

  /** Fetches what is wanted and not yet kept or on its way; what is kept is marked as just used. */
  want(documentIds: readonly number[]): void {
    if (this.disposed) return;
    for (const documentId of documentIds) {
      if (this.cache.has(documentId)) this.cache.get(documentId);
      else if (!this.pending.has(documentId)) void this.fetch(documentId);
    }
  }

  /** The thumbnail's image, when fetched. */
  image(documentId: number): I | undefined {
    return this.cache.get(documentId)?.image;
  }

  get size(): number {
    return this.cache.size;
  }

  dispose(): void {
    this.disposed = true;
    this.cache.clear();
  }

  private async fetch(documentId: number): Promise<void> {
    this.pending.add(documentId);
    let entry: Entry<I> = {};
    try {
      const blob = await this.parts.load(documentId);
      if (blob) entry = await this.parts.open(blob);
    } catch {
      // Locked, deleted, the engine restarting, or an undecodable thumbnail: a plain point.
    }
    this.pending.delete(documentId);
    if (this.disposed) {
      if (entry.url) this.parts.revoke(entry.url);
      return;
    }
    this.cache.set(documentId, entry);
    if (entry.image !== undefined) this.parts.onArrive();
  }
}
