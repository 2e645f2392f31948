// The Pictures strip above the passages: the pictures of a text search (found by what they show, or by the text
// OCR read in them), or of a picture dropped on the search box, with the passages mentioning what OCR read in it.
import type { PictureHit, SearchResponse } from '../../../engine/api/index.ts';
import { pictureLabel } from './picture-label.ts';
import { PictureThumbnail } from './PictureThumbnail.tsx';
import type { ImageQuery } from './useImageQuery.ts';

interface Props {
  response: SearchResponse | undefined;
  imageQuery: ImageQuery | undefined;
  onOpen: (picture: PictureHit) => void;
  onClearImageQuery: () => void;
}

export function PicturesStrip({ response, imageQuery, onOpen, onClearImageQuery }: Props) {
  if (imageQuery) {
    const answer = imageQuery.answer;
    return (
      <section className="pictures" aria-label="Pictures like the one dropped" data-testid="pictures">
        <header className="pictures__header">
          <h2 className="pictures__title">Pictures like “{imageQuery.fileName}”</h2>
          <button type="button" className="button button--quiet" onClick={onClearImageQuery}>
            Clear
          </button>
        </header>
        {imageQuery.error && (
          <p className="alert" role="alert">
            {imageQuery.error}
          </p>
        )}
        {imageQuery.pending && <p className="hint">Looking at the picture…</p>}
        {answer && <PictureList pictures={answer.pictures} onOpen={onOpen} />}
        {answer && answer.pictures.length === 0 && <p className="hint">No similar pictures.</p>}
        {answer?.ocrText && (
          <div className="pictures__ocr" data-testid="image-query-passages">
            <h3 className="pictures__subtitle">Passages mentioning what it reads: “{answer.ocrText.slice(0, 80)}”</h3>
            <ul className="pictures__passages">
              {(answer.passages?.results ?? []).slice(0, 5).map((r) => (
                <li key={r.chunkId} data-testid="image-query-passage">
                  <strong>{r.documentName}</strong>: {r.text.slice(0, 200)}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
    );
  }
  const pictures = response?.pictures;
  if (!pictures || pictures.length === 0) return null;
  return (
    <section className="pictures" aria-label="Pictures" data-testid="pictures">
      <h2 className="pictures__title">Pictures</h2>
      <PictureList pictures={pictures} onOpen={onOpen} />
    </section>
  );
}

function PictureList({ pictures, onOpen }: { pictures: PictureHit[]; onOpen: (picture: PictureHit) => void }) {
  return (
    <ul className="pictures__list">
      {pictures.map((picture) => (
        <li key={`${picture.documentId}:${picture.n}`}>
          <button
            type="button"
            className="pictures__item"
            onClick={() => onOpen(picture)}
            data-testid="picture"
            data-name={picture.documentName}
            data-n={picture.n}
            data-page={picture.page}
            title={howFound(picture)}
          >
            <PictureThumbnail
              documentId={picture.documentId}
              n={picture.n}
              alt=""
              width={picture.thumbnailWidth || undefined}
              height={picture.thumbnailHeight || undefined}
            />
            <span className="pictures__name">{pictureLabel(picture)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function howFound(picture: PictureHit): string {
  const parts: string[] = [];
  if (picture.cosine !== undefined) parts.push(`looks like it (${picture.cosine.toFixed(2)})`);
  if (picture.ocrRank !== undefined) parts.push('its text matches');
  return parts.join('; ');
}
