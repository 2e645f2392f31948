// Thumbnails: at most THUMBNAIL_SIZE px on the long side, re-encoded from decoded pixels, so nothing of the original
// file (EXIF, GPS, comments, ICC text) survives. WebP where the runtime encodes it (OffscreenCanvas in a worker,
// sharp in Node), PNG where it does not.
import type { DecodedPicture } from '../../embed/clip-embedder.ts';

export const THUMBNAIL_SIZE = 256;

export interface Thumbnail {
  type: 'image/webp' | 'image/png';
  width: number;
  height: number;
  bytes: Uint8Array;
}

interface CanvasLike {
  convertToBlob(options: { type: string; quality?: number }): Promise<Blob>;
}

interface SharpLike {
  webp(options: { quality: number }): SharpLike;
  toBuffer(): Promise<Uint8Array>;
}

/** The size a thumbnail of width × height gets: scaled down to fit THUMBNAIL_SIZE, never up. */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export async function makeThumbnail(picture: DecodedPicture): Promise<Thumbnail> {
  const size = thumbnailSize(picture.width, picture.height);
  const { RawImage } = await import('@huggingface/transformers'); // on first use, as for the models
  let image = new RawImage(picture.data, picture.width, picture.height, picture.channels);
  if (size.width !== picture.width || size.height !== picture.height) {
    image = await image.resize(size.width, size.height);
  }
  const canvasOf = (image as unknown as { toCanvas?: () => CanvasLike }).toCanvas;
  if (typeof OffscreenCanvas !== 'undefined' && canvasOf) {
    const canvas = canvasOf.call(image);
    // A browser that cannot encode WebP answers with a PNG blob instead: its type says which.
    const blob = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
    const type = blob.type === 'image/webp' ? 'image/webp' : 'image/png';
    const encoded = blob.type === type ? blob : await canvas.convertToBlob({ type });
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    return { type, ...size, bytes };
  }
  const sharp = (image as unknown as { toSharp: () => SharpLike }).toSharp();
  const bytes = new Uint8Array(await sharp.webp({ quality: 80 }).toBuffer());
  return { type: 'image/webp', ...size, bytes };
}
