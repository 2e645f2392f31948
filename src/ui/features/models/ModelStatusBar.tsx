// What the semantic model is doing: which model, from where, on which device; loading progress; or why
// it is unavailable, with a retry. Keyword search never depends on it, and the text says so.
import { useState } from 'react';
import type { ModelStatus } from '../../../engine/api/index.ts';
import { useEngine } from '../../client/engine-context.ts';
import { asClause, deviceName, plural, sourceName, sourcePhrase } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { ReembedProgress } from './ReembedProgress.tsx';
import { DtypeChangePrompt } from './DtypeChangePrompt.tsx';
import { deviceSpeedSummary, vectorPaceText } from './vector-pace.ts';
import './device-trust.css';

export function ModelStatusBar() {
  const { engine, modelStatus: status, startError, refreshModel } = useEngine();
  const [retrying, setRetrying] = useState(false);
  const state = startError ? 'error' : (status?.state ?? 'starting');
  const change = !startError && status?.state === 'ready' ? status.dtypeChange : undefined;
  // Passages without vectors from the current model.
  const pendingVectors = status?.pendingVectors ?? 0;
  // How fast they are being added in the background, measured from the model's own calls.
  const pace = vectorPaceText(status?.vectorProgress);

  const onRetry = async () => {
    if (!engine) return;
    await engine.loadModel().catch(() => undefined); // the status bar shows the outcome
    refreshModel();
  };
  const retry = () => {
    setRetrying(true);
    void onRetry().finally(() => setRetrying(false));
  };
  // Re-embed with the new dtype, or keep the stored vectors' dtype.
  const onDtypeChange = async (accept: boolean) => {
    if (!engine) return;
    await engine.confirmDtypeChange(accept);
    refreshModel();
  };

  return (
    <section
      className={`model-status model-status--${state}${change ? ' model-status--asking' : ''}`}
      role="status"
      data-testid="model-status"
      data-state={state}
      data-device={state === 'ready' ? status?.device : undefined}
      aria-label="Semantic model"
    >
      <span className="model-status__dot" aria-hidden="true" />
      <div className="model-status__body">
        {startError ? (
          <p className="model-status__message">
            Trove could not start: {asClause(startError)}. Try reloading the page.
          </p>
        ) : !status ? (
          <span>Starting the search engine…</span>
        ) : (
          <StatusText status={status} retrying={retrying} onRetry={retry} />
        )}
        {status?.previousModelId && <ReembedProgress status={status} />}
        {pendingVectors > 0 && !status?.previousModelId && (
          <span className="model-status__pending" data-testid="pending-vectors">
            {plural(pendingVectors, 'passage')} waiting for vectors
            {pace && <span data-testid="vector-pace"> · {pace}</span>}
          </span>
        )}
        {change && <DtypeChangePrompt change={change} onAnswer={onDtypeChange} />}
      </div>
    </section>
  );
}

function StatusText({ status, retrying, onRetry }: { status: ModelStatus; retrying: boolean; onRetry: () => void }) {
  switch (status.state) {
    case 'ready': {
      const details = [
        sourceName(status.source),
        deviceName(status.device),
        status.dtype,
        status.threads !== undefined ? `${status.threads} thread${status.threads === 1 ? '' : 's'}` : undefined,
        status.dims ? `${status.dims} dims` : undefined,
      ].filter(Boolean);
      const speed = status.deviceSpeed ? deviceSpeedSummary(status.deviceSpeed, status.device) : undefined;
      return (
        <span className="model-status__line">
          <strong className="model-status__model">{status.modelId}</strong>
          {details.map((detail) => (
            <span key={detail} className="chip">
              {detail}
            </span>
          ))}
          {speed && (
            <span className="chip" data-testid="device-speed" title={speed.title}>
              {speed.chip}
            </span>
          )}
          {status.deviceCheck?.passed && (
            <span
              className="chip model-status__check"
              data-testid="device-check"
              title={`${status.deviceCheck.sentences} test sentences embedded on WebGPU and on WASM agree (lowest cosine ${status.deviceCheck.minCosine.toFixed(4)})`}
            >
              WebGPU verified
            </span>
          )}
          {status.deviceNote && (
            <span className="model-status__note" data-testid="device-note">
              {status.deviceNote}
            </span>
          )}
        </span>
      );
    }
    case 'loading':
      return (
        <span className="model-status__line model-status__line--loading">
          <span>
            Loading <strong className="model-status__model">{status.modelId}</strong> from {sourcePhrase(status.source)}
            {status.progress !== undefined && <span aria-hidden="true"> · {Math.round(status.progress * 100)}%</span>}
          </span>
          <ProgressBar value={status.progress} label="Model download" />
        </span>
      );
    case 'unavailable':
      return (
        <span className="model-status__line model-status__line--problem">
          <span className="model-status__message">
            The semantic model could not be loaded: {asClause(status.error ?? 'unknown reason')}. Keyword search and
            your library still work.
          </span>
          <button type="button" className="button button--small" onClick={onRetry} disabled={retrying}>
            {retrying ? 'Retrying…' : 'Retry'}
          </button>
        </span>
      );
    case 'idle':
    default:
      return (
        <span className="model-status__line">
          <strong className="model-status__model">{status.modelId}</strong>
          <span className="chip">not loaded yet</span>
        </span>
      );
  }
}
