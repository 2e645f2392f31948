// A picture file's bytes → pixels, for the image tower and the thumbnail. The header is checked first (type and
// declared size), so a few hostile bytes cannot make the decoder allocate gigabytes. transformers.js' RawImage
// decodes with createImageBitmap + OffscreenCanvas in a worker and with sharp in Node; EXIF orientation is applied,
// no metadata is kept.
import { TroveError, throwIfAborted } from '../../core/errors.ts';
import type { DecodedPicture } from '../../embed/clip-embedder.ts';
import { MAX_IMAGE_PIXELS, imageDimensions } from '../parsers/image-dimensions.ts';
import { sniffImage } from '../parsers/image.ts';

export type PictureType = 'png' | 'jpeg' | 'webp' | 'gif';

const MIME: Record<PictureType, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** The picture type the first bytes announce, or undefined. */
export function sniffPicture(data: Uint8Array): PictureType | undefined {
  return sniffImage(data);
}

/** Decodes a PNG, JPEG, WebP or GIF (first frame). Errors: PARSE_FAILED, FILE_TOO_LARGE, CANCELLED. */
export async function decodePicture(data: Uint8Array, fileName: string, signal?: AbortSignal): Promise<DecodedPicture> {
  throwIfAborted(signal);
  const type = sniffPicture(data);
  if (!type) {
    throw new TroveError('PARSE_FAILED', `“${fileName}” is not a PNG, JPEG, WebP or GIF picture; it may be damaged.`);
  }
  const size = imageDimensions(data, type);
  if (!size) throw new TroveError('PARSE_FAILED', `“${fileName}”: its picture header (width and height) is damaged.`);
  if (size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new TroveError(
      'FILE_TOO_LARGE',
      `“${fileName}” declares ${size.width} × ${size.height} pixels, more than the ${MAX_IMAGE_PIXELS / 1e6} million a picture may have.`,
    );
  }
  // transformers.js is imported on first use, as for the models: a worker that never sees a picture never loads it.
  const { RawImage } = await import('@huggingface/transformers');
  let image: InstanceType<typeof RawImage>;
  try {
    image = await RawImage.fromBlob(new Blob([data as Uint8Array<ArrayBuffer>], { type: MIME[type] }));
  } catch (error) {
    throw new TroveError(
      'PARSE_FAILED',
      `“${fileName}” could not be decoded: ${error instanceof Error ? error.message : String(error)}.`,
      { cause: error },
    );
  }
  throwIfAborted(signal);
  return { data: image.data, width: image.width, height: image.height, channels: image.channels };
}
