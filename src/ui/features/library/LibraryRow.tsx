// One document in the library, with a two-step delete so a stray click cannot remove it.
import { useState, type ReactNode } from 'react';
import type { DocumentSummary } from '../../../engine/api/index.ts';
import { formatBytes, formatDate, formatName } from '../../components/format.ts';
import { PassageList, type PassageLoader } from './PassageList.tsx';

interface Props {
  doc: DocumentSummary;
  onDelete: (id: number) => Promise<void>;
  /** Indexes a failed document again from its stored text. */
  onRetry: (id: number) => Promise<void>;
  selected?: boolean;
  /** `range`: shift was held (select from the last clicked row to this one). */
  onSelect?: (range: boolean) => void;
  /** Shown when the library has several collections. */
  collectionName?: string;
  expanded?: boolean;
  onToggleExpanded?: () => void;
  loadPassages?: PassageLoader;
  modelId?: string;
  /** The text-field editor of a table or JSON document (shown under its row). */
  renderFields?: (doc: DocumentSummary, close: () => void) => ReactNode;
}

/** Columns of the table (for the details row that spans them). */
export const LIBRARY_COLUMNS = 8;

export function LibraryRow({
  doc,
  onDelete,
  onRetry,
  selected = false,
  onSelect,
  collectionName,
  expanded = false,
  onToggleExpanded,
  loadPassages,
  modelId,
  renderFields,
}: Props) {
  const [fieldsOpen, setFieldsOpen] = useState(false);
  const structured = (doc.format === 'csv' || doc.format === 'json') && doc.status !== 'ingesting';
  const [step, setStep] = useState<'idle' | 'confirm' | 'deleting'>('idle');
  const [error, setError] = useState<string>();
  const [retrying, setRetrying] = useState(false);

  const retry = () => {
    setRetrying(true);
    setError(undefined);
    onRetry(doc.id)
      .catch((reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)))
      .finally(() => setRetrying(false));
  };

  const confirmDelete = () => {
    setStep('deleting');
    setError(undefined);
    onDelete(doc.id).catch((reason: unknown) => {
      setError(reason instanceof Error ? reason.message : String(reason));
      setStep('idle');
    });
  };

  return (
    <>
      <tr
        data-testid="library-row"
        data-name={doc.name}
        data-status={doc.status}
        className={step === 'deleting' ? 'row--deleting' : undefined}
      >
        <td className="library__check">
          {onSelect && (
            <input
              type="checkbox"
              aria-label={`Select ${doc.name}`}
              data-testid="select-doc"
              checked={selected}
              onChange={(e) => onSelect('shiftKey' in e.nativeEvent && (e.nativeEvent as MouseEvent).shiftKey)}
            />
          )}
        </td>
        <th scope="row" className="library__name">
          {doc.title && doc.title !== doc.name && (
            <span className="library__title" data-testid="doc-title">
              {doc.title}
            </span>
          )}
          <span className="library__filename" title={doc.name}>
            {onToggleExpanded ? (
              <button
                type="button"
                className="library__expand"
                aria-expanded={expanded}
                aria-controls={`details-${doc.id}`}
                data-testid="expand-doc"
                onClick={onToggleExpanded}
              >
                <span className="library__chevron" aria-hidden="true">
                  {expanded ? '▾' : '▸'}
                </span>
                {doc.name}
                <span className="visually-hidden">: {expanded ? 'hide' : 'show'} passages and details</span>
              </button>
            ) : (
              doc.name
            )}
          </span>
          {(collectionName || doc.tags.length > 0) && (
            <span className="library__meta">
              {collectionName && (
                <span className="library__collection" data-testid="doc-collection">
                  {collectionName}
                </span>
              )}
              {doc.tags.map((tag) => (
                <span key={tag} className="tag" data-testid="doc-tag">
                  {tag}
                </span>
              ))}
            </span>
          )}
          {doc.warnings && doc.warnings.length > 0 && (
            <span className="library__warning" title={doc.warnings.join('\n')}>
              {doc.warnings.length === 1 ? doc.warnings[0] : `${doc.warnings.length} warnings`}
            </span>
          )}
          {doc.redactions && doc.redactions.total > 0 && (
            <span className="library__redacted" data-testid="doc-redactions" title={redactionTitle(doc.redactions)}>
              {doc.redactions.total} value{doc.redactions.total === 1 ? '' : 's'} redacted
            </span>
          )}
          {doc.status === 'failed' && doc.error && (
            <span className="library__error" data-testid="doc-error">
              Not searchable: {doc.error.message} Its text is kept.
            </span>
          )}
          {error && (
            <span className="library__error" role="alert">
              {error}
            </span>
          )}
        </th>
        <td data-label="Format">
          <span className={`badge badge--${doc.format}`}>{formatName(doc.format)}</span>
          {doc.pageCount !== undefined && <span className="library__pages"> {doc.pageCount} p.</span>}
        </td>
        <td data-label="Passages" className="num">
          {doc.chunkCount.toLocaleString()}
        </td>
        <td data-label="Size" className="num">
          {formatBytes(doc.size)}
        </td>
        <td data-label="Added">
          <time dateTime={new Date(doc.addedAt).toISOString()}>{formatDate(doc.addedAt)}</time>
        </td>
        <td data-label="Embedded">
          {doc.status === 'ingesting' ? (
            <span className="pill pill--busy">adding…</span>
          ) : doc.status === 'failed' ? (
            <span className="pill pill--failed">failed</span>
          ) : doc.embedded ? (
            <span className="pill pill--ok">yes</span>
          ) : (
            <span
              className="pill pill--pending"
              title="Passages are keyword-searchable; vectors come when the model loads"
            >
              pending
            </span>
          )}
        </td>
        <td className="library__actions">
          {structured && renderFields && step === 'idle' && (
            <button
              type="button"
              className="button button--small button--quiet"
              aria-label={`Text fields of ${doc.name}`}
              aria-expanded={fieldsOpen}
              data-testid="doc-fields"
              onClick={() => setFieldsOpen((open) => !open)}
            >
              Fields
            </button>
          )}
          {doc.status === 'failed' && step === 'idle' && (
            <button
              type="button"
              className="button button--small"
              aria-label={`Retry ${doc.name}`}
              data-testid="retry-doc"
              disabled={retrying}
              onClick={retry}
            >
              {retrying ? 'Retrying…' : 'Retry'}
            </button>
          )}
          {step === 'idle' ? (
            <button
              type="button"
              className="button button--small button--quiet"
              aria-label={`Delete ${doc.name}`}
              data-testid="delete-doc"
              onClick={() => setStep('confirm')}
            >
              Delete
            </button>
          ) : (
            <span className="confirm" role="group" aria-label={`Delete ${doc.name}?`}>
              <button
                type="button"
                className="button button--small button--danger"
                data-testid="confirm-delete"
                disabled={step === 'deleting'}
                autoFocus
                onClick={confirmDelete}
              >
                {step === 'deleting' ? 'Deleting…' : 'Delete'}
              </button>
              <button
                type="button"
                className="button button--small button--quiet"
                data-testid="cancel-delete"
                disabled={step === 'deleting'}
                onClick={() => setStep('idle')}
              >
                Keep
              </button>
            </span>
          )}
        </td>
      </tr>
      {fieldsOpen && renderFields && (
        <tr className="library__details" data-testid="library-fields">
          <td colSpan={LIBRARY_COLUMNS}>{renderFields(doc, () => setFieldsOpen(false))}</td>
        </tr>
      )}
      {expanded && loadPassages && (
        <tr className="library__details" id={`details-${doc.id}`} data-testid="library-details">
          <td colSpan={LIBRARY_COLUMNS}>
            <PassageList doc={doc} load={loadPassages} modelId={modelId} />
          </td>
        </tr>
      )}
    </>
  );
}

/** "email × 2, card number × 1" — counts only: the values were never stored. */
function redactionTitle(report: NonNullable<DocumentSummary['redactions']>): string {
  const names: Record<string, string> = {
    email: 'email',
    phone: 'phone number',
    card: 'card number',
    iban: 'IBAN',
    ssn: 'SSN',
    ip: 'IP address',
    custom: 'custom match',
  };
  const parts = Object.entries(report.counts)
    .filter(([, n]) => n > 0)
    .map(([type, n]) => `${names[type] ?? type} × ${n}`);
  return `Redacted before storing: ${parts.join(', ')}${report.inName > 0 ? ` (${report.inName} in the name or title)` : ''}.`;
}
