// The "Forget everything" action: one confirmation, then the list of what was removed and a fresh start.
import { useId, useState } from 'react';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';
import { forgetEverything } from './forget-everything.ts';
import './privacy.css';

export function ForgetEverything() {
  const { engine } = useEngine();
  const [modelFiles, setModelFiles] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [removed, setRemoved] = useState<string[]>();
  const [error, setError] = useState<string>();
  const id = useId();

  const run = () => {
    if (!engine) return;
    setBusy(true);
    setError(undefined);
    forgetEverything(engine, { modelFiles })
      .then(setRemoved, (reason: unknown) => setError(errorMessage(reason)))
      .finally(() => setBusy(false));
  };

  if (removed) {
    return (
      <div className="forget" role="status" data-testid="forget-done">
        <p>
          <strong>Everything was removed.</strong> Trove kept nothing on this device:
        </p>
        <ul data-testid="forget-removed">
          {removed.map((item) => (
            <li key={item}>{item}</li>
          ))}
          {removed.length === 0 && <li>There was nothing stored.</li>}
        </ul>
        <button
          type="button"
          className="button button--primary"
          data-testid="forget-restart"
          onClick={() => location.reload()}
        >
          Start afresh
        </button>
      </div>
    );
  }
  return (
    <div className="forget">
      <label className="check">
        <input
          type="checkbox"
          checked={modelFiles}
          onChange={(e) => setModelFiles(e.target.checked)}
          data-testid="forget-models"
        />
        <span>
          Also delete downloaded model files
          <span className="field__hint">Kept otherwise, so semantic search works again without a download.</span>
        </span>
      </label>
      {confirming ? (
        <div className="forget__confirm" role="alertdialog" aria-labelledby={`${id}-q`}>
          <p id={`${id}-q`}>
            Delete every document, passage, vector, index and setting Trove stored in this browser? This cannot be
            undone.
          </p>
          <div className="dialog__actions">
            <button type="button" className="button button--quiet" onClick={() => setConfirming(false)} disabled={busy}>
              Keep my library
            </button>
            <button
              type="button"
              className="button button--danger"
              onClick={run}
              disabled={busy || !engine}
              data-testid="forget-confirm"
            >
              {busy ? 'Deleting…' : 'Delete everything'}
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          className="button button--danger"
          onClick={() => setConfirming(true)}
          data-testid="forget-everything"
        >
          Forget everything…
        </button>
      )}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
