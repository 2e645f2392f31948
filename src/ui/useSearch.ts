// Search as you type: debounced, and only the latest query's answer is ever shown.
import { useEffect, useRef, useState } from 'react';
import type { SearchResponse } from '../engine/api.ts';
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
): SearchState {
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
      engine.search(text, { mode, k: RESULTS, ...(filterKey ? { documentIds: filterKey.split(',').map(Number) } : {}) }).then(
        (response) => {
          if (id === latest.current) setState({ response, error: undefined, pending: false });
        },
        (reason: unknown) => {
          if (id === latest.current) setState({ response: undefined, error: errorMessage(reason), pending: false });
        },
      );
    }, delay);
    return () => clearTimeout(timer);
  }, [engine, query, mode, revision, filterKey]);

  return state;
}
