// This site's storage: asks once that the browser keep it (persistent storage), and reports usage and quota.
// The one place that calls navigator.storage.persist().
import { useCallback, useEffect, useState } from 'react';
import type { StorageStatus } from '../../../engine/api/index.ts';
import type { Engine } from '../../client/engine-client.ts';

export interface StorageState {
  status: StorageStatus | undefined;
  refresh: () => void;
  /** Asks for persistent storage (once per page); the answer shows in status.persisted. */
  requestPersistence: () => void;
}

let asked: Promise<boolean> | undefined;

export function useStorage(engine: Engine | undefined): StorageState {
  const [status, setStatus] = useState<StorageStatus>();
  const refresh = useCallback(() => {
    engine?.storageStatus().then(setStatus, () => undefined);
  }, [engine]);
  useEffect(() => refresh(), [refresh]);
  const requestPersistence = useCallback(() => {
    asked ??= navigator.storage?.persist?.().catch(() => false) ?? Promise.resolve(false);
    void asked.then(() => refresh());
  }, [refresh]);
  return { status, refresh, requestPersistence };
}

/** Whether `bytes` of new files may not fit (they take about twice their size once indexed); undefined when unknown. */
export function mayNotFit(status: StorageStatus | undefined, bytes: number): boolean {
  return status?.available !== undefined && bytes * 2 > status.available;
}
