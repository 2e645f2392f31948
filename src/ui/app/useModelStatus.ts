// Keeps the model status current: pushed by the engine, and re-read after anything that changes it.
import { useCallback, useEffect, useState } from 'react';
import type { ModelStatus } from '../../engine/api/index.ts';
import { onModelStatus, type Engine } from '../client/engine-client.ts';

export function useModelStatus(engine: Engine | undefined): {
  status: ModelStatus | undefined;
  refresh: () => void;
} {
  const [status, setStatus] = useState<ModelStatus>();

  const refresh = useCallback(() => {
    engine?.modelStatus().then(setStatus, () => undefined);
  }, [engine]);

  useEffect(() => {
    if (!engine) return;
    const unsubscribe = onModelStatus(setStatus);
    refresh();
    return unsubscribe;
  }, [engine, refresh]);

  return { status, refresh };
}
