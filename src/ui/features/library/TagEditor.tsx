// Tags for the selected documents: add, remove or set a comma-separated list.
import { useState } from 'react';
import type { DocumentSummary } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { plural } from '../../components/format.ts';

interface Props {
  documents: DocumentSummary[];
  onApply: (tags: string[], mode: 'add' | 'remove' | 'set') => Promise<void>;
  onClear: () => void;
}

export function TagEditor({ documents, onApply, onClear }: Props) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (documents.length === 0) {
    return <p className="hint tag-editor__hint">Select documents to edit their tags.</p>;
  }
  const tags = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const apply = (mode: 'add' | 'remove' | 'set') => {
    setBusy(true);
    setError(undefined);
    onApply(tags, mode)
      .then(() => setText(''))
      .catch((reason: unknown) => setError(errorMessage(reason)))
      .finally(() => setBusy(false));
  };
  const shared = documents.map((d) => d.tags).reduce((a, b) => a.filter((t) => b.includes(t)));
  return (
    <div className="tag-editor" role="group" aria-label="Edit tags" data-testid="tag-editor">
      <span>
        {plural(documents.length, 'document')} selected{shared.length > 0 ? ` · tagged ${shared.join(', ')}` : ''}
      </span>
      <input
        aria-label="Tags, separated by commas"
        placeholder="tags, separated by commas"
        data-testid="tag-input"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button
        type="button"
        className="button button--small"
        data-testid="tag-add"
        disabled={busy || tags.length === 0}
        onClick={() => apply('add')}
      >
        Add tags
      </button>
      <button
        type="button"
        className="button button--small button--quiet"
        data-testid="tag-remove"
        disabled={busy || tags.length === 0}
        onClick={() => apply('remove')}
      >
        Remove
      </button>
      <button
        type="button"
        className="button button--small button--quiet"
        data-testid="tag-set"
        disabled={busy}
        onClick={() => apply('set')}
      >
        Set exactly
      </button>
      <button type="button" className="link-button" onClick={onClear}>
        Clear selection
      </button>
      {error && (
        <span className="library__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
