// The current search, kept in step with the address bar. Typing replaces the history entry; a pause of a second
// before typing again, a mode change or a filter change adds one, so Back returns to the previous search.
import { useCallback, useEffect, useRef, useState } from 'react';
import { readSearchState, sameSearchState, writeSearchState, type UrlSearchState } from './url-state.ts';

const NEW_ENTRY_AFTER_MS = 1000;

export function useUrlSearch(): [UrlSearchState, (change: Partial<UrlSearchState>) => void] {
  const [state, setState] = useState<UrlSearchState>(() => readSearchState(location.search));
  const lastWrite = useRef(0);

  useEffect(() => {
    const onPop = () => setState(readSearchState(location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const update = useCallback((change: Partial<UrlSearchState>) => {
    setState((previous) => {
      const next = { ...previous, ...change };
      if (sameSearchState(previous, next)) return previous;
      const url = `${location.pathname}${writeSearchState(location.search, next)}${location.hash}`;
      const now = Date.now();
      const typingOnly = next.mode === previous.mode && next.documentIds === previous.documentIds;
      const push = !typingOnly || now - lastWrite.current > NEW_ENTRY_AFTER_MS;
      lastWrite.current = now;
      if (push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
      return next;
    });
  }, []);

  return [state, update];
}
