// What the strip writes under a picture: its document's name, and for a picture inside a document the page it is
// on ("report.pdf · p. 3") where that is known.
import type { PictureHit } from '../../../engine/api/index.ts';

export function pictureLabel(picture: Pick<PictureHit, 'documentName' | 'n' | 'page'>): string {
  return picture.page !== undefined ? `${picture.documentName} · p. ${picture.page}` : picture.documentName;
}
