// A picture opened from the strip: its thumbnail and the text OCR read in it (as text, never as markup).
import { useEffect, useRef, useState } from 'react';
import type { PictureView } from '../../../engine/api/index.ts';
import { useEngine } from '../../client/engine-context.ts';

interface Props {
  documentId: number | undefined;
  /** Which picture of the document: 0 for a picture document, 1, 2, … for one inside a document. */
  n: number;
  onClose: () => void;
  /** Opens the document at a span of its text (the page a picture inside it is on). */
  onOpenDocument?: (target: { documentId: number; start: number; end: number }) => void;
}

export function PictureViewer({ documentId, n, onClose, onOpenDocument }: Props) {
  const { engine } = useEngine();
  const dialog = useRef<HTMLDialogElement>(null);
  const [view, setView] = useState<{ picture?: PictureView; url?: string; error?: string }>();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (documentId !== undefined && !element.open) element.showModal();
    if (documentId === undefined && element.open) element.close();
  }, [documentId]);

  useEffect(() => {
    if (!engine || documentId === undefined) return;
    let live = true;
    let url: string | undefined;
    engine.getPicture(documentId, n).then(
      (picture) => {
        if (!live) return;
        if (picture) url = URL.createObjectURL(new Blob([picture.thumbnail.bytes], { type: picture.thumbnail.type }));
        setView({ picture, url, error: picture ? undefined : 'This picture is no longer in the library.' });
      },
      (reason: unknown) => live && setView({ error: reason instanceof Error ? reason.message : String(reason) }),
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
      setView(undefined);
    };
  }, [engine, documentId, n]);

  const picture = view?.picture;
  return (
    <dialog ref={dialog} className="dialog pictures__viewer" onClose={onClose} data-testid="picture-viewer">
      <header className="dialog__header">
        <h2 className="dialog__title">{picture?.documentName ?? 'Picture'}</h2>
        <button type="button" className="button button--quiet" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      {view?.error && <p className="alert">{view.error}</p>}
      {picture && view?.url && (
        <figure className="pictures__figure">
          <img
            src={view.url}
            alt={picture.documentName}
            width={picture.thumbnail.width}
            height={picture.thumbnail.height}
          />
          <figcaption>
            {picture.width} × {picture.height} px
            {picture.page !== undefined
              ? `, ${picture.pageUnit === 'chapter' ? 'chapter' : 'page'} ${picture.page}`
              : ''}
          </figcaption>
        </figure>
      )}
      {picture && picture.n > 0 && (
        <section aria-label="The text of its page">
          {/* A page's text where the document has pages (PDF); a DOCX or EPUB picture has none to show. */}
          {picture.ocrText ? (
            <>
              <h3 className="pictures__subtitle">Text of page {picture.page}</h3>
              <p className="pictures__ocr-text" data-testid="picture-page-text">
                {picture.ocrText}
              </p>
            </>
          ) : (
            <p className="hint">A picture inside “{picture.documentName}”.</p>
          )}
          {picture.pageSpan && onOpenDocument && (
            <button
              type="button"
              className="button"
              data-testid="picture-open-page"
              onClick={() => {
                const span = picture.pageSpan!;
                onClose();
                onOpenDocument({ documentId: picture.documentId, start: span.start, end: span.end });
              }}
            >
              Open the document at page {picture.page}
            </button>
          )}
        </section>
      )}
      {picture && picture.n === 0 && (
        <section aria-label="Text read in the picture">
          <h3 className="pictures__subtitle">Text read in it (OCR)</h3>
          <p className="pictures__ocr-text" data-testid="picture-ocr-text">
            {picture.ocrText || 'No text was recognised.'}
          </p>
        </section>
      )}
    </dialog>
  );
}
