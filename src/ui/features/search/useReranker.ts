// The reranker's status for the page: asking for it starts loading and calibrating it in the worker; polled until
// it settles, so the rerank switch can default to what the calibration found on this device.
import { useEffect, useState } from 'react';
import type { RerankerStatus } from '../../../engine/api/index.ts';
import type { Engine } from '../../client/engine-client.ts';

const POLL_MS = 1_000;

export function useReranker(engine: Engine | undefined, revision: unknown): RerankerStatus | undefined {
  const [status, setStatus] = useState<RerankerStatus>();
  useEffect(() => {
    if (!engine) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      engine.rerankerStatus().then(
        (next) => {
          if (stopped) return;
          setStatus(next);
          if (next.state === 'loading' || next.state === 'idle') timer = setTimeout(poll, POLL_MS);
        },
        () => undefined,
      );
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [engine, revision]);
  return status;
}
