// Settings → Library lock: turn encryption on (empty library only, with the warning that a lost passphrase is a
// lost library), or change the passphrase. Actions, not draft settings: each applies at once.
import { useState } from 'react';
import type { LockState } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';

const MIN_LENGTH = 8; // the engine's MIN_PASSPHRASE_LENGTH

export function LockSettings({ documentCount }: { documentCount: number }) {
  const { engine, lock, setLock, libraryChanged } = useEngine();
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [old, setOld] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [busy, setBusy] = useState(false);

  const act = (action: () => Promise<void>, done: string, next: LockState) => {
    setBusy(true);
    setMessage(undefined);
    action()
      .then(
        () => {
          setFirst('');
          setSecond('');
          setOld('');
          setMessage({ kind: 'ok', text: done });
          setLock(next);
          libraryChanged();
        },
        (reason: unknown) => setMessage({ kind: 'error', text: errorMessage(reason) }),
      )
      .finally(() => setBusy(false));
  };
  const mismatch = second.length > 0 && first !== second;
  const short = first.length > 0 && first.length < MIN_LENGTH;

  return (
    <fieldset className="settings__group" data-testid="settings-lock">
      <legend>Library lock (encryption at rest)</legend>
      {lock === 'plain' || lock === undefined ? (
        <>
          <p className="field__hint">
            Encrypts documents, passages, vectors and indexes with a key made from a passphrase. While locked, Trove
            shows and answers nothing until the passphrase is entered.
          </p>
          {documentCount > 0 ? (
            <p className="field__hint" data-testid="lock-needs-empty">
              The lock can only be turned on for an empty library ({documentCount} document
              {documentCount === 1 ? '' : 's'} now): use Forget everything (Privacy), turn the lock on, then add the
              files again.
            </p>
          ) : (
            <>
              <p className="alert" role="note" data-testid="lock-warning">
                There is no way to recover a lost passphrase: if you lose it, you lose the library.
              </p>
              <div className="field-row">
                <label className="field">
                  <span className="field__label">Passphrase</span>
                  <input
                    type="password"
                    autoComplete="new-password"
                    value={first}
                    onChange={(e) => setFirst(e.target.value)}
                    data-testid="lock-passphrase"
                  />
                </label>
                <label className="field">
                  <span className="field__label">Again</span>
                  <input
                    type="password"
                    autoComplete="new-password"
                    value={second}
                    onChange={(e) => setSecond(e.target.value)}
                    data-testid="lock-passphrase-again"
                  />
                </label>
              </div>
              {short && <p className="field__hint">At least {MIN_LENGTH} characters.</p>}
              {mismatch && <p className="field__hint">The two passphrases differ.</p>}
              <label className="check">
                <input
                  type="checkbox"
                  checked={understood}
                  onChange={(e) => setUnderstood(e.target.checked)}
                  data-testid="lock-understood"
                />
                <span>I understand that losing the passphrase loses the library.</span>
              </label>
              <button
                type="button"
                className="button"
                disabled={busy || !engine || !understood || short || first !== second || !first}
                onClick={() => act(() => engine!.enableEncryption(first), 'The library lock is on.', 'unlocked')}
                data-testid="lock-enable"
              >
                {busy ? 'Turning on…' : 'Turn the lock on'}
              </button>
            </>
          )}
        </>
      ) : (
        <>
          <p className="field__hint">The lock is on. Use the Lock button in the header to lock the library now.</p>
          <div className="field-row">
            <label className="field">
              <span className="field__label">Current passphrase</span>
              <input
                type="password"
                autoComplete="current-password"
                value={old}
                onChange={(e) => setOld(e.target.value)}
                data-testid="change-old"
              />
            </label>
            <label className="field">
              <span className="field__label">New passphrase</span>
              <input
                type="password"
                autoComplete="new-password"
                value={first}
                onChange={(e) => setFirst(e.target.value)}
                data-testid="change-new"
              />
            </label>
          </div>
          {short && <p className="field__hint">At least {MIN_LENGTH} characters.</p>}
          <button
            type="button"
            className="button"
            disabled={busy || !engine || !old || !first || short}
            onClick={() => act(() => engine!.changePassphrase(old, first), 'The passphrase was changed.', 'unlocked')}
            data-testid="change-passphrase"
          >
            Change passphrase
          </button>
        </>
      )}
      {message && (
        <p
          className={message.kind === 'error' ? 'alert' : 'hint'}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="lock-message"
        >
          {message.text}
        </p>
      )}
    </fieldset>
  );
}
