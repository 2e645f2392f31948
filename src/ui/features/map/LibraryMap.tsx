// The map of the library, on demand (projecting a large library takes a while): the current results marked, a
// click opening the passage in its document, a box selection narrowing the search to the selected documents.
import { useCallback, useRef, useState } from 'react';
import type { SearchResult } from '../../../engine/api/index.ts';
import { loadLibraryMap } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';
import { MapPanel, type MapLoader } from './MapPanel.tsx';
import type { ThumbnailLoader } from './thumbnail-store.ts';

/** The types a stored thumbnail may have (the engine re-encodes every picture to one of them). */
const THUMBNAIL_TYPES = new Set(['image/webp', 'image/png']);

/** A passage to open: its document and where it sits in the document's text. */
export interface MapPassage {
  documentId: number;
  start: number;
  end: number;
}

interface Props {
  /** The current results, marked on the map. */
  results: readonly SearchResult[] | undefined;
  onOpen: (passage: MapPassage) => void;
  onFilter: (documentIds: number[]) => void;
}

export function LibraryMap({ results, onOpen, onFilter }: Props) {
  const { engine } = useEngine();
  const [open, setOpen] = useState(false);
  // Where each projected passage sits in its document.
  const spans = useRef(new Map<number, { start: number; end: number }>());
  const load = useCallback<MapLoader>(
    async (signal, onProgress) => {
      if (!engine) throw new Error('The search engine is still starting.');
      const map = await loadLibraryMap(engine, signal, onProgress);
      spans.current = new Map(Array.from(map.chunkIds, (id, i) => [id, { start: map.starts[i], end: map.ends[i] }]));
      return map;
    },
    [engine],
  );
  const loadThumbnail = useCallback<ThumbnailLoader>(
    async (documentId) => {
      if (!engine) return undefined;
      const picture = await engine.getPicture(documentId);
      const thumbnail = picture?.thumbnail;
      if (!thumbnail || !THUMBNAIL_TYPES.has(thumbnail.type) || !(thumbnail.bytes instanceof ArrayBuffer))
        return undefined;
      return new Blob([thumbnail.bytes], { type: thumbnail.type });
    },
    [engine],
  );

  return (
    <section className="map-section" aria-label="Embedding map">
      <button
        type="button"
        className="button button--small button--quiet"
        data-testid="map-toggle"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        {open ? 'Hide the map' : 'Map of the library'}
      </button>
      {open && (
        <MapPanel
          load={load}
          results={results}
          onOpen={(chunkId, documentId) => {
            const span = spans.current.get(chunkId);
            if (span) onOpen({ documentId, start: span.start, end: span.end });
          }}
          onFilter={onFilter}
          loadThumbnail={loadThumbnail}
        />
      )}
    </section>
  );
}
