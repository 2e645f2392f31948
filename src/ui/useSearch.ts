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

/** `revision` changes when the library or model changes, so the current query is asked again. */
export function useSearch(
  engine: Engine | undefined,
  query: string,
  mode: SearchMode,
  revision: number,
  filter?: SearchFilter,
): SearchState {
  // Compared by value: a new object with the same filters must not search again.
  const filterKey = JSON.stringify(filter ?? null);
  const [state, setState] = useState<SearchState>({ response: undefined, error: undefined, pending: false });
  const latest = useRef(0);
  const lastQuery = useRef('');

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
      const options = filterKey === 'null' ? { mode, k: RESULTS } : { mode, k: RESULTS, filter: JSON.parse(filterKey) as SearchFilter };
      engine.search(text, options).then(
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
