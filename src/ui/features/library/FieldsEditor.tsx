// A table or JSON document's text fields, changed after it was added: a batch took the suggested fields without
// asking, so the choice is offered here. Saving indexes the kept original again with the new fields (the document is
// replaced once the new version is complete). Without a kept original it says why the fields cannot be changed.
import { useEffect, useState } from 'react';
import type { DocumentSummary, StructuredFields } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';
import { RecordFieldChooser } from '../../components/RecordFieldChooser.tsx';

interface Props {
  doc: DocumentSummary;
  onClose: () => void;
}

export function FieldsEditor({ doc, onClose }: Props) {
  const { engine, libraryChanged } = useEngine();
  const [fields, setFields] = useState<StructuredFields>();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!engine) return;
    let live = true;
    engine.getStructuredFields(doc.id).then(
      (value) => live && setFields(value),
      (reason: unknown) => live && setError(errorMessage(reason)),
    );
    return () => {
      live = false;
    };
  }, [engine, doc.id]);

  const save = (textFields: string[]) => {
    if (!engine) return;
    setSaving(true);
    setError(undefined);
    engine
      .setStructuredFields(doc.id, textFields)
      .then(() => {
        libraryChanged();
        onClose();
      })
      .catch((reason: unknown) => setError(errorMessage(reason)))
      .finally(() => setSaving(false));
  };

  return (
    <div className="fields-editor" data-testid="fields-editor">
      {!fields && !error && <p className="hint">Reading the fields of “{doc.name}”…</p>}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {fields && !fields.canChange && (
        <>
          <p className="hint" data-testid="fields-unchangeable">
            {fields.reason}
          </p>
          <button type="button" className="button button--small button--quiet" onClick={onClose}>
            Close
          </button>
        </>
      )}
      {fields?.canChange && (
        <RecordFieldChooser
          title={`Text fields of “${doc.name}”`}
          fields={fields.fields}
          rows={fields.rows}
          initial={fields.textFields}
          submitLabel={saving ? 'Indexing again…' : 'Index again with these fields'}
          cancelLabel="Cancel"
          busy={saving}
          onSubmit={save}
          onCancel={onClose}
          testId="fields-chooser"
        />
      )}
    </div>
  );
}
