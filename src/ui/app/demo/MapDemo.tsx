// ?demo=map: the embedding map over generated points (20,000 by default, ?points=N), so the map can be tried and
// tested without a library. Shows what was hovered, opened and selected.
// ?demo=map&pictures=N: every (points / N)th point is a picture document of its own, with a generated thumbnail
// (a tile of one hue), so thumbnails up close can be tried and timed among 20,000 points.
// ?demo=map&project=1: generated 384-d vectors projected by the engine's project() (here on the main thread),
// shown through MapPanel with its progress and cancel; the time it took is printed.
import { useCallback, useMemo, useState } from 'react';
import { project } from '../../../engine/public.ts';
import { EmbeddingMap, type MapSelection } from '../../features/map/EmbeddingMap.tsx';
import { picturePoints } from '../../features/map/map-thumbnails.ts';
import type { ThumbnailLoader } from '../../features/map/thumbnail-store.ts';
import { MapPanel, type MapLoader } from '../../features/map/MapPanel.tsx';
import { mapData, passageFor, vectorData } from './demo-data.ts';

export function MapDemo() {
  const params = new URLSearchParams(location.search);
  const count = Math.min(200_000, Math.max(1, Number(params.get('points')) || 20_000));
  const pictures = Math.min(count, Math.max(0, Math.floor(Number(params.get('pictures')) || 0)));
  return params.get('project') ? (
    <ProjectedMapDemo count={count} />
  ) : (
    <GeneratedMapDemo count={count} pictures={pictures} />
  );
}

function ProjectedMapDemo({ count }: { count: number }) {
  const [took, setTook] = useState<number>();
  const [opened, setOpened] = useState<string>();
  const [filter, setFilter] = useState<number[]>();
  const load = useCallback<MapLoader>(
    async (signal, onProgress) => {
      const { vectors, clusters } = vectorData(count);
      const t0 = performance.now();
      const { points } = await project(vectors, 384, { signal, onProgress, seed: 1 });
      setTook(performance.now() - t0);
      return {
        points,
        chunkIds: Uint32Array.from({ length: count }, (_, i) => i + 1),
        documentIds: Uint32Array.from(clusters, (c) => c + 1),
        texts: Array.from({ length: count }, (_, i) => passageFor(i, clusters[i]!)),
      };
    },
    [count],
  );
  return (
    <main className="main demo">
      <h1 className="section-title">Projected map demo ({count.toLocaleString()} generated 384-d vectors)</h1>
      <p className="demo__facts">
        <span data-testid="map-took">
          {took === undefined ? 'Projecting…' : `Projected in ${(took / 1000).toFixed(2)} s`}
        </span>
        <span data-testid="map-opened">{opened ?? 'Click a point to open it'}</span>
        <span data-testid="map-selected">{filter ? `Filter: ${filter.length} documents` : 'Drag to select'}</span>
      </p>
      <MapPanel
        load={load}
        onOpen={(chunkId, documentId) => setOpened(`Opened passage ${chunkId} of document ${documentId}`)}
        onFilter={setFilter}
      />
    </main>
  );
}

/** Picture documents are numbered from here, one per picture point. */
const PICTURE_DOCUMENTS = 1_000_000;

function GeneratedMapDemo({ count, pictures }: { count: number; pictures: number }) {
  const data = useMemo(() => mapData(count), [count]);
  const colors = useMemo(() => Uint16Array.from(data.clusters, (c) => c % 10), [data]);
  const step = pictures > 0 ? count / pictures : 0;
  const documentIds = useMemo(
    () => Uint32Array.from(data.clusters, (c, i) => (step > 0 && i % step < 1 ? PICTURE_DOCUMENTS + i : c + 1)),
    [data, step],
  );
  const pictureLayer = useMemo(() => {
    if (step === 0) return undefined;
    const ids = documentIds.filter((id) => id >= PICTURE_DOCUMENTS);
    return { points: picturePoints(documentIds, ids), load: demoThumbnail };
  }, [documentIds, step]);
  // Pretend results: the ten points nearest cluster 0's centre, and the query at that centre.
  const marked = useMemo(() => nearestTo(data.points, data.centres[0]!, data.centres[1]!, 10), [data]);
  const [hovered, setHovered] = useState<number>();
  const [opened, setOpened] = useState<number>();
  const [selection, setSelection] = useState<MapSelection>();

  return (
    <main className="main demo">
      <h1 className="section-title">Embedding map demo ({count.toLocaleString()} generated passages)</h1>
      <p className="demo__facts">
        <span data-testid="map-hovered">
          {hovered === undefined ? 'Hover a point' : `Hovering passage ${hovered + 1}`}
        </span>
        <span data-testid="map-opened">
          {opened === undefined ? 'Click a point to open it' : `Opened passage ${opened + 1}`}
        </span>
        <span data-testid="map-selected">
          {selection
            ? `${selection.points.length} passages in ${selection.documentIds.length} documents selected`
            : 'Drag to select'}
        </span>
      </p>
      <EmbeddingMap
        points={data.points}
        labels={(i) => passageFor(i, data.clusters[i]!)}
        colors={colors}
        documentIds={documentIds}
        marked={marked}
        queryPoint={[data.centres[0]!, data.centres[1]!]}
        pictures={pictureLayer}
        onHover={setHovered}
        onOpen={setOpened}
        onSelect={setSelection}
        label="Generated passages"
      />
    </main>
  );
}

/** A 64 × 48 tile of one hue (from the document number) with a darker band, as a PNG. */
const demoThumbnail: ThumbnailLoader = async (documentId) => {
  const canvas = new OffscreenCanvas(64, 48);
  const context = canvas.getContext('2d')!;
  const hue = (documentId * 47) % 360;
  context.fillStyle = `hsl(${hue} 70% 60%)`;
  context.fillRect(0, 0, 64, 48);
  context.fillStyle = `hsl(${hue} 70% 35%)`;
  context.fillRect(0, 30, 64, 10);
  return canvas.convertToBlob({ type: 'image/png' });
};

function nearestTo(points: Float32Array, x: number, y: number, k: number): number[] {
  const order = Array.from({ length: points.length / 2 }, (_, i) => i);
  const d = (i: number) => (points[i * 2]! - x) ** 2 + (points[i * 2 + 1]! - y) ** 2;
  return order.sort((a, b) => d(a) - d(b)).slice(0, k);
}
