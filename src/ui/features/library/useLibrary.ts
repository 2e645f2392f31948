// The document list and counts, re-read whenever something may have changed them: the library (here or in another
// tab), the model becoming ready or dropping out, and back-filled vectors landing (the "embedded" column).
import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DocumentSummary, LibraryStats } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';

export interface Library {
  documents: DocumentSummary[] | undefined;
  stats: LibraryStats | undefined;
  error: string | undefined;
  /** Document id → title, for the documents that have one. */
  titles: Map<number, string>;
}

export function useLibrary(): Library {
  const { engine, libraryRevision, modelStatus } = useEngine();
  const [documents, setDocuments] = useState<DocumentSummary[]>();
  const [stats, setStats] = useState<LibraryStats>();
  const [error, setError] = useState<string>();
  // Only the newest refresh may write, so a slow early answer cannot overwrite a newer one.
  const generation = useRef(0);

  const refresh = useCallback(() => {
    if (!engine) return;
    const mine = ++generation.current;
    Promise.all([engine.listDocuments(), engine.stats()]).then(
      ([docs, counts]) => {
        if (mine !== generation.current) return;
        // A transition: rendering thousands of documents yields to what the user is waiting for (a search's
        // results, typing), instead of holding the page while the list and its filters are built.
        startTransition(() => {
          setDocuments([...docs].sort((a, b) => b.addedAt - a.addedAt));
          setStats(counts);
          setError(undefined);
        });
      },
      (reason: unknown) => {
        if (mine === generation.current) setError(errorMessage(reason));
      },
    );
  }, [engine]);

  // Only a model that became ready or dropped out changes what the list shows; starting to load does not.
  const modelState = modelStatus?.state === 'loading' ? 'idle' : modelStatus?.state;
  const backfilled = modelStatus?.pendingVectors === 0;
  useEffect(() => {
    refresh();
  }, [refresh, libraryRevision, modelState, backfilled]);

  const titles = useMemo(
    () => new Map((documents ?? []).flatMap((d) => (d.title ? [[d.id, d.title] as [number, string]] : []))),
    [documents],
  );

  return { documents, stats, error, titles };
}
