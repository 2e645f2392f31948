// The choice of a table's or JSON file's text fields (indexed and searched) against its metadata (shown with each
// row): the fields as checkboxes and the first rows as a table. Not modal: the page stays usable while it is open.
import { useId, useState, type ReactNode } from 'react';
import type { FieldValue } from '../../engine/api/index.ts';

const PREVIEW_ROWS = 5;

interface Props {
  title: string;
  fields: string[];
  rows: Array<Record<string, FieldValue>>;
  /** Checked at first: the suggestion, or the fields in use. */
  initial: string[];
  submitLabel: string;
  cancelLabel: string;
  onSubmit: (textFields: string[]) => void;
  onCancel: () => void;
  busy?: boolean;
  /** More controls shown above the buttons (e.g. "always use the suggestion"). */
  extra?: ReactNode;
  testId: string;
}

export function RecordFieldChooser({
  title,
  fields,
  rows,
  initial,
  submitLabel,
  cancelLabel,
  onSubmit,
  onCancel,
  busy = false,
  extra,
  testId,
}: Props) {
  const id = useId();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(initial));
  const toggle = (field: string) =>
    setChosen((set) => {
      const next = new Set(set);
      if (next.has(field)) next.delete(field);
      else next.add(field);
      return next;
    });
  return (
    <form
      className="record-chooser settings"
      aria-labelledby={`${id}-title`}
      data-testid={testId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(fields.filter((f) => chosen.has(f)));
      }}
    >
      <h2 id={`${id}-title`} className="section-title">
        {title}
      </h2>
      <p className="hint">
        Each row becomes a passage. Checked fields are its text (searched); the others are kept as metadata.
      </p>
      <fieldset className="settings__group">
        <legend>Text fields</legend>
        {fields.map((field) => (
          <label key={field} className="field field--check">
            <input
              type="checkbox"
              checked={chosen.has(field)}
              onChange={() => toggle(field)}
              data-testid={`text-field-${field}`}
            />
            <span>{field}</span>
          </label>
        ))}
      </fieldset>
      <div className="record-preview__table">
        <table>
          <thead>
            <tr>
              {fields.map((f) => (
                <th key={f} scope="col">
                  {f}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, PREVIEW_ROWS).map((row, i) => (
              <tr key={i}>
                {fields.map((f) => (
                  <td key={f}>{row[f] === undefined || row[f] === null ? '' : String(row[f])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {extra}
      <div className="dialog__actions">
        <button type="button" className="button button--quiet" onClick={onCancel}>
          {cancelLabel}
        </button>
        <button
          type="submit"
          className="button button--primary"
          disabled={busy || chosen.size === 0}
          data-testid={`${testId}-add`}
        >
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
