// The collections, and the one new files go into (remembered across reloads; for an encrypted library only in
// memory, and the list is dropped on lock: names are sealed there).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CollectionSummary } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';

const TARGET_KEY = 'trove:target-collection';

export interface Collections {
  list: CollectionSummary[];
  /** Where new files go. */
  target: string;
  setTarget: (id: string) => void;
  /** Collection id → name. */
  names: Map<string, string>;
  error: string | undefined;
  create: (name: string) => Promise<CollectionSummary | undefined>;
  rename: (id: string, name: string) => Promise<void>;
  remove: (id: string) => Promise<void>;
}

export function useCollections(): Collections {
  const { engine, libraryRevision, libraryChanged, lock } = useEngine();
  const encrypted = lock !== undefined && lock !== 'plain';
  const [list, setList] = useState<CollectionSummary[]>([]);
  const [target, setTargetState] = useState<string>(() => readTarget());
  const [error, setError] = useState<string>();
  const generation = useRef(0);

  const refresh = useCallback(() => {
    if (!engine) return;
    const mine = ++generation.current;
    engine.listCollections().then(
      (collections) => {
        if (mine === generation.current) setList(collections);
      },
      (reason: unknown) => setError(errorMessage(reason)),
    );
  }, [engine]);
  useEffect(() => refresh(), [refresh, libraryRevision]);

  const setTarget = useCallback(
    (id: string) => {
      setTargetState(id);
      try {
        if (!encrypted) localStorage.setItem(TARGET_KEY, id);
      } catch {
        /* not remembered */
      }
    },
    [encrypted],
  );
  // Locking drops the names from memory (an answer still on its way is dropped too).
  const [seenLock, setSeenLock] = useState(lock);
  if (lock !== seenLock) {
    setSeenLock(lock);
    if (lock === 'locked') setList([]);
  }
  useEffect(() => {
    if (lock === 'locked') generation.current++;
  }, [lock]);
  useEffect(() => {
    if (!encrypted) return;
    try {
      localStorage.removeItem(TARGET_KEY);
    } catch {
      /* nothing was remembered */
    }
  }, [encrypted]);

  // A target that no longer exists (deleted here or in another tab) falls back to the default collection.
  const effectiveTarget = list.length === 0 || list.some((c) => c.id === target) ? target : list[0].id;

  const run = useCallback(
    async <T>(work: () => Promise<T>): Promise<T | undefined> => {
      setError(undefined);
      try {
        return await work();
      } catch (reason) {
        setError(errorMessage(reason));
        return undefined;
      } finally {
        refresh();
        libraryChanged();
      }
    },
    [refresh, libraryChanged],
  );

  const create = useCallback((name: string) => run(() => engine!.createCollection(name)), [engine, run]);
  const rename = useCallback(
    async (id: string, name: string) => void (await run(() => engine!.renameCollection(id, name))),
    [engine, run],
  );
  const remove = useCallback(async (id: string) => void (await run(() => engine!.deleteCollection(id))), [engine, run]);

  const names = useMemo(() => new Map(list.map((c) => [c.id, c.name])), [list]);

  return { list, target: effectiveTarget, setTarget, names, error, create, rename, remove };
}

function readTarget(): string {
  try {
    return localStorage.getItem(TARGET_KEY) ?? 'library';
  } catch {
    return 'library';
  }
}
