// The answer to the current query: timing, a fallback notice, the ranked passages, or why there are none.
// Arrow keys move between results (one Tab stop for the whole list), Home/End jump, Escape returns to the box.
import { useRef, useState, type KeyboardEvent } from 'react';
import type { LibraryStats, SearchResult } from '../../../engine/api/index.ts';
import type { SearchMode } from '../../../engine/api/index.ts';
import { formatMs, modeNames, plural } from '../../components/format.ts';
import { ResultCard } from './ResultCard.tsx';
import type { SearchState } from './useSearch.ts';

interface Props {
  query: string;
  search: SearchState;
  stats: LibraryStats | undefined;
  onMode: (mode: SearchMode) => void;
  /** Documents the search is limited to (from the URL or a map selection); empty = all. */
  documentIds?: readonly number[];
  onClearFilter?: () => void;
  onOpen?: (result: SearchResult) => void;
  /** Document id → title, for documents that have one. */
  titles?: Map<number, string>;
}

const STEPS: Record<string, (index: number, count: number) => number> = {
  ArrowDown: (i, n) => Math.min(n - 1, i + 1),
  ArrowUp: (i) => Math.max(0, i - 1),
  Home: () => 0,
  End: (_, n) => n - 1,
};

/**
 * One live region that stays mounted whatever the results look like, so screen readers hear "Searching…" and
 * then the count (a region that is freshly inserted is often not announced).
 */
export function SearchResults(props: Props) {
  const { query, search } = props;
  let announcement = '';
  if (query.trim() !== '' && !search.error) {
    if (!search.response || search.pending) announcement = 'Searching…';
    else announcement = `${plural(search.response.results.length, 'result')} for “${search.response.query}”`;
  }
  return (
    <>
      <p className="visually-hidden" role="status" data-testid="results-announcement">
        {announcement}
      </p>
      <ResultsBody {...props} />
    </>
  );
}

function ResultsBody({ query, search, stats, onMode, documentIds = [], onClearFilter, onOpen, titles }: Props) {
  const list = useRef<HTMLOListElement>(null);
  const response = search.response;
  // The result that takes focus with the arrows: the first again for each new response.
  const [cursor, setCursor] = useState({ response, index: 0 });
  const active = cursor.response === response ? cursor.index : 0;
  const setActive = (index: number) => setCursor({ response, index });

  const text = query.trim();
  if (text === '') return <SearchHint stats={stats} />;
  if (search.error) {
    return (
      <p className="alert" role="alert">
        The search failed: {search.error}
      </p>
    );
  }
  if (!response) {
    return <p className="results__summary">Searching…</p>;
  }

  const count = response.results.length;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      document.getElementById('search-input')?.focus();
      return;
    }
    const step = STEPS[event.key];
    if (!step || count === 0) return;
    event.preventDefault();
    const next = step(active, count);
    setActive(next);
    list.current?.querySelectorAll<HTMLElement>('[data-testid="result"]')[next]?.focus();
  };
  const filter = documentIds.length > 0 && (
    <p className="filter-chip" data-testid="filter-chip">
      Only {plural(documentIds.length, 'selected document')}
      {onClearFilter && (
        <button type="button" className="icon-button" aria-label="Search all documents again" onClick={onClearFilter}>
          ×
        </button>
      )}
    </p>
  );
  return (
    <section
      className={search.pending ? 'results results--stale' : 'results'}
      aria-label="Search results"
      aria-busy={search.pending}
    >
      <p className="results__summary" data-testid="results-summary">
        {plural(count, 'result')} in {formatMs(response.tookMs)}
        <span className="results__mode"> · {modeNames[response.mode]}</span>
        {search.rerank && <RerankIndicator rerank={search.rerank} />}
      </p>
      {filter}
      {response.notice && (
        <p className="notice" data-testid="notice">
          {response.notice}
        </p>
      )}
      {count === 0 ? (
        <NoResults query={response.query} mode={response.mode} onMode={onMode} />
      ) : (
        <ol className="results__list" ref={list} onKeyDown={onKeyDown} data-testid="results-list">
          {response.results.map((result, index) => (
            <ResultCard
              key={result.chunkId}
              result={result}
              rank={index + 1}
              mode={response.mode}
              active={index === active}
              onFocus={() => setActive(index)}
              onOpen={onOpen}
              title={titles?.get(result.documentId)}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function RerankIndicator({ rerank }: { rerank: NonNullable<SearchState['rerank']> }) {
  return (
    <span
      className={`results__rerank results__rerank--${rerank.state}`}
      data-testid="rerank-status"
      data-state={rerank.state}
    >
      {' · '}
      {rerank.state === 'running' ? (
        <>
          <span className="spinner spinner--small" aria-hidden="true" /> Reranking…
        </>
      ) : rerank.state === 'done' ? (
        `reranked (top ${rerank.depth}) in ${formatMs(rerank.tookMs)}`
      ) : (
        `rerank failed: ${rerank.error}`
      )}
    </span>
  );
}

function SearchHint({ stats }: { stats: LibraryStats | undefined }) {
  if (!stats || stats.documents === 0) return null;
  return (
    <p className="hint">
      Search {plural(stats.chunks, 'passage')} in {plural(stats.documents, 'document')}. Ask a question or type a few
      words; press <kbd>/</kbd> to jump here.
    </p>
  );
}

function NoResults({ query, mode, onMode }: { query: string; mode: SearchMode; onMode: (mode: SearchMode) => void }) {
  return (
    <div className="empty empty--small" data-testid="no-results">
      <p className="empty__title">No passages match “{query}”.</p>
      {mode === 'keyword' ? (
        <p>
          Keyword search needs the words themselves.{' '}
          <button type="button" className="link-button" onClick={() => onMode('hybrid')}>
            Try hybrid search
          </button>{' '}
          to match by meaning too.
        </p>
      ) : (
        <p>Try other words, or check that the document you have in mind is in your library.</p>
      )}
    </div>
  );
}
