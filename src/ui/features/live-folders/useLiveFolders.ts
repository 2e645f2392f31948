// The folders kept in sync and their scans: on open, on "Scan now", every few minutes while the page is visible,
// and when it becomes visible again. A folder the browser wants permission for again (after a restart) waits for
// the user's click; one that is gone or unreadable is shown as such, its documents kept. Two tabs never scan the
// same folder at once (a Web Lock per folder; the engine also refuses a second scan of a folder). With the library
// lock on, records are sealed by the engine and no handle is stored (folder-store.ts): after a reload the user
// chooses each folder again.
import * as Comlink from 'comlink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FolderSyncProgress } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { progressUntilSettled } from '../../client/settled-progress.ts';
import { useEngine } from '../../client/engine-context.ts';
import { pickFolder, readPermission, type Permission } from './directory-access.ts';
import { directorySource } from './directory-source.ts';
import { fileListSource, type ChosenFile } from './file-list-source.ts';
import {
  countsOf,
  readFolders,
  removeFolder,
  saveFolder,
  type LiveFolder,
  type RecordSealer,
  type ScanCounts,
} from './folder-store.ts';

/** How often a visible page rescans its folders. */
export const RESCAN_INTERVAL_MS = 5 * 60 * 1000;
/** Quiet time after a change notification before the scan (a save or a copy is often several changes). */
const CHANGE_SETTLE_MS = 2000;
/** A scan's progress reaches its row at most this often (a scan reports every file). */
const PROGRESS_INTERVAL_MS = 250;
/** While a scan adds files, the library list is refreshed at most this often, so they appear as they come. */
const LIBRARY_REFRESH_MS = 2000;

/** Chromium's change notifications for a folder, where they exist. */
interface FolderObserver {
  observe(handle: unknown, options: { recursive: boolean }): Promise<void>;
  disconnect(): void;
}
type FolderObserverClass = new (callback: () => void) => FolderObserver;

export interface FolderRow extends LiveFolder {
  permission: Permission | 'unknown';
  scanning: boolean;
  /** How far the running scan is. */
  progress?: FolderSyncProgress;
}

export interface LiveFolders {
  rows: FolderRow[];
  error: string | undefined;
  add: (collection: string) => Promise<void>;
  scan: (id: string) => Promise<void>;
  allow: (id: string) => Promise<void>;
  /** The folder chosen again, for a row without a handle (a library with the lock on keeps none). */
  choose: (id: string) => Promise<void>;
  stop: (id: string) => Promise<void>;
  /** Without the folder picker: a folder chosen with a file input, compared and applied once (deletions kept). */
  syncOnce: (files: readonly ChosenFile[], collection: string) => Promise<void>;
  once: { busy: boolean; name?: string; counts?: ScanCounts } | undefined;
}

