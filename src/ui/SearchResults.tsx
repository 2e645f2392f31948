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
  /** Document id → title, for documents that have one. */
  titles?: Map<number, string>;
}

export function SearchResults({ query, search, stats, onMode, titles }: Props) {
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
            <ResultCard key={result.chunkId} result={result} rank={index + 1} mode={response.mode} title={titles?.get(result.documentId)} />
          ))}
        </ol>
      )}
    </section>
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
