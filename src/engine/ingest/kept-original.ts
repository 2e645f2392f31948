// The copy of an added file kept with its document (setting keepOriginals): its bytes as added, except a picture's,
// which lose what the camera wrote about place, time and person unless the user asked to keep it.
import type { FileInput } from '../api/ingest.ts';
import type { DocumentFormat, ParsedDocument } from '../core/types.ts';
import type { OriginalFile } from '../store/store.ts';
import { sniffPicture } from './pictures/decode-picture.ts';
import { withoutPictureMetadata } from './pictures/strip-metadata.ts';

/** MIME types for originals the browser gave no type for (by parsed format). */
const ORIGINAL_TYPES: Partial<Record<DocumentFormat, string>> = {
  pdf: 'application/pdf',
  markdown: 'text/markdown',
  html: 'text/html',
  text: 'text/plain',
};

export type OriginalCopy = Omit<OriginalFile, 'docId'>;

/**
 * The copy to keep, or none with a note for the document when a picture's metadata could not be removed (kept as it
 * is, it might carry the place it was taken).
 */
export function keptOriginal(
  file: FileInput,
  parsed: ParsedDocument,
  keepPictureMetadata: boolean,
): { original?: OriginalCopy; note?: string } {
  const type = file.type || ORIGINAL_TYPES[parsed.format] || '';
  const bytes = new Uint8Array(file.data);
  if (keepPictureMetadata || !sniffPicture(bytes)) return { original: { name: file.name, type, bytes: file.data } };
  const stripped = withoutPictureMetadata(bytes);
  if ('error' in stripped) {
    return {
      note: `The original picture was not kept: its camera data (such as where it was taken) could not be removed (${stripped.error}).`,
    };
  }
  const clean = stripped.bytes;
  return {
    original: {
      name: file.name,
      type,
      bytes: clean.buffer.slice(clean.byteOffset, clean.byteOffset + clean.byteLength) as ArrayBuffer,
    },
  };
}
