// A picture as the query: sent to the engine (bytes transferred), answered with similar pictures and the passages
// mentioning what OCR read in it. A newer picture replaces an unfinished one.
import * as Comlink from 'comlink';
import { useCallback, useRef, useState } from 'react';
import type { ImageQueryResponse, SearchFilter } from '../../../engine/api/index.ts';
import { useEngine } from '../../client/engine-context.ts';

export interface ImageQuery {
  fileName: string;
  pending: boolean;
  answer?: ImageQueryResponse;
  error?: string;
}

export function useImageQuery(filter: SearchFilter | undefined) {
  const { engine } = useEngine();
  const [query, setQuery] = useState<ImageQuery>();
  const latest = useRef(0);

  const run = useCallback(
    async (file: File) => {
      if (!engine) return;
      const ticket = ++latest.current;
      setQuery({ fileName: file.name, pending: true });
      try {
        const data = await file.arrayBuffer();
        const answer = await engine.searchByImage(Comlink.transfer(data, [data]), file.name, { filter });
        if (ticket === latest.current) setQuery({ fileName: file.name, pending: false, answer });
      } catch (reason) {
        const message = reason instanceof Error ? reason.message : String(reason);
        if (ticket === latest.current) setQuery({ fileName: file.name, pending: false, error: message });
      }
    },
    [engine, filter],
  );

  const clear = useCallback(() => {
    latest.current++;
    setQuery(undefined);
  }, []);

  return { query, run, clear };
}
