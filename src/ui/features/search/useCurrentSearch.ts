// The search the page shows: the query, mode and document filter from the URL (bookmarkable; Back steps through
// searches), the filter chips (remembered for a plain library; in memory only for an encrypted one, and dropped on
// lock), the per-query tuning, and the answer, asked again whenever it may
// have changed (the library changed, or the model became ready or dropped out, which changes what modes mean).
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RerankerStatus, SearchMode } from '../../../engine/api/index.ts';
import { onEngineEvent } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';
import { useUrlSearch } from '../../client/useUrlSearch.ts';
import { NO_FILTERS, clearSavedFilters, loadFilters, saveFilters, toSearchFilter, type Filters } from './filters.ts';
import { DEFAULT_TUNING, type SearchTuning } from './search-tuning.ts';
import { useReranker } from './useReranker.ts';
import { useSearch, type SearchState } from './useSearch.ts';

export interface CurrentSearch {
  query: string;
  mode: SearchMode;
  /** Documents the search is limited to (a map selection or a link); empty = all. */
  documentIds: readonly number[];
  setQuery: (query: string) => void;
  setMode: (mode: SearchMode) => void;
  setDocumentIds: (ids: number[]) => void;
  filters: Filters;
  setFilters: (filters: Filters) => void;
  tuning: SearchTuning;
  changeTuning: (tuning: SearchTuning) => void;
  reranker: RerankerStatus | undefined;
  answer: SearchState;
}

export function useCurrentSearch(): CurrentSearch {
  const { engine, settings, modelStatus, libraryRevision, lock } = useEngine();
  const [{ query, mode, documentIds }, setSearch] = useUrlSearch();
  const setQuery = useCallback((value: string) => setSearch({ query: value }), [setSearch]);
  const setMode = useCallback((value: SearchMode) => setSearch({ mode: value }), [setSearch]);
  const setDocumentIds = useCallback((ids: number[]) => setSearch({ documentIds: ids }), [setSearch]);
  // Locked from another tab: this one shows nothing of the library either.
  useEffect(
    () =>
      onEngineEvent((event) => {
        if (event.type === 'locked') setQuery('');
      }),
    [setQuery],
  );

  const reranker = useReranker(engine, settings?.rerankerId);
  // Reranking is on by default only when the calibration found it fast enough here, unless the user already chose.
  const rerankDefault = reranker?.state === 'ready' ? reranker.enabledByDefault : undefined;
  const [calibrated, setCalibrated] = useState<boolean>();
  if (rerankDefault !== undefined && rerankDefault !== calibrated) setCalibrated(rerankDefault);
  const [chosen, setChosen] = useState<SearchTuning>();
  const tuning = useMemo(
    () => chosen ?? (calibrated === undefined ? DEFAULT_TUNING : { ...DEFAULT_TUNING, rerank: calibrated }),
    [chosen, calibrated],
  );

  const [filters, setFiltersState] = useState<Filters>(() => loadFilters());
  const encrypted = lock !== undefined && lock !== 'plain';
  const setFilters = useCallback(
    (next: Filters) => {
      setFiltersState(next);
      if (!encrypted) saveFilters(next);
    },
    [encrypted],
  );
  // Locking, here or in another tab, drops the chips from memory.
  const [seenLock, setSeenLock] = useState(lock);
  if (lock !== seenLock) {
    setSeenLock(lock);
    if (lock === 'locked') setFiltersState(NO_FILTERS);
  }
  // An encrypted library's chips never stay in localStorage (those saved before the lock was on go too).
  useEffect(() => {
    if (encrypted) clearSavedFilters();
  }, [encrypted]);

  // A keyword search's answer does not depend on the model, so the model's loading states do not ask it again.
  const revision = mode === 'keyword' ? `${libraryRevision}` : `${libraryRevision}:${modelStatus?.state}`;
  const answer = useSearch(engine, query, mode, revision, documentIds, tuning, toSearchFilter(filters));

  return {
    query,
    mode,
    documentIds,
    setQuery,
    setMode,
    setDocumentIds,
    filters,
    setFilters,
    tuning,
    changeTuning: setChosen,
    reranker,
    answer,
  };
}
