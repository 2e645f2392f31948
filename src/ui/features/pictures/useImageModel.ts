// The image–text model as the Settings entry shows it: its state pushed by the engine, and turning image search
// on (download with progress, cancel) and off.
import { useCallback, useEffect, useState } from 'react';
import type { ImageModelStatus } from '../../../engine/api/index.ts';
import { onImageModelStatus } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';

export function useImageModel() {
  const { engine, settings, saveSettings } = useEngine();
  const [status, setStatus] = useState<ImageModelStatus>();
  const [error, setError] = useState<string>();
  const on = settings?.imageSearch ?? false;

  useEffect(() => {
    if (!engine) return;
    let live = true;
    // Through the page's one subscription: a proxy per mount would stay registered in the worker for good.
    const unsubscribe = onImageModelStatus(setStatus);
    engine.imageModelStatus().then(
      (next) => live && setStatus(next),
      () => undefined,
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, [engine, on]);

  const load = useCallback(async () => {
    if (!engine) return;
    setError(undefined);
    try {
      setStatus(await engine.loadImageModel());
    } catch (reason) {
      const code = (reason as { code?: string } | undefined)?.code;
      setError(
        code === 'CANCELLED' ? 'Download cancelled.' : reason instanceof Error ? reason.message : String(reason),
      );
      setStatus(await engine.imageModelStatus());
    }
  }, [engine]);

  const turn = useCallback(
    async (next: boolean) => {
      await saveSettings({ imageSearch: next });
      if (next) await load();
      else if (engine) setStatus(await engine.imageModelStatus());
    },
    [saveSettings, load, engine],
  );

  const cancel = useCallback(() => void engine?.cancelImageModel(), [engine]);

  /** Turns image search off and deletes the downloaded model (described pictures stay, for a later turn-on). */
  const remove = useCallback(async () => {
    if (!engine) return;
    await saveSettings({ imageSearch: false });
    const freed = await engine.deleteImageModel();
    setError(undefined);
    setStatus(await engine.imageModelStatus());
    return freed;
  }, [engine, saveSettings]);

  /** Another image model: the engine keeps the one before answering until the new one has described every picture. */
  const choose = useCallback(
    async (imageModelId: string) => {
      setError(undefined);
      await saveSettings({ imageModelId });
      if (engine) setStatus(await engine.imageModelStatus());
    },
    [saveSettings, engine],
  );

  return { on, status, error, turn, load, cancel, remove, choose };
}
