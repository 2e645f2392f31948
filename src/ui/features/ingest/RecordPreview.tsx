// A table or JSON file added on its own: its fields and first rows, so the user can pick which fields are text. Shown
// in the page, not as a modal: search and the rest of the page stay usable while it waits. "Always use the
// suggestion" is remembered, and then such files go straight in with the suggested fields (as a batch always does).
import { useEffect, useState } from 'react';
import type { RecordPreview as Preview } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';
import { RecordFieldChooser } from '../../components/RecordFieldChooser.tsx';

interface Props {
  /** Files waiting for a choice; the first is shown. */
  queue: File[];
  onChoose: (file: File, textFields: string[] | undefined) => void;
  onSkip: (file: File) => void;
  alwaysSuggested: boolean;
  onAlwaysSuggested: (value: boolean) => void;
}

export function RecordPreview({ queue, onChoose, onSkip, alwaysSuggested, onAlwaysSuggested }: Props) {
  const { engine } = useEngine();
  const file = queue[0];
  const [preview, setPreview] = useState<{ file: File; preview?: Preview; error?: string }>();

  useEffect(() => {
    if (!file || !engine) return;
    let live = true;
    file
      .arrayBuffer()
      .then((data) => engine.previewRecords(data, file.name))
      .then(
        (p) => live && setPreview({ file, preview: p }),
        (error: unknown) => live && setPreview({ file, error: errorMessage(error) }),
      );
    return () => {
      live = false;
    };
  }, [file, engine]);

  if (!file) return null;
  const current = preview?.file === file ? preview : undefined;
  if (!current?.preview) {
    return (
      <section className="record-preview" data-testid="record-preview" aria-label={`Add “${file.name}”`}>
        <p className="hint">{current?.error ? '' : `Reading the fields of “${file.name}”…`}</p>
        {current?.error && (
          <>
            <p className="alert" role="alert">
              {current.error}
            </p>
            <div className="dialog__actions">
              <button type="button" className="button button--quiet" onClick={() => onSkip(file)}>
                Don’t add
              </button>
              <button type="button" className="button" onClick={() => onChoose(file, undefined)}>
                Add anyway
              </button>
            </div>
          </>
        )}
      </section>
    );
  }
  const { fields, rows, suggestedTextFields } = current.preview;
  return (
    <section className="record-preview" aria-label={`Add “${file.name}”`}>
      <RecordFieldChooser
        key={file.name + file.lastModified}
        title={`Add “${file.name}”`}
        fields={fields}
        rows={rows}
        initial={suggestedTextFields}
        submitLabel="Add"
        cancelLabel="Don’t add"
        onSubmit={(textFields) => onChoose(file, textFields)}
        onCancel={() => onSkip(file)}
        testId="record-preview"
        extra={
          <label className="field field--check">
            <input
              type="checkbox"
              checked={alwaysSuggested}
              onChange={(event) => onAlwaysSuggested(event.target.checked)}
              data-testid="always-suggested"
            />
            <span>Always use the suggested fields (don’t ask again; change them later from the library)</span>
          </label>
        }
      />
    </section>
  );
}
