// The query box and the mode; "/" anywhere focuses the box, Escape clears it, ArrowDown moves into the results.
import { useEffect, useRef, type ReactNode } from 'react';
import type { SearchMode } from '../../../engine/api/index.ts';
import { ModeSelector } from './ModeSelector.tsx';

interface Props {
  query: string;
  mode: SearchMode;
  busy: boolean;
  onQuery: (query: string) => void;
  onMode: (mode: SearchMode) => void;
  /** Controls shown beside the mode selector (rerank switch, fusion). */
  tuning?: ReactNode;
}

export function SearchBar({ query, mode, busy, onQuery, onMode, tuning }: Props) {
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="search" role="search">
      <div className="search__field">
        <svg className="search__icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <circle cx="11" cy="11" r="6.5" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="m16 16 4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        <label htmlFor="search-input" className="visually-hidden">
          Search your documents
        </label>
        <input
          ref={input}
          id="search-input"
          className="search__input"
          type="search"
          placeholder="Search your documents…"
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="search"
          value={query}
          data-testid="search-input"
          onChange={(event) => onQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') onQuery('');
            if (event.key === 'ArrowDown') {
              // Into the results: the list's own arrow keys take it from there.
              const first = document.querySelector<HTMLElement>('[data-testid="result"]');
              if (first) {
                event.preventDefault();
                first.focus();
              }
            }
          }}
        />
        {busy ? (
          <span className="spinner search__spinner" aria-hidden="true" />
        ) : (
          <kbd className="search__key" aria-hidden="true">
            /
          </kbd>
        )}
      </div>
      <ModeSelector mode={mode} onChange={onMode} />
      {tuning}
    </div>
  );
}
