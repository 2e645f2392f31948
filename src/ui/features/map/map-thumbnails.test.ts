import { describe, expect, it } from 'vitest';
import { MAX_THUMBNAILS_IN_VIEW, picturePoints, thumbnailBox, thumbnailSpots } from './map-thumbnails.ts';

/** Screen positions from a list of [x, y]. */
const screen = (pairs: Array<[number, number]>) => Float32Array.from(pairs.flat());

describe('picture points', () => {
  it('are the points whose document is a picture, in index order', () => {
    expect([...picturePoints([1, 2, 3, 2, 4], [2, 4])]).toEqual([1, 3, 4]);
    expect([...picturePoints([1, 2, 3], [])]).toEqual([]);
  });
});

describe('thumbnail spots', () => {
  it('gives each picture document in view one thumbnail, at its first point in view; text points get none', () => {
    const xy = screen([
      [10, 10], // 0: text
      [-50, 20], // 1: picture 7, out of view
      [30, 40], // 2: picture 7, in view: its spot
      [35, 45], // 3: picture 7 again: no second thumbnail
      [90, 90], // 4: picture 8
    ]);
    const docs = [1, 7, 7, 7, 8];
    const spots = thumbnailSpots(xy, picturePoints(docs, [7, 8]), docs, 100, 100, 0);
    expect(spots).toEqual([
      { index: 2, documentId: 7 },
      { index: 4, documentId: 8 },
    ]);
  });

  it('counts a point just outside the view within the margin (its thumbnail shows partly)', () => {
    const xy = screen([
      [-10, 50],
      [130, 50],
    ]);
    const docs = [1, 2];
    expect(thumbnailSpots(xy, [0, 1], docs, 100, 100, 12).map((s) => s.documentId)).toEqual([1]);
  });

  it(`draws none when more than ${MAX_THUMBNAILS_IN_VIEW} picture documents are in view, and all of them at the limit`, () => {
    const many = (n: number) => screen(Array.from({ length: n }, (_, i): [number, number] => [i % 100, i % 50]));
    const all = (n: number) => Array.from({ length: n }, (_, i) => i);
    const at = MAX_THUMBNAILS_IN_VIEW;
    expect(thumbnailSpots(many(at), all(at), all(at), 100, 100, 0)).toHaveLength(at);
    expect(thumbnailSpots(many(at + 1), all(at + 1), all(at + 1), 100, 100, 0)).toEqual([]);
    // Zoomed in: the same library with most pictures out of view gets its thumbnails back.
    const xy = many(at + 1000);
    for (let i = 10; i < at + 1000; i++) xy[i * 2] = 5000;
    expect(thumbnailSpots(xy, all(at + 1000), all(at + 1000), 100, 100, 0)).toHaveLength(10);
  });

  it('keeps a picture in proportion inside its square', () => {
    expect(thumbnailBox(256, 128, 48)).toEqual({ width: 48, height: 24 });
    expect(thumbnailBox(90, 180, 48)).toEqual({ width: 24, height: 48 });
    expect(thumbnailBox(0, 0, 48)).toEqual({ width: 48, height: 48 });
  });
});
