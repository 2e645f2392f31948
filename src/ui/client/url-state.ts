// The search in the address bar: ?q=…&mode=…&docs=1,2 so a search can be bookmarked and the back button steps
// through earlier searches. Other parameters (model, remote, device, demo) are left as they are.
import type { SearchMode } from '../../engine/api/index.ts';

export interface UrlSearchState {
  query: string;
  mode: SearchMode;
  /** Only these documents; empty = all. */
  documentIds: number[];
}

const MODES: readonly SearchMode[] = ['hybrid', 'semantic', 'keyword'];

export function readSearchState(search: string): UrlSearchState {
  const params = new URLSearchParams(search);
  const mode = params.get('mode');
  const docs = (params.get('docs') ?? '')
    .split(',')
    .map((part) => Number(part))
    .filter((id) => Number.isInteger(id) && id > 0 && id <= Number.MAX_SAFE_INTEGER);
  return {
    query: params.get('q') ?? '',
    mode: MODES.includes(mode as SearchMode) ? (mode as SearchMode) : 'hybrid',
    documentIds: [...new Set(docs)],
  };
}

/** `search` (a location.search string) with the state written in; defaults are left out to keep URLs short. */
export function writeSearchState(search: string, state: UrlSearchState): string {
  const params = new URLSearchParams(search);
  if (state.query) params.set('q', state.query);
  else params.delete('q');
  if (state.mode !== 'hybrid') params.set('mode', state.mode);
  else params.delete('mode');
  if (state.documentIds.length > 0) params.set('docs', state.documentIds.join(','));
  else params.delete('docs');
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function sameSearchState(a: UrlSearchState, b: UrlSearchState): boolean {
  return (
    a.query === b.query &&
    a.mode === b.mode &&
    a.documentIds.length === b.documentIds.length &&
    a.documentIds.every((id, i) => id === b.documentIds[i])
  );
}
