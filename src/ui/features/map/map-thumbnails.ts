// Which picture points the map draws as thumbnails. Far out, a thumbnail per picture would bury the map (and fetch
// every thumbnail of the library); up close, the few pictures in view show what they are. The rule: when at most
// MAX_THUMBNAILS_IN_VIEW picture documents have a point in view, each gets one thumbnail, at its first point in
// view; with more in view, none does. Only picture points are looked at, and the scan stops once past the limit.

/** The most thumbnails drawn at once (and so fetched for one view). */
export const MAX_THUMBNAILS_IN_VIEW = 60;

export interface ThumbnailSpot {
  /** The point the thumbnail is drawn at. */
  index: number;
  documentId: number;
}

/** Indices of the points whose document is a picture, in index order. */
export function picturePoints(documentIds: ArrayLike<number>, pictureDocumentIds: ArrayLike<number>): Uint32Array {
  if (pictureDocumentIds.length === 0) return new Uint32Array(0);
  const pictures = new Set(Array.from(pictureDocumentIds));
  const found: number[] = [];
  for (let i = 0; i < documentIds.length; i++) if (pictures.has(documentIds[i]!)) found.push(i);
  return Uint32Array.from(found);
}

/**
 * The thumbnails to draw for a view: screen positions `xy` (x, y pairs), the picture points, the view's size and a
 * margin (a thumbnail whose point sits just outside still shows its part inside). Empty when more than `max`
 * picture documents are in view.
 */
export function thumbnailSpots(
  xy: Float32Array,
  pictures: ArrayLike<number>,
  documentIds: ArrayLike<number>,
  width: number,
  height: number,
  margin: number,
  max: number = MAX_THUMBNAILS_IN_VIEW,
): ThumbnailSpot[] {
  const spots: ThumbnailSpot[] = [];
  const seen = new Set<number>();
  for (let p = 0; p < pictures.length; p++) {
    const i = pictures[p]!;
    const x = xy[i * 2]!;
    const y = xy[i * 2 + 1]!;
    if (!(x >= -margin && y >= -margin && x <= width + margin && y <= height + margin)) continue;
    const documentId = documentIds[i]!;
    if (seen.has(documentId)) continue;
    if (spots.length === max) return [];
    seen.add(documentId);
    spots.push({ index: i, documentId });
  }
  return spots;
}

/** A thumbnail's drawn size: its longer side `side` px, the picture's proportions kept. */
export function thumbnailBox(width: number, height: number, side: number): { width: number; height: number } {
  if (!(width > 0 && height > 0)) return { width: side, height: side };
  const scale = side / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
