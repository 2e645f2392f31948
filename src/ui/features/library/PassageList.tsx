// One document's passages, a page at a time (a document can have thousands), with its vectors' model and warnings.
import { useEffect, useState } from 'react';
import type { DocumentSummary, PassagePage } from '../../../engine/api/index.ts';
import { cleanPassage } from '../../components/clean-passage.ts';
import { errorMessage } from '../../client/engine-client.ts';

export const PASSAGE_PAGE = 50;

export type PassageLoader = (documentId: number, offset: number, limit: number) => Promise<PassagePage>;

interface Props {
  doc: DocumentSummary;
  load: PassageLoader;
  /** The model whose vectors the library uses now. */
  modelId?: string;
}

export function PassageList({ doc, load, modelId }: Props) {
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<PassagePage>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    load(doc.id, offset, PASSAGE_PAGE).then(
      (answer) => {
        if (!current) return;
        setPage(answer);
        setError(undefined);
      },
      (reason: unknown) => {
        if (current) setError(errorMessage(reason));
      },
    );
    return () => {
      current = false;
    };
  }, [doc.id, doc.chunkCount, offset, load]);

  const total = page?.total ?? 0;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(total, offset + PASSAGE_PAGE);
  const titleId = `passages-${doc.id}`;
  return (
    <div className="passages" data-testid="doc-details" role="region" aria-labelledby={titleId}>
      <h3 id={titleId} className="visually-hidden">
        Details of {doc.name}
      </h3>
      <p className="passages__meta" data-testid="doc-model">
        Vectors: {vectorsText(doc, modelId)}
      </p>
      {doc.warnings && doc.warnings.length > 0 && (
        <ul className="passages__warnings" aria-label="Warnings">
          {doc.warnings.map((warning, i) => (
            <li key={i} data-testid="doc-warning">
              {warning}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="library__error" role="alert">
          {error}
        </p>
      )}
      {page && (
        <>
          <div className="passages__nav">
            <span data-testid="passages-range" aria-live="polite">
              {total === 0
                ? 'No passages stored.'
                : `Passages ${first.toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}`}
            </span>
            {total > PASSAGE_PAGE && (
              <span className="passages__buttons">
                <button
                  type="button"
                  className="button button--small button--quiet"
                  data-testid="passages-previous"
                  disabled={offset === 0}
                  onClick={() => setOffset(Math.max(0, offset - PASSAGE_PAGE))}
                >
                  Previous
                </button>
                <button
                  type="button"
                  className="button button--small button--quiet"
                  data-testid="passages-next"
                  disabled={offset + PASSAGE_PAGE >= total}
                  onClick={() => setOffset(offset + PASSAGE_PAGE)}
                >
                  Next
                </button>
              </span>
            )}
          </div>
          {/* Scrolls on its own: focusable so a keyboard can scroll it too. */}
          <ol
            className="passages__list"
            start={first}
            tabIndex={0}
            aria-label={`Passages of ${doc.name}`}
            data-testid="passage-list"
          >
            {page.passages.map((p) => (
              <li key={p.chunkId} className="passages__item" data-testid="passage" data-index={p.index}>
                {p.page !== undefined && <span className="passages__page">p. {p.page} </span>}
                {/* Plain text: a passage is never rendered as HTML. */}
                <span className="passages__text">{doc.format === 'markdown' ? cleanPassage(p.text).text : p.text}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

function vectorsText(doc: DocumentSummary, modelId: string | undefined): string {
  const model = modelId ?? 'the current model';
  if (doc.status === 'failed') return `none (the document failed; its passages are kept for Retry).`;
  if (doc.status === 'ingesting') return `${model}, being added.`;
  return doc.embedded
    ? `${model}, every passage embedded.`
    : `${model}, pending (keyword search works until they are made).`;
}
