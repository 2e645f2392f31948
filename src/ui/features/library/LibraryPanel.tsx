// Every stored document: sorted and filtered, shown a page at a time (a library of thousands stays quick), each
// expandable to its passages, warnings and model; several can be selected for one delete or for tagging.
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import './library-view.css';
import type { DocumentSummary, LibraryStats } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { formatName, plural } from '../../components/format.ts';
import {
  DEFAULT_QUERY,
  filterValues,
  rangeBetween,
  SORT_NAMES,
  STATUS_NAMES,
  viewDocuments,
  type LibraryQuery,
  type SortKey,
  type StatusFilter,
} from './library-view.ts';
import { LibraryRow } from './LibraryRow.tsx';
import type { PassageLoader } from './PassageList.tsx';
import { TagEditor } from './TagEditor.tsx';

/** Rows rendered at first, and added by each "Show more". */
export const LIBRARY_PAGE = 100;

interface Props {
  documents: DocumentSummary[] | undefined;
  stats: LibraryStats | undefined;
  error: string | undefined;
  onDelete: (id: number) => Promise<void>;
  onRetry: (id: number) => Promise<void>;
  /** Collection id → name, shown per row when there is more than one collection. */
  collectionNames?: Map<string, string>;
  onTags?: (ids: number[], tags: string[], mode: 'add' | 'remove' | 'set') => Promise<void>;
  /** Deletes several documents at once (one refresh); without it, each is deleted in turn. */
  onDeleteMany?: (ids: number[]) => Promise<void>;
  loadPassages?: PassageLoader;
  /** The model whose vectors the library uses now. */
  modelId?: string;
  /** The text-field editor of a table or JSON document. */
  renderFields?: (doc: DocumentSummary, close: () => void) => ReactNode;
}

