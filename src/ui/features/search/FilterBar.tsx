// Filters above the results: menus to add one (type, tag, language, folder, document, dates) and a removable chip
// for each value set, collections included.
import type { CollectionSummary, DocumentSummary } from '../../../engine/api/index.ts';
import type { DocumentFormat } from '../../../engine/api/index.ts';
import { addValue, chipsOf, isEmpty, NO_FILTERS, removeChip, valuesOf, type Filters } from './filters.ts';
import { formatName } from '../../components/format.ts';
import '../../components/chips.css';
import './search.css';

interface Props {
  filters: Filters;
  onFilters: (filters: Filters) => void;
  documents: DocumentSummary[];
  collections: CollectionSummary[];
}

export function FilterBar({ filters, onFilters, documents, collections }: Props) {
  const values = valuesOf(documents);
  const chips = chipsOf(filters, {
    collections: new Map(collections.map((c) => [c.id, c.name])),
    documents: new Map(documents.map((d) => [d.id, d])),
  });
  const menu = (label: string, testId: string, options: Array<[string, string]>, pick: (value: string) => void) =>
    options.length > 0 && (
      <select
        aria-label={`Filter by ${label.toLowerCase()}`}
        data-testid={testId}
        value=""
        onChange={(e) => {
          if (e.target.value) pick(e.target.value);
        }}
      >
        <option value="">{label}…</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    );

  return (
    <section className="filters" aria-label="Filters" data-testid="filters">
      <div className="filters__menus">
        <span className="collections__label">Filter</span>
        {menu(
          'Type',
          'filter-type',
          values.formats.map((f) => [f, formatName(f)]),
          (v) => onFilters(addValue(filters, 'formats', v as DocumentFormat)),
        )}
        {menu(
          'Tag',
          'filter-tag',
          values.tags.map((t) => [t, t]),
          (v) => onFilters(addValue(filters, 'tags', v)),
        )}
        {menu(
          'Language',
          'filter-language',
          values.languages.map((l) => [l, l]),
          (v) => onFilters(addValue(filters, 'languages', v)),
        )}
        {menu(
          'Folder',
          'filter-folder',
          values.folders.map((f) => [f, f]),
          (v) => onFilters(addValue(filters, 'folders', v)),
        )}
        {menu(
          'Document',
          'filter-document',
          documents.map((d) => [String(d.id), d.title ?? d.name]),
          (v) => onFilters(addValue(filters, 'documentIds', Number(v))),
        )}
        <label className="filters__date">
          Added from{' '}
          <input
            type="date"
            data-testid="filter-from"
            value={filters.addedFrom ?? ''}
            onChange={(e) => onFilters({ ...filters, addedFrom: e.target.value || undefined })}
          />
        </label>
        <label className="filters__date">
          until{' '}
          <input
            type="date"
            data-testid="filter-to"
            value={filters.addedTo ?? ''}
            onChange={(e) => onFilters({ ...filters, addedTo: e.target.value || undefined })}
          />
        </label>
      </div>
      {chips.length > 0 && (
        <ul className="filters__chips" aria-label="Active filters">
          {chips.map((chip) => (
            <li
              key={`${chip.kind}:${chip.value}`}
              className="chip chip--on"
              data-testid="filter-chip"
              data-kind={chip.kind}
            >
              {chip.label}
              <button
                type="button"
                className="chip__remove"
                aria-label={`Remove filter ${chip.label}`}
                data-testid="filter-chip-remove"
                onClick={() => onFilters(removeChip(filters, chip))}
              >
                ×
              </button>
            </li>
          ))}
          {!isEmpty(filters) && (
            <li>
              <button
                type="button"
                className="link-button"
                data-testid="filter-clear"
                onClick={() => onFilters(NO_FILTERS)}
              >
                Clear all
              </button>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
