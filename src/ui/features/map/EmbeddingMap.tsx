// A 2-D map of passages on one canvas (never one DOM node per point), fit for tens of thousands of points:
// points drawn in one pass per colour, hover and click found through a screen-space grid (constant work per
// pointer move), a box drag selects, a drag with Shift (or the middle button) pans, the wheel zooms about the
// pointer, a double click resets. Keyboard: arrows move a cursor (the nearest point is shown), Shift+arrows pan,
// +/- zoom, Enter opens, Escape clears the selection.
// Points of picture documents are marked with a square; up close (few pictures in view: map-thumbnails.ts) their
// thumbnails are drawn over the points, fetched only for what is in view.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { buildGrid, hitTest as hitTestGrid, pointsInBox } from './map-grid.ts';
import { pannedBy, zoomedAbout, type MapView } from './map-view.ts';
import { thumbnailBox, thumbnailSpots } from './map-thumbnails.ts';
import { useMapThumbnails } from './use-map-thumbnails.ts';
import type { ThumbnailLoader } from './thumbnail-store.ts';

export interface MapSelection {
  /** Indices of the points inside the box. */
  points: number[];
  /** Their distinct documents, when `documentIds` was given. */
  documentIds: number[];
}

interface Props {
  /** x, y pairs, one per point. */
  points: Float32Array;
  /** Passage text of point i, for the tooltip. */
  labels: ArrayLike<string> | ((index: number) => string);
  /** Colour index of each point (document or tag), into `palette`. */
  colors: ArrayLike<number>;
  palette?: readonly string[];
  /** Document of each point, so a selection can be turned into a search filter. */
  documentIds?: ArrayLike<number>;
  /** Points to mark as the current query's results. */
  marked?: ArrayLike<number>;
  /** Where the query itself lands, in the points' coordinates. */
  queryPoint?: readonly [number, number];
  /** The points of picture documents (indices), and how to fetch a document's thumbnail. Needs `documentIds`. */
  pictures?: { points: ArrayLike<number>; load: ThumbnailLoader };
  onHover?: (index: number | undefined) => void;
  onOpen?: (index: number) => void;
  onSelect?: (selection: MapSelection) => void;
  /** Accessible name of the map. */
  label?: string;
}

/** Distinguishable on light and dark surfaces (Tableau 10, slightly deepened). */
export const MAP_PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#8c8c8c',
];

const CELL = 12; // px per hit-test grid cell
const HIT_RADIUS = 8; // px
const DOT = 3; // px
const DRAG_THRESHOLD = 4; // px before a press becomes a box selection
const THUMBNAIL = 48; // px, a thumbnail's longer side
const PICTURE_MARK = 7; // px, the square around a picture's point
const NO_SPOTS: never[] = [];

type View = MapView;

