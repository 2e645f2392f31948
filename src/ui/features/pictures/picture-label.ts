// What the strip writes under a picture: its document's name, and for a picture inside a document the page it is
// on ("report.pdf · p. 3", or "book.epub · ch. 2" for an EPUB's chapter) where that is known.
import type { PictureHit } from '../../../engine/api/index.ts';

export function pictureLabel(picture: Pick<PictureHit, 'documentName' | 'n' | 'page' | 'pageUnit'>): string {
  if (picture.page === undefined) return picture.documentName;
  return `${picture.documentName} · ${picture.pageUnit === 'chapter' ? 'ch.' : 'p.'} ${picture.page}`;
}
