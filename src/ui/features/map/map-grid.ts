// Screen-space grid over map points, for hover and click: each pointer move looks only at the cells within the
// hit radius, so its cost does not grow with the number of points. Built in linear time (counting sort by cell).

export interface PointGrid {
  cell: number;
  cols: number;
  rows: number;
  /** Point indices of cell c are members[start[c]] .. members[start[c + 1]]. */
  start: Uint32Array;
  members: Uint32Array;
  /** x, y screen positions of every point. */
  xy: Float32Array;
}

/** Points outside [0, width) × [0, height) are left out (they cannot be hovered). */
export function buildGrid(xy: Float32Array, width: number, height: number, cell: number): PointGrid {
  const count = xy.length >> 1;
  const cols = Math.max(1, Math.ceil(width / cell));
  const rows = Math.max(1, Math.ceil(height / cell));
  const cells = cols * rows;
  const start = new Uint32Array(cells + 1);
  const cellOf = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    const x = xy[i * 2]!;
    const y = xy[i * 2 + 1]!;
    if (!(x >= 0 && y >= 0 && x < width && y < height)) continue;
    const c = Math.floor(y / cell) * cols + Math.floor(x / cell);
    cellOf[i] = c;
    start[c + 1]!++;
  }
  for (let c = 0; c < cells; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, cells);
  const members = new Uint32Array(start[cells]!);
  for (let i = 0; i < count; i++) if (cellOf[i]! >= 0) members[fill[cellOf[i]!]!++] = i;
  return { cell, cols, rows, start, members, xy };
}

/** The nearest point within `radius` of (x, y), or undefined. Ties go to the higher index (drawn last, on top). */
export function hitTest(grid: PointGrid, x: number, y: number, radius: number): number | undefined {
  const { cell, cols, rows, start, members, xy } = grid;
  let best: number | undefined;
  let bestD = radius * radius;
  const c0 = Math.max(0, Math.floor((x - radius) / cell));
  const c1 = Math.min(cols - 1, Math.floor((x + radius) / cell));
  const r0 = Math.max(0, Math.floor((y - radius) / cell));
  const r1 = Math.min(rows - 1, Math.floor((y + radius) / cell));
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const k = r * cols + c;
      for (let m = start[k]!; m < start[k + 1]!; m++) {
        const i = members[m]!;
        const d = (xy[i * 2]! - x) ** 2 + (xy[i * 2 + 1]! - y) ** 2;
        if (d < bestD || (d === bestD && (best === undefined || i > best))) {
          bestD = d;
          best = i;
        }
      }
    }
  }
  return best;
}

/** Indices of the points inside the box [x0, x1] × [y0, y1] (screen pixels), in index order. */
export function pointsInBox(xy: Float32Array, x0: number, y0: number, x1: number, y1: number): number[] {
  const chosen: number[] = [];
  for (let i = 0, n = xy.length >> 1; i < n; i++) {
    const x = xy[i * 2]!;
    const y = xy[i * 2 + 1]!;
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) chosen.push(i);
  }
  return chosen;
}