export function EmbeddingMap({
  points,
  labels,
  colors,
  palette = MAP_PALETTE,
  documentIds,
  marked,
  queryPoint,
  pictures,
  onHover,
  onOpen,
  onSelect,
  label = 'Map of passages',
}: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [view, setView] = useState<View>();
  const [hovered, setHovered] = useState<{ index: number; x: number; y: number }>();
  const [box, setBox] = useState<{ x0: number; y0: number; x1: number; y1: number }>();
  const drag = useRef<{ x: number; y: number; moved: boolean; pan?: View }>(undefined);
  const cursor = useRef<{ x: number; y: number }>(undefined);
  const count = points.length >> 1;

  // The view that fits every point, with a margin.
  const fit = useMemo((): View => {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < count; i++) {
      const x = points[i * 2]!;
      const y = points[i * 2 + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (count === 0) return { scale: 1, cx: 0, cy: 0 };
    const spanX = Math.max(maxX - minX, 1e-9);
    const spanY = Math.max(maxY - minY, 1e-9);
    const scale = Math.min((size.width - 32) / spanX, (size.height - 32) / spanY);
    return { scale: Math.max(scale, 1e-9), cx: (minX + maxX) / 2, cy: (minY + maxY) / 2 };
  }, [points, count, size]);
  const current = view ?? fit;

  // Points grouped by colour once, so drawing sets fillStyle once per colour, not once per point.
  const byColor = useMemo(() => {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const c = colors[i] ?? 0;
      let group = groups.get(c);
      if (!group) groups.set(c, (group = []));
      group.push(i);
    }
    return [...groups].map(([color, members]) => ({ color, members: Uint32Array.from(members) }));
  }, [colors, count]);

  // Screen positions and the hit grid, rebuilt when the view or size changes (linear in the points).
  // Its time is written to the canvas (data-layout-ms) for the scale tests; nothing shown depends on it.
  const screen = useMemo(() => {
    // eslint-disable-next-line react-hooks/purity -- a timing for tests only; the layout itself is pure
    const t0 = performance.now();
    const xy = new Float32Array(count * 2);
    const { scale, cx, cy } = current;
    const hw = size.width / 2;
    const hh = size.height / 2;
    for (let i = 0; i < count; i++) {
      xy[i * 2] = (points[i * 2]! - cx) * scale + hw;
      xy[i * 2 + 1] = hh - (points[i * 2 + 1]! - cy) * scale; // y up, as in the projection
    }
    const grid = buildGrid(xy, size.width, size.height, CELL);
    // eslint-disable-next-line react-hooks/purity -- as above
    return { xy, grid, layoutMs: performance.now() - t0 };
  }, [points, count, current, size]);

  // The picture documents whose thumbnails this view shows, and those thumbnails (fetched for these only).
  const spots = useMemo(
    () =>
      pictures && documentIds
        ? thumbnailSpots(screen.xy, pictures.points, documentIds, size.width, size.height, THUMBNAIL / 2)
        : NO_SPOTS,
    [pictures, documentIds, screen, size],
  );
  const wanted = useMemo(() => spots.map((spot) => spot.documentId), [spots]);
  const { image: thumbnailOf, version: thumbnailsVersion } = useMapThumbnails(pictures?.load, wanted);
  // Where the last frame drew each thumbnail, so pointing at one finds its point.
  const drawn = useRef<Array<{ index: number; x0: number; y0: number; x1: number; y1: number }>>([]);

  const hitTest = useCallback(
    (x: number, y: number) => {
      const index = hitTestGrid(screen.grid, x, y, HIT_RADIUS);
      if (index !== undefined) return index;
      // The last drawn is on top.
      for (let t = drawn.current.length - 1; t >= 0; t--) {
        const box = drawn.current[t]!;
        if (x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1) return box.index;
      }
      return undefined;
    },
    [screen],
  );

  // Follow the container's width; the height comes from the stylesheet.
  useEffect(() => {
    const element = wrap.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      const rect = entry!.contentRect;
      setSize({ width: Math.round(rect.width), height: Math.round(rect.height) });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Draw. The time it takes is kept on the canvas (data-frame-ms) for the e2e test and the curious.
  useEffect(() => {
    const element = canvas.current;
    if (!element || size.width === 0) return;
    const t0 = performance.now();
    const ratio = window.devicePixelRatio || 1;
    element.width = Math.round(size.width * ratio);
    element.height = Math.round(size.height * ratio);
    const context = element.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, size.width, size.height);
    const { xy } = screen;
    const half = DOT / 2;
    context.globalAlpha = marked && marked.length > 0 ? 0.45 : 0.8;
    for (const { color, members } of byColor) {
      context.fillStyle = palette[color % palette.length]!;
      for (let m = 0; m < members.length; m++) {
        const i = members[m]!;
        context.fillRect(xy[i * 2]! - half, xy[i * 2 + 1]! - half, DOT, DOT);
      }
    }
    context.globalAlpha = 1;
    const ink = getComputedStyle(element).color;
    if (pictures && pictures.points.length > 0) {
      // One path for every picture mark in view: one stroke, however many pictures.
      const h = PICTURE_MARK / 2;
      context.strokeStyle = ink;
      context.lineWidth = 1;
      context.beginPath();
      for (let p = 0; p < pictures.points.length; p++) {
        const i = pictures.points[p]!;
        const x = xy[i * 2]!;
        const y = xy[i * 2 + 1]!;
        if (x < -h || y < -h || x > size.width + h || y > size.height + h) continue;
        context.rect(Math.round(x - h) + 0.5, Math.round(y - h) + 0.5, PICTURE_MARK, PICTURE_MARK);
      }
      context.stroke();
    }
    const boxes: typeof drawn.current = [];
    for (const { index, documentId } of spots) {
      const image = thumbnailOf(documentId);
      if (!image) continue;
      const { width, height } = thumbnailBox(image.naturalWidth, image.naturalHeight, THUMBNAIL);
      const x0 = Math.round(xy[index * 2]! - width / 2);
      const y0 = Math.round(xy[index * 2 + 1]! - height / 2);
      context.drawImage(image, x0, y0, width, height);
      context.strokeStyle = ink;
      context.lineWidth = 1;
      context.strokeRect(x0 - 0.5, y0 - 0.5, width + 1, height + 1);
      boxes.push({ index, x0, y0, x1: x0 + width, y1: y0 + height });
    }
    drawn.current = boxes;
    if (marked) {
      context.strokeStyle = ink;
      context.lineWidth = 1.5;
      for (let m = 0; m < marked.length; m++) {
        const i = marked[m]!;
        if (i < 0 || i >= count) continue;
        context.fillStyle = palette[(colors[i] ?? 0) % palette.length]!;
        context.beginPath();
        context.arc(xy[i * 2]!, xy[i * 2 + 1]!, 5, 0, Math.PI * 2);
        context.fill();
        context.stroke();
      }
    }
    if (queryPoint) {
      const qx = (queryPoint[0] - current.cx) * current.scale + size.width / 2;
      const qy = size.height / 2 - (queryPoint[1] - current.cy) * current.scale;
      context.strokeStyle = ink;
      context.lineWidth = 2.5;
      context.beginPath();
      context.moveTo(qx - 8, qy);
      context.lineTo(qx + 8, qy);
      context.moveTo(qx, qy - 8);
      context.lineTo(qx, qy + 8);
      context.stroke();
    }
    if (hovered) {
      context.strokeStyle = ink;
      context.lineWidth = 2;
      context.beginPath();
      context.arc(xy[hovered.index * 2]!, xy[hovered.index * 2 + 1]!, 7, 0, Math.PI * 2);
      context.stroke();
    }
    element.dataset.frameMs = (performance.now() - t0).toFixed(2);
    element.dataset.layoutMs = screen.layoutMs.toFixed(2);
    element.dataset.zoom = (current.scale / fit.scale).toFixed(3);
    element.dataset.center = `${current.cx.toPrecision(6)},${current.cy.toPrecision(6)}`;
    element.dataset.pictures = String(pictures?.points.length ?? 0);
    element.dataset.thumbnails = String(boxes.length);
    element.dataset.thumbnailsWanted = String(spots.length);
  }, [
    screen,
    byColor,
    palette,
    marked,
    queryPoint,
    hovered,
    size,
    current,
    fit,
    colors,
    count,
    pictures,
    spots,
    thumbnailOf,
    thumbnailsVersion,
  ]);

  const hover = (index: number | undefined, x: number, y: number) => {
    setHovered((previous) => {
      if (previous?.index === index && previous?.x === x && previous?.y === y) return previous;
      if (previous?.index !== index) onHover?.(index);
      return index === undefined ? undefined : { index, x, y };
    });
  };

  const local = (event: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  const onPointerDown = (event: PointerEvent) => {
    const panning = event.button === 1 || (event.button === 0 && event.shiftKey);
    if (event.button !== 0 && !panning) return;
    if (panning) event.preventDefault(); // the middle button would start the browser's autoscroll
    const { x, y } = local(event);
    drag.current = { x, y, moved: false, pan: panning ? current : undefined };
    canvas.current?.setPointerCapture(event.pointerId);
  };

  const onPointerMove = (event: PointerEvent) => {
    const { x, y } = local(event);
    const press = drag.current;
    if (press) {
      if (!press.moved && Math.hypot(x - press.x, y - press.y) > DRAG_THRESHOLD) press.moved = true;
      if (press.moved && press.pan) {
        setView(pannedBy(press.pan, x - press.x, y - press.y));
        return;
      }
      if (press.moved) {
        setBox({ x0: press.x, y0: press.y, x1: x, y1: y });
        return;
      }
    }
    const index = hitTest(x, y);
    hover(index, index === undefined ? 0 : screen.xy[index * 2]!, index === undefined ? 0 : screen.xy[index * 2 + 1]!);
  };

  const onPointerUp = (event: PointerEvent) => {
    const press = drag.current;
    drag.current = undefined;
    if (!press) return;
    const { x, y } = local(event);
    if (press.moved && press.pan) return;
    if (press.moved) {
      setBox(undefined);
      select(Math.min(press.x, x), Math.min(press.y, y), Math.max(press.x, x), Math.max(press.y, y));
    } else {
      const index = hitTest(x, y);
      if (index !== undefined) onOpen?.(index);
    }
  };

  const select = (x0: number, y0: number, x1: number, y1: number) => {
    const chosen = pointsInBox(screen.xy, x0, y0, x1, y1);
    const docs = documentIds ? [...new Set(chosen.map((i) => documentIds[i]!))].sort((a, b) => a - b) : [];
    onSelect?.({ points: chosen, documentIds: docs });
  };

  const zoom = useCallback(
    (factor: number, x: number, y: number) => {
      setView((previous) =>
        zoomedAbout(previous ?? fit, factor, x, y, size, { min: fit.scale * 0.5, max: fit.scale * 500 }),
      );
    },
    [fit, size],
  );

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      zoom(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [zoom]);

  const onKeyDown = (event: KeyboardEvent) => {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-12, 0],
      ArrowRight: [12, 0],
      ArrowUp: [0, -12],
      ArrowDown: [0, 12],
    };
    const move = moves[event.key];
    const at = cursor.current ?? { x: size.width / 2, y: size.height / 2 };
    if (move && event.shiftKey) {
      // A tenth of the canvas per press, the content following the arrow's direction.
      event.preventDefault();
      const step = Math.min(size.width, size.height) / 10 / 12;
      setView((previous) => pannedBy(previous ?? fit, -move[0] * step, -move[1] * step));
    } else if (move) {
      event.preventDefault();
      const x = Math.min(size.width, Math.max(0, at.x + move[0]));
      const y = Math.min(size.height, Math.max(0, at.y + move[1]));
      cursor.current = { x, y };
      const index = nearest(screen.xy, count, x, y);
      hover(
        index,
        index === undefined ? x : screen.xy[index * 2]!,
        index === undefined ? y : screen.xy[index * 2 + 1]!,
      );
    } else if (event.key === '+' || event.key === '=') {
      zoom(1.25, at.x, at.y);
    } else if (event.key === '-') {
      zoom(0.8, at.x, at.y);
    } else if (event.key === 'Enter' && hovered) {
      onOpen?.(hovered.index);
    } else if (event.key === 'Escape') {
      setBox(undefined);
      onSelect?.({ points: [], documentIds: [] });
    }
  };

  const pictureCount = pictures?.points.length ?? 0;
  const pictureNote =
    pictureCount > 0 ? `, ${pictureCount.toLocaleString()} of them from pictures (thumbnails up close)` : '';
  const labelOf = (index: number) => (typeof labels === 'function' ? labels(index) : labels[index]) ?? '';

  return (
    <div className="map" ref={wrap} data-testid="map">
      <canvas
        ref={canvas}
        className="map__canvas"
        style={{ width: size.width, height: size.height }}
        tabIndex={0}
        role="img"
        aria-label={`${label}: ${count.toLocaleString()} passages${pictureNote}. Drag to select, Shift+drag to pan, scroll to zoom, double-click to reset; arrow keys move, Shift+arrows pan, Enter opens.`}
        data-testid="map-canvas"
        data-points={count}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => {
          if (!drag.current) hover(undefined, 0, 0);
        }}
        onDoubleClick={() => setView(undefined)}
        onKeyDown={onKeyDown}
      />
      {box && (
        <div
          className="map__box"
          aria-hidden="true"
          style={{
            left: Math.min(box.x0, box.x1),
            top: Math.min(box.y0, box.y1),
            width: Math.abs(box.x1 - box.x0),
            height: Math.abs(box.y1 - box.y0),
          }}
        />
      )}
      {hovered && (
        <div
          className="map__tooltip"
          role="status"
          data-testid="map-tooltip"
          style={{
            left: Math.min(hovered.x + 12, Math.max(0, size.width - 280)),
            top: hovered.y + 12 > size.height - 80 ? Math.max(0, hovered.y - 90) : hovered.y + 12,
          }}
        >
          {truncate(labelOf(hovered.index), 220)}
        </div>
      )}
    </div>
  );
}

/** The nearest point to (x, y) by a scan (keyboard moves only: a few per second). */
function nearest(xy: Float32Array, count: number, x: number, y: number): number | undefined {
  let best: number | undefined;
  let bestD = Infinity;
  for (let i = 0; i < count; i++) {
    const d = (xy[i * 2]! - x) ** 2 + (xy[i * 2 + 1]! - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
