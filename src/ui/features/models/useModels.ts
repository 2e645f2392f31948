// The Models view's state: the engine's overview (registry and custom models, cache state, storage used) and the
// downloads in flight with their bytes, each cancellable. The worker does all fetching; this only asks and listens.
import * as Comlink from 'comlink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CustomModelCheck, DownloadProgress, ModelKind, ModelsOverview } from '../../../engine/api/index.ts';
import { errorMessage } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';

export interface DownloadState {
  loaded: number;
  total: number;
}

export const modelKey = (kind: ModelKind, id: string) => `${kind}:${id}`;

export function useModels(open: boolean) {
  const { engine, setSettings: onSettings } = useEngine();
  const [overview, setOverview] = useState<ModelsOverview>();
  const [downloads, setDownloads] = useState<Record<string, DownloadState>>({});
  /** One message per model (a failed or cancelled download, a deleted cache), announced politely. */
  const [messages, setMessages] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const live = useRef(true);
  useEffect(() => () => void (live.current = false), []);

  const refresh = useCallback((): Promise<void> => {
    if (!engine) return Promise.resolve();
    return engine.modelsOverview().then(
      (next) => {
        if (live.current) setOverview(next);
      },
      (reason: unknown) => {
        if (live.current) setError(errorMessage(reason));
      },
    );
  }, [engine]);

  useEffect(() => {
    if (open) void refresh();
  }, [open, refresh]);

  const say = (key: string, message: string) => setMessages((m) => ({ ...m, [key]: message }));

  const download = useCallback(
    async (kind: ModelKind, id: string): Promise<boolean> => {
      if (!engine) return false;
      const key = modelKey(kind, id);
      setDownloads((d) => ({ ...d, [key]: { loaded: 0, total: 0 } }));
      say(key, '');
      try {
        const onProgress = Comlink.proxy((p: DownloadProgress) =>
          setDownloads((d) => (d[key] ? { ...d, [key]: { loaded: p.loaded, total: p.total } } : d)),
        );
        await engine.downloadModel(kind, id, onProgress);
        say(key, 'Downloaded: it loads from this browser from now on, also offline.');
        return true;
      } catch (reason) {
        const cancelled =
          typeof reason === 'object' && reason !== null && (reason as { code?: string }).code === 'CANCELLED';
        say(key, cancelled ? 'Download cancelled; nothing of it was kept.' : errorMessage(reason));
        return false;
      } finally {
        setDownloads((d) => {
          const next = { ...d };
          delete next[key];
          return next;
        });
        await refresh();
      }
    },
    [engine, refresh],
  );

  const cancel = useCallback((kind: ModelKind, id: string) => void engine?.cancelModelDownload(kind, id), [engine]);

  const remove = useCallback(
    async (kind: ModelKind, id: string) => {
      if (!engine) return;
      const key = modelKey(kind, id);
      try {
        await engine.deleteCachedModel(kind, id);
        say(key, 'Deleted from this browser; it is downloaded again when next used.');
      } catch (reason) {
        say(key, errorMessage(reason));
      }
      await refresh();
    },
    [engine, refresh],
  );

  /** A cached model that fails to load (a corrupted cache): delete its files, fetch them again, load it again. */
  const clearAndFetch = useCallback(
    async (kind: ModelKind, id: string) => {
      if (!engine) return;
      await engine.deleteCachedModel(kind, id).catch(() => 0);
      if (!(await download(kind, id)) || kind !== 'embedding') return;
      const status = await engine.loadModel().catch(() => undefined);
      // A model that failed inside this worker's ONNX Runtime can stay failed there: a fresh page starts clean.
      if (status?.state !== 'ready')
        say(modelKey(kind, id), 'Fetched again. Reload the page to load the model from the fresh files.');
    },
    [engine, download],
  );

  const addCustom = useCallback(
    async (repo: string): Promise<CustomModelCheck | string> => {
      if (!engine) return 'The search engine is not ready yet.';
      try {
        const { check, settings } = await engine.addCustomModel(repo);
        if (check.ok) onSettings(settings);
        await refresh();
        return check;
      } catch (reason) {
        return errorMessage(reason);
      }
    },
    [engine, onSettings, refresh],
  );

  const removeCustom = useCallback(
    async (id: string) => {
      if (!engine) return;
      try {
        onSettings(await engine.removeCustomModel(id));
      } catch (reason) {
        say(modelKey('embedding', id), errorMessage(reason));
      }
      await refresh();
    },
    [engine, onSettings, refresh],
  );

  return {
    overview,
    downloads,
    messages,
    error,
    refresh,
    download,
    cancel,
    remove,
    clearAndFetch,
    addCustom,
    removeCustom,
  };
}
