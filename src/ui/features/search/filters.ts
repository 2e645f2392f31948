// The search filters the user has set, as chips: one chip per value, removable, kept in localStorage so they
// survive a reload (for a plain library only: an encrypted library's chips are its tags, folders and collections,
// so they stay in memory and are dropped on lock). Turns into the engine's SearchFilter.
import type { DocumentSummary, SearchFilter } from '../../../engine/api/index.ts';
import type { DocumentFormat } from '../../../engine/api/index.ts';

export interface Filters {
  collections: string[];
  documentIds: number[];
  formats: DocumentFormat[];
  tags: string[];
  languages: string[];
  folders: string[];
  /** Dates as the date inputs give them (YYYY-MM-DD, local time). */
  addedFrom?: string;
  addedTo?: string;
}

export type FilterKind = keyof Filters;

export const NO_FILTERS: Filters = {
  collections: [],
  documentIds: [],
  formats: [],
  tags: [],
  languages: [],
  folders: [],
};

const STORAGE_KEY = 'trove:filters';
const LIST_KINDS = ['collections', 'documentIds', 'formats', 'tags', 'languages', 'folders'] as const;
type ListKind = (typeof LIST_KINDS)[number];

/** Reads saved filters; anything malformed is dropped rather than trusted. */
export function parseFilters(json: string | null): Filters {
  if (!json) return NO_FILTERS;
  try {
    const value = JSON.parse(json) as Record<string, unknown>;
    const out: Filters = { ...NO_FILTERS };
    for (const kind of LIST_KINDS) {
      const list = value[kind];
      if (!Array.isArray(list)) continue;
      const wanted = kind === 'documentIds' ? 'number' : 'string';
      (out[kind] as unknown[]) = list.filter((item) => typeof item === wanted);
    }
    for (const key of ['addedFrom', 'addedTo'] as const) {
      const date = value[key];
      if (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date)) out[key] = date;
    }
    return out;
  } catch {
    return NO_FILTERS;
  }
}

export function loadFilters(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Filters {
  try {
    return parseFilters(storage?.getItem(STORAGE_KEY) ?? null);
  } catch {
    return NO_FILTERS;
  }
}

export function saveFilters(
  filters: Filters,
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(filters));
  } catch {
    /* private mode or full: the filters just do not survive a reload */
  }
}

/** Removes the saved filters (an encrypted library never leaves them readable in localStorage). */
export function clearSavedFilters(storage: Pick<Storage, 'removeItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.removeItem(STORAGE_KEY);
  } catch {
    /* nothing was saved */
  }
}

export function addValue<K extends ListKind>(filters: Filters, kind: K, value: Filters[K][number]): Filters {
  const list = filters[kind] as unknown[];
  return list.includes(value) ? filters : { ...filters, [kind]: [...list, value] };
}

export function removeValue<K extends ListKind>(filters: Filters, kind: K, value: Filters[K][number]): Filters {
  return { ...filters, [kind]: (filters[kind] as unknown[]).filter((v) => v !== value) };
}

export function isEmpty(filters: Filters): boolean {
  return LIST_KINDS.every((kind) => filters[kind].length === 0) && !filters.addedFrom && !filters.addedTo;
}

/** The engine's filter; undefined when nothing is set. A date range covers whole days in local time. */
export function toSearchFilter(filters: Filters): SearchFilter | undefined {
  if (isEmpty(filters)) return undefined;
  const out: SearchFilter = {};
  for (const kind of LIST_KINDS) if (filters[kind].length > 0) (out[kind] as unknown[]) = [...filters[kind]];
  if (filters.addedFrom) out.addedFrom = new Date(`${filters.addedFrom}T00:00:00`).getTime();
  if (filters.addedTo) out.addedTo = new Date(`${filters.addedTo}T00:00:00`).getTime() + 24 * 3600 * 1000;
  return out;
}

export interface Chip {
  kind: FilterKind;
  value: string | number;
  /** What the chip says, e.g. "Tag: review". */
  label: string;
}

/** One chip per filter value, labelled with names the user knows (collection and document names, not ids). */
export function chipsOf(
  filters: Filters,
  names: { collections: Map<string, string>; documents: Map<number, DocumentSummary> },
): Chip[] {
  const chips: Chip[] = [];
  for (const id of filters.collections)
    chips.push({ kind: 'collections', value: id, label: `Collection: ${names.collections.get(id) ?? id}` });
  for (const id of filters.documentIds) {
    const doc = names.documents.get(id);
    chips.push({ kind: 'documentIds', value: id, label: `Document: ${doc ? (doc.title ?? doc.name) : `#${id}`}` });
  }
  for (const f of filters.formats) chips.push({ kind: 'formats', value: f, label: `Type: ${f}` });
  for (const t of filters.tags) chips.push({ kind: 'tags', value: t, label: `Tag: ${t}` });
  for (const l of filters.languages) chips.push({ kind: 'languages', value: l, label: `Language: ${l}` });
  for (const f of filters.folders) chips.push({ kind: 'folders', value: f, label: `Folder: ${f}` });
  if (filters.addedFrom)
    chips.push({ kind: 'addedFrom', value: filters.addedFrom, label: `Added from ${filters.addedFrom}` });
  if (filters.addedTo) chips.push({ kind: 'addedTo', value: filters.addedTo, label: `Added until ${filters.addedTo}` });
  return chips;
}

export function removeChip(filters: Filters, chip: Chip): Filters {
  if (chip.kind === 'addedFrom' || chip.kind === 'addedTo') {
    const { [chip.kind]: _gone, ...rest } = filters;
    return rest as Filters;
  }
  return { ...filters, [chip.kind]: (filters[chip.kind] as unknown[]).filter((v) => v !== chip.value) };
}

/** Distinct values of the library's documents, for the filter menus. */
export function valuesOf(documents: DocumentSummary[]) {
  const sorted = (values: Iterable<string | undefined>) =>
    [...new Set([...values].filter((v): v is string => !!v))].sort();
  return {
    formats: sorted(documents.map((d) => d.format)) as DocumentFormat[],
    tags: sorted(documents.flatMap((d) => d.tags)),
    languages: sorted(documents.map((d) => d.language)),
    folders: sorted(documents.map((d) => d.folder)),
  };
}
