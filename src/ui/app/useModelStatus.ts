// Keeps the model status current: pushed by the engine, and re-read after anything that may have changed it (a
// library change included: back-filled vectors change the count still waiting).
import { useCallback, useEffect, useState } from 'react';
import type { ModelStatus } from '../../engine/api/index.ts';
import { onModelStatus, type Engine } from '../client/engine-client.ts';

export function useModelStatus(
  engine: Engine | undefined,
  libraryRevision: number,
): {
  status: ModelStatus | undefined;
  refresh: () => void;
} {
  const [status, setStatus] = useState<ModelStatus>();

  const refresh = useCallback(() => {
    engine?.modelStatus().then(setStatus, () => undefined);
  }, [engine]);

  useEffect(() => {
    if (!engine) return;
    return onModelStatus(setStatus);
  }, [engine]);

  useEffect(() => {
    refresh();
  }, [refresh, libraryRevision]);

  return { status, refresh };
}