export function LibraryPanel({
  documents,
  stats,
  error,
  onDelete,
  onRetry,
  collectionNames,
  onTags,
  onDeleteMany,
  loadPassages,
  modelId,
  renderFields,
}: Props) {
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [query, setQuery] = useState<LibraryQuery>(DEFAULT_QUERY);
  const [limit, setLimit] = useState(LIBRARY_PAGE);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const anchor = useRef<number>(undefined);

  const all = useMemo(() => documents ?? [], [documents]);
  const values = useMemo(() => filterValues(all), [all]);
  const matching = useMemo(() => viewDocuments(all, query), [all, query]);
  const shown = useMemo(() => matching.slice(0, limit), [matching, limit]);
  const shownIds = useMemo(() => shown.map((d) => d.id), [shown]);
  // Selected documents that still exist (another tab may have deleted some).
  const chosen = useMemo(() => all.filter((d) => selected.has(d.id)), [all, selected]);
  const chosenIds = useMemo(() => new Set(chosen.map((d) => d.id)), [chosen]);

  const select = useCallback(
    (id: number, range: boolean) => {
      // Read the anchor now: the updater below runs later, after it has moved to this row.
      const ids = range ? rangeBetween(shownIds, anchor.current, id) : [id];
      setSelected((previous) => {
        const next = new Set(previous);
        const on = !previous.has(id);
        for (const one of ids) {
          if (on) next.add(one);
          else next.delete(one);
        }
        return next;
      });
      anchor.current = id;
    },
    [shownIds],
  );
  const toggleExpanded = useCallback((id: number) => {
    setExpanded((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const changeQuery = (patch: Partial<LibraryQuery>) => {
    setQuery((q) => ({ ...q, ...patch }));
    setLimit(LIBRARY_PAGE);
  };

  const allShownChosen = shown.length > 0 && shown.every((d) => chosenIds.has(d.id));
  const collectionName = (id: string) => collectionNames?.get(id) ?? id;
  const severalCollections = (collectionNames?.size ?? 0) > 1;
  const filtered = matching.length !== all.length;

  return (
    <section className="library" aria-labelledby="library-title" data-testid="library">
      <div className="section-head">
        <h2 id="library-title" className="section-title">
          Library
        </h2>
        {stats && stats.documents > 0 && (
          <p className="section-meta">
            {plural(stats.documents, 'document')} · {plural(stats.chunks, 'passage')}
            {stats.vectors < stats.chunks && ` · ${plural(stats.chunks - stats.vectors, 'passage')} without vectors`}
            {stats.index && (
              <span data-testid="index-info" data-kind={stats.index.kind}>
                {' · '}
                {stats.index.kind === 'hnsw' ? 'HNSW' : 'exact'} index, {quantizationName(stats.index.quantization)},{' '}
                {Math.round(stats.index.bytesPerVector)} bytes/vector
                {stats.index.loadedFromPages ? ', loaded from storage' : ''}
              </span>
            )}
          </p>
        )}
      </div>
      {error && (
        <p className="alert" role="alert">
          The library could not be read: {error}
        </p>
      )}
      {documents && documents.length === 0 && !error && (
        <p className="hint">No documents yet. Everything you add is stored in this browser and stays after a reload.</p>
      )}
      {all.length > 0 && (
        <div className="library-tools" role="group" aria-label="Sort and filter documents" data-testid="library-tools">
          <input
            type="search"
            className="library-tools__text"
            aria-label="Find documents by name or title"
            placeholder="Find by name or title"
            data-testid="library-filter-text"
            value={query.text}
            onChange={(e) => changeQuery({ text: e.target.value })}
          />
          <Menu
            label="Format"
            testId="library-filter-format"
            value={query.format}
            options={values.formats.map((f) => [f, formatName(f as DocumentSummary['format'])])}
            onChange={(format) => changeQuery({ format })}
          />
          <Menu
            label="Status"
            testId="library-filter-status"
            value={query.status}
            options={(Object.keys(STATUS_NAMES) as StatusFilter[]).map((s) => [s, STATUS_NAMES[s]])}
            onChange={(status) => changeQuery({ status: status as StatusFilter | undefined })}
          />
          {(values.collections.length > 1 || query.collection !== undefined) && (
            <Menu
              label="Collection"
              testId="library-filter-collection"
              value={query.collection}
              options={values.collections.map((c) => [c, collectionName(c)])}
              onChange={(collection) => changeQuery({ collection })}
            />
          )}
          {(values.tags.length > 0 || query.tag !== undefined) && (
            <Menu
              label="Tag"
              testId="library-filter-tag"
              value={query.tag}
              options={values.tags.map((t) => [t, t])}
              onChange={(tag) => changeQuery({ tag })}
            />
          )}
          <label className="library-tools__sort">
            Sort by{' '}
            <select
              data-testid="library-sort"
              value={query.sort}
              onChange={(e) => changeQuery({ sort: e.target.value as SortKey })}
            >
              {(Object.keys(SORT_NAMES) as SortKey[]).map((key) => (
                <option key={key} value={key}>
                  {SORT_NAMES[key]}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button button--small button--quiet"
            data-testid="library-sort-direction"
            aria-label={
              query.descending ? 'Descending order: switch to ascending' : 'Ascending order: switch to descending'
            }
            onClick={() => changeQuery({ descending: !query.descending })}
          >
            {query.descending ? '↓ Descending' : '↑ Ascending'}
          </button>
          <span className="library-tools__count" data-testid="library-count" aria-live="polite">
            {filtered
              ? `${matching.length.toLocaleString()} of ${plural(all.length, 'document')}`
              : plural(all.length, 'document')}
          </span>
        </div>
      )}
      {chosen.length > 0 && (
        <BulkDelete
          key={chosen.length}
          count={chosen.length}
          onDelete={async () => {
            const ids = chosen.map((d) => d.id);
            if (onDeleteMany) await onDeleteMany(ids);
            else for (const id of ids) await onDelete(id);
            setSelected(new Set());
          }}
        />
      )}
      {all.length > 0 && onTags && (
        <TagEditor
          documents={chosen}
          onApply={async (tags, mode) => onTags([...chosenIds], tags, mode)}
          onClear={() => setSelected(new Set())}
        />
      )}
      {all.length > 0 && matching.length === 0 && (
        <p className="hint" data-testid="library-no-match">
          No document matches.{' '}
          <button
            type="button"
            className="link-button"
            data-testid="library-clear-filters"
            onClick={() => {
              setQuery({ ...DEFAULT_QUERY, sort: query.sort, descending: query.descending });
              setLimit(LIBRARY_PAGE);
            }}
          >
            Clear the filters
          </button>
        </p>
      )}
      {shown.length > 0 && (
        <div className="table-wrap">
          <table className="library__table">
            <thead>
              <tr>
                <th scope="col" className="library__check">
                  <input
                    type="checkbox"
                    aria-label="Select all shown documents"
                    data-testid="select-all"
                    checked={allShownChosen}
                    onChange={() =>
                      setSelected((previous) => {
                        const next = new Set(previous);
                        for (const id of shownIds) {
                          if (allShownChosen) next.delete(id);
                          else next.add(id);
                        }
                        return next;
                      })
                    }
                  />
                </th>
                <th scope="col" aria-sort={ariaSort(query, 'name')}>
                  Name
                </th>
                <th scope="col">Format</th>
                <th scope="col" className="num" aria-sort={ariaSort(query, 'passages')}>
                  Passages
                </th>
                <th scope="col" className="num" aria-sort={ariaSort(query, 'size')}>
                  Size
                </th>
                <th scope="col" aria-sort={ariaSort(query, 'added')}>
                  Added
                </th>
                <th scope="col" aria-sort={ariaSort(query, 'status')}>
                  Embedded
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((doc) => (
                <LibraryRow
                  key={doc.id}
                  doc={doc}
                  onDelete={onDelete}
                  onRetry={onRetry}
                  selected={chosenIds.has(doc.id)}
                  onSelect={(range) => select(doc.id, range)}
                  collectionName={severalCollections ? collectionName(doc.collection) : undefined}
                  expanded={expanded.has(doc.id)}
                  onToggleExpanded={loadPassages ? () => toggleExpanded(doc.id) : undefined}
                  loadPassages={loadPassages}
                  modelId={modelId}
                  renderFields={renderFields}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {matching.length > shown.length && (
        <p className="library__more">
          Showing {shown.length.toLocaleString()} of {matching.length.toLocaleString()}.{' '}
          <button
            type="button"
            className="button button--small button--quiet"
            data-testid="library-more"
            onClick={() => setLimit((n) => n + LIBRARY_PAGE)}
          >
            Show {Math.min(LIBRARY_PAGE, matching.length - shown.length)} more
          </button>
        </p>
      )}
    </section>
  );
}

function Menu({
  label,
  testId,
  value,
  options,
  onChange,
}: {
  label: string;
  testId: string;
  value: string | undefined;
  options: Array<[string, string]>;
  onChange: (value: string | undefined) => void;
}) {
  return (
    <select
      aria-label={`Filter documents by ${label.toLowerCase()}`}
      data-testid={testId}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value || undefined)}
    >
      <option value="">{label}: any</option>
      {/* A value chosen earlier stays offered after its last document went, so it can be seen and cleared. */}
      {value !== undefined && !options.some(([v]) => v === value) && <option value={value}>{value}</option>}
      {options.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </select>
  );
}

/** One confirmation for deleting every selected document, naming how many. */
function BulkDelete({ count, onDelete }: { count: number; onDelete: () => Promise<void> }) {
  const [step, setStep] = useState<'idle' | 'confirm' | 'deleting'>('idle');
  const [error, setError] = useState<string>();
  const what = plural(count, 'document');
  return (
    <div className="bulk" role="group" aria-label="Selected documents" data-testid="bulk-actions">
      <span>{what} selected</span>
      {step === 'idle' ? (
        <button
          type="button"
          className="button button--small button--quiet"
          data-testid="bulk-delete"
          onClick={() => setStep('confirm')}
        >
          Delete selected…
        </button>
      ) : (
        <span className="confirm" role="group" aria-label={`Delete ${what}?`}>
          <span data-testid="bulk-question">Delete {what} and their passages?</span>
          <button
            type="button"
            className="button button--small button--danger"
            data-testid="bulk-confirm"
            disabled={step === 'deleting'}
            autoFocus
            onClick={() => {
              setStep('deleting');
              setError(undefined);
              onDelete().catch((reason: unknown) => {
                setError(errorMessage(reason));
                setStep('idle');
              });
            }}
          >
            {step === 'deleting' ? 'Deleting…' : `Delete ${what}`}
          </button>
          <button
            type="button"
            className="button button--small button--quiet"
            data-testid="bulk-cancel"
            disabled={step === 'deleting'}
            onClick={() => setStep('idle')}
          >
            Keep
          </button>
        </span>
      )}
      {error && (
        <span className="library__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function ariaSort(query: LibraryQuery, key: SortKey): 'ascending' | 'descending' | undefined {
  if (query.sort !== key) return undefined;
  return query.descending ? 'descending' : 'ascending';
}

function quantizationName(q: 'none' | 'int8' | 'binary'): string {
  return q === 'none' ? 'float32' : q;
}
