// The library health report on demand: each red flag with its status, the explanation, and a one-click fix where
// the engine has one.
import { useState } from 'react';
import type { HealthReport } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine, useStartedEngine } from '../../client/engine-context.ts';

const STATUS_LABEL = { ok: 'OK', warning: 'Found', impossible: 'Cannot happen', unknown: 'Not checked' } as const;

export function HealthPanel() {
  const engine = useStartedEngine();
  const { libraryChanged } = useEngine();
  const [report, setReport] = useState<HealthReport>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const run = async (action?: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      if (action) {
        await action();
        libraryChanged();
      }
      setReport(await engine.health());
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="health" data-testid="health-panel">
      <summary>Library health</summary>
      <button type="button" className="button" disabled={busy} data-testid="health-run" onClick={() => void run()}>
        {busy ? 'Checking…' : report ? 'Check again' : 'Check the library'}
      </button>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {report && (
        <ul className="health__list">
          {report.checks.map((check) => (
            <li
              key={check.id}
              className={`health__check health__check--${check.status}`}
              data-testid="health-check"
              data-id={check.id}
              data-status={check.status}
            >
              <strong>{check.title}</strong> <span className="health__status">{STATUS_LABEL[check.status]}</span>
              <p>{check.detail}</p>
              {check.fix && (
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() => void run(() => engine.fixHealth(check.fix!.id))}
                >
                  {check.fix.label}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
