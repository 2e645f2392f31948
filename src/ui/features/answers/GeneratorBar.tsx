// The answer model's state in the panel: its name and download size before anything is fetched, download progress
// with Cancel, ready (on which device), or why it failed to load with Retry.
import { deviceName, formatBytes } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import type { GeneratorView } from './useGenerator.ts';

interface Props {
  view: GeneratorView;
  label: string;
  sizeBytes: number | undefined;
  downloadsAllowed: boolean;
  /** The Ollama server that answers instead of a downloaded model. */
  server?: string;
  onLoad: () => void;
  onRetry: () => void;
  onCancel: () => void;
}

export function GeneratorBar({ view, label, sizeBytes, downloadsAllowed, server, onLoad, onRetry, onCancel }: Props) {
  const size = sizeBytes !== undefined ? formatBytes(sizeBytes) : 'size unknown';
  return (
    <div className="answers__model" data-testid="generator-status" data-state={view.state}>
      {view.state === 'checking' && <span className="hint">Checking the answer model…</span>}
      {view.state === 'not-downloaded' &&
        (server ? (
          <>
            <span className="hint">
              Answers come from {label} at {server}.
            </span>
            <button
              type="button"
              className="button button--small button--primary"
              onClick={onLoad}
              data-testid="generator-download"
            >
              Connect
            </button>
          </>
        ) : downloadsAllowed ? (
          <>
            <span className="hint">
              Answers use {label} ({size}), downloaded once into this browser and then used offline.
            </span>
            <button
              type="button"
              className="button button--small button--primary"
              onClick={onLoad}
              data-testid="generator-download"
            >
              Download {size}
            </button>
          </>
        ) : (
          <span className="hint" data-testid="generator-downloads-off">
            Answers need {label} ({size}). Model downloads are off (Settings), and this site does not serve it.
          </span>
        ))}
      {view.state === 'downloading' && (
        <>
          <ProgressBar
            value={view.total > 0 ? view.loaded / view.total : undefined}
            label={`Loading the answer model ${label}`}
          />
          <span className="hint" aria-live="polite">
            Loading {label}
            {view.total > 0 ? `: ${formatBytes(view.loaded)} of ${formatBytes(view.total)}` : '…'}
          </span>
          <button type="button" className="button button--small" onClick={onCancel} data-testid="generator-cancel">
            Cancel
          </button>
        </>
      )}
      {view.state === 'ready' && (
        <span className="hint" data-testid="generator-ready">
          {'server' in view ? (
            <>
              {view.model} on your Ollama server at {view.server}: your question and the passages are sent there
            </>
          ) : (
            <>
              {label} · {deviceName(view.device) ?? view.device} · {view.dtype}
              {view.note ? ` (${view.note})` : ''}
            </>
          )}
        </span>
      )}
      {view.state === 'failed' && (
        <div className="alert" role="alert" data-testid="generator-error">
          <p>The answer model could not be loaded: {view.message}</p>
          <button type="button" className="button button--small" onClick={onRetry} data-testid="generator-retry">
            Retry
          </button>
        </div>
      )}
    </div>
  );
}
