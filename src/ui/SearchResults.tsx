// The answer to the current query: timing, a fallback notice, the ranked passages, or why there are none.
import type { LibraryStats } from '../engine/api.ts';
import type { SearchMode } from '../engine/types.ts';
import { formatMs, modeNames, plural } from './format.ts';
import { ResultCard } from './ResultCard.tsx';
import type { SearchState } from './useSearch.ts';

interface Props {
  query: string;
  search: SearchState;
  stats: LibraryStats | undefined;
  onMode: (mode: SearchMode) => void;
}

export function SearchResults({ query, search, stats, onMode }: Props) {
  const text = query.trim();
  if (text === '') return <SearchHint stats={stats} />;
  if (search.error) {
    return (
      <p className="alert" role="alert">
        The search failed: {search.error}
      </p>
    );
  }
  const { response } = search;
  if (!response) {
    return (
      <p className="results__summary" role="status">
        Searching…
      </p>
    );
  }

  const count = response.results.length;
  return (
    <section className={search.pending ? 'results results--stale' : 'results'} aria-label="Search results" aria-busy={search.pending}>
      <p className="results__summary" role="status" data-testid="results-summary">
        {plural(count, 'result')} in {formatMs(response.tookMs)}
        <span className="results__mode"> · {modeNames[response.mode]}</span>
        {search.rerank && <RerankIndicator rerank={search.rerank} />}
      </p>
      {response.notice && (
        <p className="notice" data-testid="notice">
          {response.notice}
        </p>
      )}
      {count === 0 ? (
        <NoResults query={response.query} mode={response.mode} onMode={onMode} />
      ) : (
        <ol className="results__list">
          {response.results.map((result, index) => (
            <ResultCard key={result.chunkId} result={result} rank={index + 1} mode={response.mode} />
          ))}
        </ol>
      )}
    </section>
  );
}

function RerankIndicator({ rerank }: { rerank: NonNullable<SearchState['rerank']> }) {
  return (
    <span className={`results__rerank results__rerank--${rerank.state}`} data-testid="rerank-status" data-state={rerank.state}>
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
