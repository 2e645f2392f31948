// Search as you type: debounced, and only the latest query's answer is ever shown.
import { useEffect, useRef, useState } from 'react';
import type { SearchFilter, SearchResponse } from '../engine/api.ts';
import type { SearchMode } from '../engine/types.ts';
import { errorMessage, type Engine } from './engine-client.ts';

const DEBOUNCE_MS = 150;
const RESULTS = 20;

export interface SearchState {
  response: SearchResponse | undefined;
  error: string | undefined;
  pending: boolean;
}

/**
 * `revision` changes when the library or model changes, so the current query is asked again. Answers carry a
 * request number; only the newest request's answer is ever shown, however the worker orders its replies.
 */
export function useSearch(
  engine: Engine | undefined,
  query: string,
  mode: SearchMode,
  revision: number,
  documentIds: readonly number[] = [],
  filter?: SearchFilter,
): SearchState {
  // Compared by value: a new object with the same filters must not search again.
  const searchKey = JSON.stringify(filter ?? null);
  const [state, setState] = useState<SearchState>({ response: undefined, error: undefined, pending: false });
  const latest = useRef(0);
  const lastQuery = useRef('');
  const filterKey = documentIds.join(',');

  useEffect(() => {
    const text = query.trim();
    const id = ++latest.current;
    if (!engine || text === '') {
      lastQuery.current = text;
      setState({ response: undefined, error: undefined, pending: false });
      return;
    }
    // Typing waits for a pause; a mode switch or library change answers at once.
    const delay = text === lastQuery.current ? 0 : DEBOUNCE_MS;
    lastQuery.current = text;
    setState((previous) => ({ ...previous, pending: true }));
    const timer = setTimeout(() => {
      // The URL's documents (a map selection or a link) narrow the filter chips' documents.
      const chips = searchKey === 'null' ? undefined : (JSON.parse(searchKey) as SearchFilter);
      const ids = filterKey ? filterKey.split(',').map(Number) : undefined;
      const combined: SearchFilter | undefined = ids ? { ...chips, documentIds: ids } : chips;
      engine.search(text, { mode, k: RESULTS, ...(combined ? { filter: combined } : {}) }).then(
        (response) => {
          if (id === latest.current) setState({ response, error: undefined, pending: false });
        },
        (reason: unknown) => {
          if (id === latest.current) setState({ response: undefined, error: errorMessage(reason), pending: false });
        },
      );
    }, delay);
    return () => clearTimeout(timer);
  }, [engine, query, mode, revision, filterKey, searchKey]);

  return state;
}
