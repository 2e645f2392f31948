// The document list and counts, re-read whenever something may have changed them.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DocumentSummary, LibraryStats } from '../../../engine/api/index.ts';
import { errorMessage, type Engine } from '../../client/engine-client.ts';

export interface Library {
  documents: DocumentSummary[] | undefined;
  stats: LibraryStats | undefined;
  error: string | undefined;
  refresh: () => void;
}

export function useLibrary(engine: Engine | undefined): Library {
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
        setDocuments([...docs].sort((a, b) => b.addedAt - a.addedAt));
        setStats(counts);
        setError(undefined);
      },
      (reason: unknown) => {
        if (mine === generation.current) setError(errorMessage(reason));
      },
    );
  }, [engine]);

  useEffect(() => {
    refresh();
  }, [refresh]);

  return { documents, stats, error, refresh };
}
