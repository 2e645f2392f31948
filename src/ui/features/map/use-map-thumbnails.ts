// The map's thumbnails, fetched lazily: only for the picture documents the view wants, once each, kept in a
// bounded LRU as decoded images behind object URLs. An evicted thumbnail's URL is revoked, and every one left when
// the map goes away (unmounted, or a new loader: the engine restarted or the library changed hands).
import { useCallback, useEffect, useRef, useState } from 'react';
import { MAX_THUMBNAILS_IN_VIEW } from './map-thumbnails.ts';
import { ReleasingLru } from './thumbnail-cache.ts';

/** A picture document's stored thumbnail, or undefined when it has none. */
export type ThumbnailLoader = (documentId: number) => Promise<Blob | undefined>;

/** A fetched thumbnail; without `url` the document has none (none stored, or it could not be read). */
interface Thumbnail {
  url?: string;
  image?: HTMLImageElement;
}

/** Room for the thumbnails of a few views, so zooming back and forth does not fetch again. */
export const THUMBNAIL_CACHE_SIZE = MAX_THUMBNAILS_IN_VIEW * 3;

export interface MapThumbnails {
  /** The decoded thumbnail of a document, when fetched. */
  image: (documentId: number) => HTMLImageElement | undefined;
  /** Changes when a thumbnail arrives (to redraw). */
  version: number;
}

export function useMapThumbnails(load: ThumbnailLoader | undefined, wanted: readonly number[]): MapThumbnails {
  const cache = useRef<ReleasingLru<number, Thumbnail>>(undefined);
  const pending = useRef(new Set<number>());
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const own = new ReleasingLru<number, Thumbnail>(THUMBNAIL_CACHE_SIZE, (thumbnail) => {
      if (thumbnail.url) URL.revokeObjectURL(thumbnail.url);
    });
    cache.current = own;
    pending.current = new Set();
    return () => {
      if (cache.current === own) cache.current = undefined;
      own.clear();
    };
  }, [load]);

  useEffect(() => {
    const own = cache.current;
    if (!load || !own) return;
    const waiting = pending.current;
    for (const documentId of wanted) {
      if (own.has(documentId)) {
        own.get(documentId); // in view: most recently used
        continue;
      }
      if (waiting.has(documentId)) continue;
      waiting.add(documentId);
      void fetchThumbnail(load, documentId).then((thumbnail) => {
        waiting.delete(documentId);
        if (cache.current !== own) {
          if (thumbnail.url) URL.revokeObjectURL(thumbnail.url); // the map went away meanwhile
          return;
        }
        own.set(documentId, thumbnail);
        if (thumbnail.image) setVersion((n) => n + 1);
      });
    }
  }, [load, wanted]);

  const image = useCallback((documentId: number) => cache.current?.get(documentId)?.image, []);
  return { image, version };
}

async function fetchThumbnail(load: ThumbnailLoader, documentId: number): Promise<Thumbnail> {
  let blob: Blob | undefined;
  try {
    blob = await load(documentId);
  } catch {
    return {}; // locked, deleted or the engine restarting: drawn as a plain point
  }
  if (!blob) return {};
  const url = URL.createObjectURL(blob);
  const image = new Image();
  image.src = url;
  try {
    await image.decode();
  } catch {
    URL.revokeObjectURL(url);
    return {};
  }
  return { url, image };
}
