// This site's storage: asks that the browser keep it (persistent storage) once the library holds something worth
// keeping, reports usage and quota, and warns before files are added that may not fit.
// The one place that calls navigator.storage.persist().
import { useCallback, useEffect, useState } from 'react';
import type { StorageStatus } from '../../../engine/api/index.ts';
import { useEngine } from '../../client/engine-context.ts';

export interface StorageState {
  status: StorageStatus | undefined;
  /** Whether to go on adding these files: true when they fit, else the user's answer to the warning. */
  roomFor: (files: File[]) => boolean;
}

let asked: Promise<boolean> | undefined;

export function useStorage(holdsDocuments: boolean): StorageState {
  const { engine, libraryRevision } = useEngine();
  const [status, setStatus] = useState<StorageStatus>();
  const refresh = useCallback(() => {
    engine?.storageStatus().then(setStatus, () => undefined);
  }, [engine]);
  useEffect(() => refresh(), [refresh, libraryRevision]);

  // Ask early (once per page); the answer shows in status.persisted.
  useEffect(() => {
    if (!holdsDocuments) return;
    asked ??= navigator.storage?.persist?.().catch(() => false) ?? Promise.resolve(false);
    void asked.then(() => refresh());
  }, [holdsDocuments, refresh]);

  const roomFor = useCallback(
    (files: File[]) => {
      const bytes = files.reduce((sum, f) => sum + f.size, 0);
      if (!mayNotFit(status, bytes)) return true;
      const left = status?.available ?? 0;
      return window.confirm(
        `These files (${(bytes / 1e6).toFixed(1)} MB) may not fit: the browser leaves this site about ${(left / 1e6).toFixed(1)} MB. Add them anyway?`,
      );
    },
    [status],
  );

  return { status, roomFor };
}

/** Whether `bytes` of new files may not fit (they take about twice their size once indexed); undefined when unknown. */
export function mayNotFit(status: StorageStatus | undefined, bytes: number): boolean {
  return status?.available !== undefined && bytes * 2 > status.available;
}
