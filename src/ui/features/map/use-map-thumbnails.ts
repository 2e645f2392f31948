// The map's thumbnails as a hook: a MapThumbnailStore per loader (a new loader, when the engine restarted, starts
// empty), disposed on unmount so every object URL it holds is revoked; the wanted documents are fetched as views
// change, and each arrival bumps `version` so the map draws again.
import { useCallback, useEffect, useRef, useState } from 'react';
import { MAX_THUMBNAILS_IN_VIEW } from './map-thumbnails.ts';
import { MapThumbnailStore, type ThumbnailLoader } from './thumbnail-store.ts';

/** Room for the thumbnails of a few views, so zooming back and forth does not fetch again. */
export const THUMBNAIL_CACHE_SIZE = MAX_THUMBNAILS_IN_VIEW * 3;

export interface MapThumbnails {
  /** The decoded thumbnail of a document, when fetched. */
  image: (documentId: number) => HTMLImageElement | undefined;
  /** Changes when a thumbnail arrives (to redraw). */
  version: number;
}

export function useMapThumbnails(load: ThumbnailLoader | undefined, wanted: readonly number[]): MapThumbnails {
  const store = useRef<MapThumbnailStore<HTMLImageElement>>(undefined);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!load) return;
    const own = new MapThumbnailStore({
      load,
      capacity: THUMBNAIL_CACHE_SIZE,
      open: openImage,
      revoke: (url) => URL.revokeObjectURL(url),
      onArrive: () => setVersion((n) => n + 1),
    });
    store.current = own;
    return () => {
      if (store.current === own) store.current = undefined;
      own.dispose();
    };
  }, [load]);

  useEffect(() => store.current?.want(wanted), [load, wanted]);

  const image = useCallback((documentId: number) => store.current?.image(documentId), []);
  return { image, version };
}

async function openImage(blob: Blob): Promise<{ url: string; image: HTMLImageElement }> {
  const url = URL.createObjectURL(blob);
  const image = new Image();
  image.src = url;
  try {
    await image.decode();
  } catch (error) {
    URL.revokeObjectURL(url);
    throw error;
  }
  return { url, image };
}
