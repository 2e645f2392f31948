// Pictures inside documents (a photo in a DOCX report, figures in an EPUB, an image in a PDF), for the image tower:
// found and decoded per format (inner-pictures-zip.ts, inner-pictures-pdf.ts) under the shared rules of
// inner-picture-rules.ts: icons skipped, the largest INNER_PICTURE_CAP kept in document order, each scaled down.
import { throwIfAborted } from '../../core/errors.ts';
import type { InnerPicture, InnerPictureFormat, InnerPictureScan } from './inner-picture-rules.ts';
import { scanPdfPictures } from './inner-pictures-pdf.ts';
import { scanDocxPictures, scanEpubPictures } from './inner-pictures-zip.ts';

export type { InnerPicture, InnerPictureFormat, InnerPictureScan, InnerPictureStats } from './inner-picture-rules.ts';
export { holdsInnerPictures } from './inner-picture-rules.ts';

/**
 * The pictures inside a PDF, DOCX or EPUB, with what was skipped and why. Errors: PARSE_FAILED when the document
 * itself cannot be opened, CANCELLED; a picture that cannot be read is only counted.
 */
export async function scanInnerPictures(
  bytes: Uint8Array,
  fileName: string,
  format: InnerPictureFormat,
  signal?: AbortSignal,
): Promise<InnerPictureScan> {
  throwIfAborted(signal);
  if (format === 'pdf') return scanPdfPictures(bytes, fileName, signal);
  return format === 'docx' ? scanDocxPictures(bytes, fileName, signal) : scanEpubPictures(bytes, fileName, signal);
}

/** The pictures inside a PDF, DOCX or EPUB (see scanInnerPictures). */
export async function extractInnerPictures(
  bytes: Uint8Array,
  fileName: string,
  format: InnerPictureFormat,
  signal?: AbortSignal,
): Promise<InnerPicture[]> {
  return (await scanInnerPictures(bytes, fileName, format, signal)).pictures;
}
