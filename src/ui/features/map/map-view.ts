// The map's view (which data point sits at the canvas centre, and how many pixels a data unit spans) and the two
// moves on it, kept pure so the pointer and keyboard handlers share them and tests can check them.

export interface MapView {
  scale: number;
  cx: number;
  cy: number;
}

/** Zoomed by `factor` about the screen point (x, y): the data point under it stays under it. */
export function zoomedAbout(
  view: MapView,
  factor: number,
  x: number,
  y: number,
  size: { width: number; height: number },
  limits: { min: number; max: number },
): MapView {
  const px = (x - size.width / 2) / view.scale + view.cx;
  const py = (size.height / 2 - y) / view.scale + view.cy;
  const scale = Math.min(Math.max(view.scale * factor, limits.min), limits.max);
  return { scale, cx: px - (x - size.width / 2) / scale, cy: py - (size.height / 2 - y) / scale };
}

/** Moved so the content follows a drag of (dx, dy) screen pixels (screen y grows downwards, data y upwards). */
export function pannedBy(view: MapView, dx: number, dy: number): MapView {
  return { scale: view.scale, cx: view.cx - dx / view.scale, cy: view.cy + dy / view.scale };
}