export function useLiveFolders(): LiveFolders {
  const { engine, lock, libraryChanged } = useEngine();
  const [rows, setRows] = useState<FolderRow[]>([]);
  const [error, setError] = useState<string>();
  const [once, setOnce] = useState<LiveFolders['once']>();
  const current = useRef<FolderRow[]>([]);
  /** Folders that changed while being scanned: scanned again once that scan ends. */
  const again = useRef(new Set<string>());
  /** Scans running in this page, by folder: what stops them (Stop syncing), and their end, record saved. */
  const running = useRef(new Map<string, { scanId: string; listing: AbortController; done: Promise<unknown> }>());
  const open = !!engine && (lock === 'plain' || lock === 'unlocked');
  const sealer = useMemo<RecordSealer | undefined>(
    () =>
      engine && {
        seal: (id, record) => engine.sealFolderRecord(id, record),
        open: (id, sealed) => engine.openFolderRecord(id, sealed),
      },
    [engine],
  );

  const update = useCallback((id: string, patch: Partial<FolderRow>) => {
    current.current = current.current.map((row) => (row.id === id ? { ...row, ...patch } : row));
    setRows(current.current);
  }, []);

  /** One scan of a folder: its permission, the engine's sync under a Web Lock, the row and its record updated. */
  const scanOnce = useCallback(
    async (row: FolderRow): Promise<boolean> => {
      const { handle } = row;
      if (!engine || !sealer || !handle) return false;
      const scan = { scanId: crypto.randomUUID(), listing: new AbortController() };
      let finish = () => {};
      running.current.set(row.id, { ...scan, done: new Promise<void>((resolve) => (finish = resolve)) });
      try {
        // Marked before the first await, so a second call meanwhile waits for this scan instead of racing it.
        update(row.id, { scanning: true });
        const permission = await readPermission(handle, false).catch(() => 'denied' as const);
        if (permission !== 'granted') {
          update(row.id, { permission, scanning: false, progress: undefined });
          return false;
        }
        update(row.id, { permission });
        let shown = 0;
        let refreshed = Date.now();
        let appliedBefore = 0;
        const onProgress = (progress: FolderSyncProgress) => {
          const now = Date.now();
          if (progress.phase === 'applying' && progress.done > appliedBefore && now - refreshed >= LIBRARY_REFRESH_MS) {
            appliedBefore = progress.done;
            refreshed = now;
            libraryChanged();
          }
          const latest = current.current.find((r) => r.id === row.id);
          const phaseChanged = latest?.progress?.phase !== progress.phase;
          if (!latest || (!phaseChanged && now - shown < PROGRESS_INTERVAL_MS)) return;
          shown = now;
          update(row.id, { progress });
        };
        const scanned = async (): Promise<Partial<LiveFolder>> => {
          // Stopped before the engine was asked: nothing to stop there.
          if (scan.listing.signal.aborted) return {};
          // A report arriving after the summary must not put the finished row back to scanning (settled-progress.ts).
          const reports = progressUntilSettled(onProgress);
          try {
            const summary = await engine
              .syncFolder(
                Comlink.proxy(directorySource(handle, scan.listing.signal)),
                { root: row.name, collection: row.collection, scanId: scan.scanId },
                Comlink.proxy(reports.onProgress),
              )
              .finally(reports.settle);
            const counts = countsOf(summary);
            if (counts.added + counts.changed + counts.moved + counts.removed > 0) libraryChanged();
            return {
              lastScan: Date.now(),
              counts,
              errors: summary.failed.slice(0, 20).map((f) => `${f.path}: ${f.error.message}`),
              problem: undefined,
            };
          } catch (reason) {
            return { lastScan: Date.now(), problem: errorMessage(reason) };
          }
        };
        const locks = (navigator as { locks?: LockManager }).locks;
        const patch = locks
          ? await locks.request(`trove-live-folder:${row.id}`, { ifAvailable: true }, (held) =>
              held ? scanned() : Promise.resolve({}),
            )
          : await scanned();
        const latest = current.current.find((r) => r.id === row.id);
        if (!latest) return false; // stopped meanwhile
        const { permission: _p, scanning: _s, progress: _g, ...stored } = { ...latest, ...patch };
        update(row.id, { ...patch, scanning: false, progress: undefined });
        await saveFolder(stored, sealer).catch((reason: unknown) => setError(errorMessage(reason)));
        return true;
      } finally {
        running.current.delete(row.id);
        finish();
      }
    },
    [engine, sealer, libraryChanged, update],
  );

  const scanRow = useCallback(
    async (row: FolderRow) => {
      const state = current.current.find((r) => r.id === row.id);
      if (!state) return;
      if (state.scanning) {
        again.current.add(row.id);
        return;
      }
      while ((await scanOnce(row)) && again.current.delete(row.id));
    },
    [scanOnce],
  );

  const scanAll = useCallback(
    async (olderThan = 0) => {
      for (const row of current.current) {
        if (Date.now() - (row.lastScan ?? 0) >= olderThan) await scanRow(row);
      }
    },
    [scanRow],
  );

  // On open (and unlock): the stored folders, their permission, and a scan of those that may be read.
  useEffect(() => {
    if (!open || !sealer) return;
    let cancelled = false;
    void (async () => {
      try {
        const { folders, unreadable } = await readFolders(sealer);
        const withPermission = await Promise.all(
          folders.map(async (folder) => ({
            ...folder,
            permission: folder.handle
              ? await readPermission(folder.handle, false).catch(() => 'denied' as const)
              : ('unknown' as const),
            scanning: false,
          })),
        );
        if (cancelled) return;
        current.current = withPermission;
        setRows(withPermission);
        if (unreadable > 0) {
          setError(
            `${unreadable === 1 ? 'A live folder’s record' : `${unreadable} live folders’ records`} could not be opened ` +
              '(changed on disk, or sealed with another key). They are kept; the documents are not affected.',
          );
        }
        await scanAll();
      } catch (reason) {
        if (!cancelled) setError(errorMessage(reason));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [open, sealer, scanAll]);

  // Every few minutes while visible, and on coming back to a page that was hidden longer than that.
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void scanAll();
    }, RESCAN_INTERVAL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void scanAll(RESCAN_INTERVAL_MS);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [open, scanAll]);

  // Change notifications (FileSystemObserver, where the browser has it): a scan once the folder is quiet.
  const watched = rows
    .filter((row) => row.permission === 'granted')
    .map((row) => row.id)
    .join(' ');
  useEffect(() => {
    const Observer = (globalThis as { FileSystemObserver?: FolderObserverClass }).FileSystemObserver;
    if (!open || !Observer || !watched) return;
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const observers = current.current.flatMap((row) => {
      const { handle } = row;
      if (row.permission !== 'granted' || !handle) return [];
      const observer = new Observer(() => {
        clearTimeout(timers.get(row.id));
        timers.set(
          row.id,
          setTimeout(() => {
            const latest = current.current.find((r) => r.id === row.id);
            if (latest) void scanRow(latest);
          }, CHANGE_SETTLE_MS),
        );
      });
      observer.observe(handle, { recursive: true }).catch(() => undefined);
      return [observer];
    });
    return () => {
      for (const observer of observers) observer.disconnect();
      for (const timer of timers.values()) clearTimeout(timer);
    };
  }, [open, watched, scanRow]);

  const add = useCallback(
    async (collection: string) => {
      setError(undefined);
      if (!sealer) return;
      try {
        const handle = await pickFolder();
        if (!handle) return;
        if (current.current.some((row) => row.name === handle.name && row.collection === collection)) {
          setError(`A folder named “${handle.name}” is kept in sync already.`);
          return;
        }
        const folder: LiveFolder = {
          id: crypto.randomUUID(),
          name: handle.name,
          handle,
          collection,
          addedAt: Date.now(),
        };
        await saveFolder(folder, sealer);
        const row: FolderRow = { ...folder, permission: 'granted', scanning: false };
        current.current = [...current.current, row];
        setRows(current.current);
        await scanRow(row);
      } catch (reason) {
        setError(errorMessage(reason));
      }
    },
    [sealer, scanRow],
  );

  const scan = useCallback(
    async (id: string) => {
      const row = current.current.find((r) => r.id === id);
      if (row) await scanRow(row);
    },
    [scanRow],
  );

  // Runs from the click: the browser shows its permission prompt only during a user gesture.
  const allow = useCallback(
    async (id: string) => {
      const row = current.current.find((r) => r.id === id);
      if (!row?.handle) return;
      const permission = await readPermission(row.handle, true).catch(() => 'denied' as const);
      update(id, { permission });
      if (permission === 'granted') await scanRow({ ...row, permission });
    },
    [scanRow, update],
  );

  // Runs from the click: the picker opens only during a user gesture.
  const choose = useCallback(
    async (id: string) => {
      setError(undefined);
      const row = current.current.find((r) => r.id === id);
      if (!row) return;
      try {
        const handle = await pickFolder();
        if (!handle) return;
        if (handle.name !== row.name) {
          setError(`That folder is “${handle.name}”; this row keeps “${row.name}” in sync. Choose “${row.name}”.`);
          return;
        }
        update(id, { handle, permission: 'granted' });
        const latest = current.current.find((r) => r.id === id);
        if (latest) await scanRow(latest);
      } catch (reason) {
        setError(errorMessage(reason));
      }
    },
    [scanRow, update],
  );

  // The row and its record go first (a page closed right after still forgets the folder), and a scan ending
  // meanwhile does not save the record again; a running scan is stopped (the engine cancels the files it is adding:
  // those added stay, none is left half-written), and once it has ended the record is removed again, in case its
  // save was already under way.
  const stop = useCallback(
    async (id: string) => {
      current.current = current.current.filter((row) => row.id !== id);
      setRows(current.current);
      again.current.delete(id);
      const remove = () => removeFolder(id).catch((reason: unknown) => setError(errorMessage(reason)));
      await remove();
      const scan = running.current.get(id);
      if (!scan) return;
      await engine?.stopFolderSync(scan.scanId).catch(() => undefined);
      scan.listing.abort();
      await scan.done;
      await remove();
    },
    [engine],
  );

  const syncOnce = useCallback(
    async (files: readonly ChosenFile[], collection: string) => {
      if (!engine) return;
      setError(undefined);
      const { root, source } = fileListSource(files);
      if (!root) {
        setError('That folder holds no files Trove can read.');
        return;
      }
      setOnce({ busy: true, name: root });
      try {
        // Kept, not removed: a folder chosen once may be another folder of the same name.
        const summary = await engine.syncFolder(Comlink.proxy(source), { root, collection, keepDeleted: true });
        setOnce({ busy: false, name: root, counts: countsOf(summary) });
        libraryChanged();
      } catch (reason) {
        setOnce(undefined);
        setError(errorMessage(reason));
      }
    },
    [engine, libraryChanged],
  );

  return { rows, error, add, scan, allow, choose, stop, syncOnce, once };
}
