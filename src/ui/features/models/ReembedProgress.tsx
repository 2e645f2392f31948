// A model switch in progress: how much of the library has vectors from the new model, about how long is left,
// and which model answers semantic searches meanwhile. Shown in the model status while the re-embed runs.
import { useEffect, useRef, useState } from 'react';
import type { ModelStatus } from '../../../engine/api/index.ts';
import { plural } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import './reembed.css';
import { addSample, formatEta, reembedEtaSeconds, type PendingSample } from './reembed-eta.ts';

export function ReembedProgress({ status }: { status: ModelStatus }) {
  const samples = useRef<PendingSample[]>([]);
  const [eta, setEta] = useState<number>();
  const { previousModelId, reembedTotal, pendingVectors, modelId, state } = status;
  // Until the new model has opened its (empty) set, pending counts the old set: treat the whole library as to do.
  const opened = state === 'ready';
  const total = reembedTotal ?? pendingVectors;
  const pending = opened ? Math.min(pendingVectors, total) : total;

  useEffect(() => {
    if (!previousModelId) {
      samples.current = [];
      return;
    }
    samples.current = addSample(samples.current, { at: performance.now(), pending });
    setEta(reembedEtaSeconds(samples.current));
  }, [previousModelId, pending]);

  // The estimate counts down between batches (a slow model may take seconds per batch).
  useEffect(() => {
    if (!previousModelId) return;
    const timer = setInterval(() => setEta(reembedEtaSeconds(samples.current, performance.now())), 5_000);
    return () => clearInterval(timer);
  }, [previousModelId]);

  if (!previousModelId) return null;
  const done = Math.max(0, total - pending);
  return (
    <div className="reembed" data-testid="reembed-progress" data-done={done} data-total={total}>
      <span className="reembed__line">
        {opened ? (
          <>
            Re-embedding for <strong>{modelId}</strong>: {done.toLocaleString()} of {plural(total, 'passage')}
            {' · '}
            <span data-testid="reembed-eta">{formatEta(eta)}</span>
          </>
        ) : (
          <>
            Preparing to re-embed {plural(total, 'passage')} for <strong>{modelId}</strong>
          </>
        )}
      </span>
      <span className="reembed__hint">
        Semantic search uses <strong>{previousModelId}</strong> until every passage has new vectors, then switches at
        once.
      </span>
      <ProgressBar value={total > 0 ? done / total : undefined} label={`Re-embedding for ${modelId}`} />
    </div>
  );
}
