import { describe, expect, it } from 'vitest';
import { pannedBy, zoomedAbout, type MapView } from './map-view.ts';

const size = { width: 400, height: 300 };
const limits = { min: 0.5, max: 500 };
/** Screen position of a data point in a view (as the map draws it). */
const onScreen = (v: MapView, x: number, y: number) => ({
  x: (x - v.cx) * v.scale + size.width / 2,
  y: size.height / 2 - (y - v.cy) * v.scale,
});

describe('map view', () => {
  it('a pan moves every point by the drag, in screen pixels, whatever the zoom', () => {
    const view = { scale: 40, cx: 1, cy: -2 };
    const before = onScreen(view, 3, 4);
    const after = onScreen(pannedBy(view, 25, -10), 3, 4);
    expect(after.x - before.x).toBeCloseTo(25);
    expect(after.y - before.y).toBeCloseTo(-10);
  });

  it('a zoom keeps the point under the pointer where it is, within the limits', () => {
    const view = { scale: 10, cx: 0, cy: 0 };
    const zoomed = zoomedAbout(view, 3, 300, 100, size, limits);
    expect(zoomed.scale).toBe(30);
    const dataX = (300 - size.width / 2) / view.scale + view.cx;
    const dataY = (size.height / 2 - 100) / view.scale + view.cy;
    const at = onScreen(zoomed, dataX, dataY);
    expect(at.x).toBeCloseTo(300);
    expect(at.y).toBeCloseTo(100);
    expect(zoomedAbout(view, 1e6, 0, 0, size, limits).scale).toBe(500);
    expect(zoomedAbout(view, 1e-6, 0, 0, size, limits).scale).toBe(0.5);
  });
});
