import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGrid, hitTest, pointsInBox } from './map-grid.ts';

/** The nearest point within the radius by a full scan, with the same tie rule. */
function bruteForce(xy: Float32Array, x: number, y: number, radius: number): number | undefined {
  let best: number | undefined;
  let bestD = radius * radius;
  for (let i = 0; i < xy.length / 2; i++) {
    const d = (xy[i * 2]! - x) ** 2 + (xy[i * 2 + 1]! - y) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

describe('map grid', () => {
  it('hit-testing through the grid agrees with a full scan', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -20, max: 420 }), fc.integer({ min: -20, max: 320 })), { maxLength: 300 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 399 }), fc.integer({ min: 0, max: 299 })), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.integer({ min: 1, max: 20 }),
        (points, probes, radius) => {
          const xy = Float32Array.from(points.flat());
          const grid = buildGrid(xy, 400, 300, 12);
          for (const [x, y] of probes) {
            const expected = bruteForce(xy, x, y, radius);
            const found = hitTest(grid, x, y, radius);
            // Points off screen are not in the grid; the scan may find one of those near the edge.
            if (
              expected !== undefined &&
              (xy[expected * 2]! < 0 ||
                xy[expected * 2 + 1]! < 0 ||
                xy[expected * 2]! >= 400 ||
                xy[expected * 2 + 1]! >= 300)
            )
              continue;
            expect(found).toBe(expected);
          }
        },
      ),
      { seed: 13, numRuns: 200 },
    );
  });

  it('keeps every on-screen point exactly once', () => {
    const xy = Float32Array.from([5, 5, 399.5, 299.5, 400, 10, -1, 3, 200, 150, 200, 150]);
    const grid = buildGrid(xy, 400, 300, 10);
    expect([...grid.members].sort((a, b) => a - b)).toEqual([0, 1, 4, 5]);
  });

  it('finds nothing beyond the radius', () => {
    const grid = buildGrid(Float32Array.from([100, 100]), 400, 300, 12);
    expect(hitTest(grid, 108, 100, 8)).toBe(0);
    expect(hitTest(grid, 109, 100, 8)).toBeUndefined();
  });

  it('a box selects the points inside it, edges included', () => {
    const xy = Float32Array.from([0, 0, 10, 10, 20, 20, 10, 30]);
    expect(pointsInBox(xy, 0, 0, 20, 20)).toEqual([0, 1, 2]);
    expect(pointsInBox(xy, 5, 5, 15, 40)).toEqual([1, 3]);
  });

  it('builds 200,000 points in linear time', () => {
    const n = 200_000;
    const xy = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      xy[i * 2] = (i * 7919) % 1000;
      xy[i * 2 + 1] = (i * 104729) % 700;
    }
    const grid = buildGrid(xy, 1000, 700, 12);
    expect(grid.members.length).toBe(n);
    expect(hitTest(grid, xy[0]!, xy[1]!, 1)).toBeDefined();
  });
});
