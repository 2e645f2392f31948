// Before a CSV/TSV/JSON/JSONL file is added: its fields and first rows, so the user picks which fields are text
// (indexed and searched) and which are metadata (shown with each row). The default is the engine's suggestion.
import { useEffect, useId, useRef, useState } from 'react';
import type { RecordPreview } from '../../../engine/api/index.ts';
import { EXTENSION_FORMAT } from '../../../engine/public.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';

export function isRecordFile(file: File): boolean {
  const dot = file.name.lastIndexOf('.');
  const format = dot > 0 ? EXTENSION_FORMAT[file.name.slice(dot).toLowerCase()] : undefined;
  return format === 'csv' || format === 'json';
}

interface Props {
  /** Files waiting for a choice; the first is shown. */
  queue: File[];
  onChoose: (file: File, textFields: string[] | undefined) => void;
  onSkip: (file: File) => void;
}

const PREVIEW_ROWS = 5;

export function RecordPreviewDialog({ queue, onChoose, onSkip }: Props) {
  const { engine } = useEngine();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const file = queue[0];
  const [preview, setPreview] = useState<{ file: File; preview?: RecordPreview; error?: string }>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());

  useEffect(() => {
    if (!file || !engine) return;
    let live = true;
    file
      .arrayBuffer()
      .then((data) => engine.previewRecords(data, file.name))
      .then(
        (p) => {
          if (!live) return;
          setPreview({ file, preview: p });
          setChosen(new Set(p.suggestedTextFields));
        },
        (error: unknown) => live && setPreview({ file, error: errorMessage(error) }),
      );
    return () => {
      live = false;
    };
  }, [file, engine]);

  const open = !!file;
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    else if (!open && element.open) element.close();
  }, [open]);

  const current = preview?.file === file ? preview : undefined;
  const fields = current?.preview?.fields ?? [];
  const toggle = (field: string) =>
    setChosen((set) => {
      const next = new Set(set);
      if (next.has(field)) next.delete(field);
      else next.add(field);
      return next;
    });

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${id}-title`}
      data-testid="record-preview"
      onCancel={(event) => {
        event.preventDefault();
        if (file) onSkip(file);
      }}
    >
      {file && (
        <form
          className="settings"
          onSubmit={(event) => {
            event.preventDefault();
            onChoose(file, current?.preview ? fields.filter((f) => chosen.has(f)) : undefined);
          }}
        >
          <h2 id={`${id}-title`} className="dialog__title">
            Add “{file.name}”
          </h2>
          {!current && <p className="hint">Reading its fields…</p>}
          {current?.error && (
            <p className="alert" role="alert">
              {current.error}
            </p>
          )}
          {current?.preview && (
            <>
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
                    {current.preview.rows.slice(0, PREVIEW_ROWS).map((row, i) => (
                      <tr key={i}>
                        {fields.map((f) => (
                          <td key={f}>{row[f] === undefined || row[f] === null ? '' : String(row[f])}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          <div className="dialog__actions">
            <button type="button" className="button button--quiet" onClick={() => onSkip(file)}>
              Don’t add
            </button>
            <button
              type="submit"
              className="button button--primary"
              disabled={!current || (!!current.preview && chosen.size === 0)}
              data-testid="record-preview-add"
            >
              Add
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
