// Shown instead of the library while it is locked: the passphrase opens it; nothing else is shown or answered.
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine, useStartedEngine } from '../../client/engine-context.ts';
import { ForgetEverything } from './ForgetEverything.tsx';
import './privacy.css';

export function LockScreen() {
  const engine = useStartedEngine();
  const { setLock, libraryChanged } = useEngine();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    engine
      .unlock(passphrase)
      .then(
        () => {
          setPassphrase('');
          setLock('unlocked');
          libraryChanged();
        },
        (reason: unknown) => setError(errorMessage(reason)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="lock-screen" aria-labelledby="lock-title" data-testid="lock-screen">
      <h2 id="lock-title">This library is locked</h2>
      <p className="hint">Its documents, passages and vectors are encrypted. Enter the passphrase to open it.</p>
      <form onSubmit={submit} className="lock-screen__form">
        <label className="field">
          <span className="field__label">Passphrase</span>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            data-testid="unlock-passphrase"
            autoFocus
          />
        </label>
        <button
          type="submit"
          className="button button--primary"
          disabled={busy || !passphrase}
          data-testid="unlock-submit"
        >
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
      {error && (
        <p className="alert" role="alert" data-testid="unlock-error">
          {error}
        </p>
      )}
      <p className="hint">
        Lost the passphrase? It cannot be recovered, and neither can the library.{' '}
        <button type="button" className="link-button" onClick={() => setForgot((f) => !f)}>
          Start over with an empty library…
        </button>
      </p>
      {forgot && <ForgetEverything />}
    </section>
  );
}
