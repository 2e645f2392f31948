// The library as a map: asks for a projection (with progress and cancel), then shows it with the current results
// marked. A click opens a passage; a box selection limits the search to the selected documents. The projection
// itself comes from the engine (src/engine/map/project.ts, in the worker) through the `load` prop.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SearchResult } from '../../../engine/api/index.ts';
import { EmbeddingMap, MAP_PALETTE } from './EmbeddingMap.tsx';
import { picturePoints } from './map-thumbnails.ts';
import type { ThumbnailLoader } from './thumbnail-store.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';

/** One projected passage per row, in the same order in every array. */
export interface MapPoints {
  /** x, y pairs. */
  points: Float32Array;
  chunkIds: ArrayLike<number>;
  documentIds: ArrayLike<number>;
  /** Passage text (or its start), for the tooltip. */
  texts: ArrayLike<string>;
  /** The documents among them that are pictures. */
  pictureDocumentIds?: ArrayLike<number>;
}

export interface MapProgress {
  stage: string;
  fraction: number;
}

export type MapLoader = (signal: AbortSignal, onProgress: (progress: MapProgress) => void) => Promise<MapPoints>;

interface Props {
  load: MapLoader;
  /** The current results, marked on the map. */
  results?: readonly SearchResult[];
  onOpen?: (chunkId: number, documentId: number) => void;
  onFilter?: (documentIds: number[]) => void;
  /** A picture document's thumbnail, drawn on the map up close. */
  loadThumbnail?: ThumbnailLoader;
}

const STAGE_TEXT: Record<string, string> = {
  pca: 'Reducing dimensions',
  umap: 'Laying out the map',
  place: 'Placing passages',
};

export function MapPanel({ load, results = [], onOpen, onFilter, loadThumbnail }: Props) {
  const [data, setData] = useState<MapPoints>();
  const [progress, setProgress] = useState<MapProgress>();
  const [error, setError] = useState<string>();
  const [cancelled, setCancelled] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const controller = useRef<AbortController>(undefined);
  // A new loader (the engine restarted) starts over: nothing of the previous map stays.
  const [loading, setLoading] = useState(() => load);
  if (loading !== load) {
    setLoading(() => load);
    setData(undefined);
    setError(undefined);
    setCancelled(false);
    setProgress(undefined);
  }
  const again = () => {
    setData(undefined);
    setError(undefined);
    setCancelled(false);
    setProgress(undefined);
    setAttempt((n) => n + 1);
  };

  useEffect(() => {
    const abort = new AbortController();
    controller.current = abort;
    load(abort.signal, setProgress).then(
      (value) => !abort.signal.aborted && setData(value),
      (reason: unknown) => {
        if (!abort.signal.aborted) setError(reason instanceof Error ? reason.message : String(reason));
      },
    );
    return () => abort.abort();
  }, [load, attempt]);

  // Colour by document: document ids mapped to palette slots in order of first appearance.
  const colors = useMemo(() => {
    if (!data) return new Uint16Array(0);
    const slot = new Map<number, number>();
    return Uint16Array.from({ length: data.documentIds.length }, (_, i) => {
      const doc = data.documentIds[i]!;
      if (!slot.has(doc)) slot.set(doc, slot.size % MAP_PALETTE.length);
      return slot.get(doc)!;
    });
  }, [data]);

  const pictures = useMemo(() => {
    if (!data?.pictureDocumentIds?.length || !loadThumbnail) return undefined;
    return { points: picturePoints(data.documentIds, data.pictureDocumentIds), load: loadThumbnail };
  }, [data, loadThumbnail]);

  const marked = useMemo(() => {
    if (!data || results.length === 0) return [];
    const wanted = new Set(results.map((r) => r.chunkId));
    const found: number[] = [];
    for (let i = 0; i < data.chunkIds.length; i++) if (wanted.has(data.chunkIds[i]!)) found.push(i);
    return found;
  }, [data, results]);

  if (error) {
    return (
      <p className="alert" role="alert">
        The map could not be made: {error}
      </p>
    );
  }
  if (cancelled) {
    return (
      <p className="hint" data-testid="map-cancelled">
        Map cancelled.{' '}
        <button type="button" className="link-button" onClick={again}>
          Make the map
        </button>
      </p>
    );
  }
  if (!data) {
    return (
      <div className="map-progress" role="status" data-testid="map-progress">
        <span>
          {progress
            ? `${STAGE_TEXT[progress.stage] ?? progress.stage}… ${Math.round(progress.fraction * 100)}%`
            : 'Preparing the map…'}
        </span>
        <ProgressBar value={progress?.fraction} label="Map projection" />
        <button
          type="button"
          className="button button--small button--quiet"
          onClick={() => {
            controller.current?.abort();
            setCancelled(true);
          }}
        >
          Cancel
        </button>
      </div>
    );
  }
  return (
    <EmbeddingMap
      points={data.points}
      labels={data.texts}
      colors={colors}
      documentIds={data.documentIds}
      marked={marked}
      pictures={pictures}
      onOpen={(i) => onOpen?.(data.chunkIds[i]!, data.documentIds[i]!)}
      onSelect={(selection) => onFilter?.(selection.documentIds)}
      label="Map of your library's passages"
    />
  );
}
