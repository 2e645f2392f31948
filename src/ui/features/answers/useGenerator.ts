// The answer generator's model as the panel sees it: loaded in the generator's worker when the panel is on, with
// download progress and cancel, honouring the same model settings as the embedder (self-hosted path, downloads
// allowed or not, device). A load that fails says why and can be retried; a generator worker that died is
// replaced on the retry. The Ollama choice loads in the same worker: it asks the server for the model (no download).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EngineSettings, GeneratorStatus } from '../../../engine/api/index.ts';
import { OLLAMA_GENERATOR_ID } from '../../../engine/public.ts';
import { errorMessage } from '../../client/engine-client.ts';
import {
  onGeneratorDied,
  stopGenerator,
  withGenerator,
  withStartedGenerator,
  workerCallback,
  type GeneratorAvailability,
  type GeneratorLoadSettings,
} from '../../client/generator-client.ts';

export type GeneratorView = { state: 'off' } | { state: 'checking' } | GeneratorStatus;

const OFF: GeneratorView = { state: 'off' };

/** `ollamaOrigin`: the Ollama server this build allows, for the generator id "ollama". */
export function useGenerator(
  enabled: boolean,
  generatorId: string,
  settings: EngineSettings | undefined,
  ollamaOrigin?: string,
) {
  const [view, setView] = useState<GeneratorView>({ state: 'checking' });
  const loading = useRef<AbortController | undefined>(undefined);
  const allowRemoteModels = settings?.allowRemoteModels;
  const localModelPath = settings?.localModelPath;
  const device = settings?.device;
  const modelHost = settings?.modelHost;
  const ollamaModel = generatorId === OLLAMA_GENERATOR_ID ? settings?.ollamaChatModel : undefined;
  const ollamaBudget = generatorId === OLLAMA_GENERATOR_ID ? settings?.ollamaChatPromptTokens : undefined;
  const loadSettings = useMemo<GeneratorLoadSettings | undefined>(() => {
    if (allowRemoteModels === undefined || localModelPath === undefined || modelHost === undefined || !device) return;
    const ollama =
      ollamaOrigin && ollamaModel !== undefined && ollamaBudget !== undefined
        ? { origin: ollamaOrigin, model: ollamaModel, promptBudgetTokens: ollamaBudget }
        : undefined;
    return { allowRemoteModels, localModelPath, modelHost, device, ...(ollama && { ollama }) };
  }, [allowRemoteModels, localModelPath, modelHost, device, ollamaOrigin, ollamaModel, ollamaBudget]);

  const load = useCallback(async () => {
    if (!loadSettings) return;
    loading.current?.abort();
    const controller = new AbortController();
    loading.current = controller;
    setView({ state: 'downloading', loaded: 0, total: 0 });
    try {
      const onProgress = workerCallback((progress: { loaded: number; total: number }) => {
        if (!controller.signal.aborted)
          setView({ state: 'downloading', loaded: progress.loaded, total: progress.total });
      });
      const status = await withGenerator<GeneratorStatus>((generator) =>
        generator.load(generatorId, loadSettings, onProgress),
      );
      if (!controller.signal.aborted) setView(status);
    } catch (error) {
      if (!controller.signal.aborted) setView({ state: 'failed', message: errorMessage(error) });
    } finally {
      if (loading.current === controller) loading.current = undefined;
    }
  }, [generatorId, loadSettings]);

  const cancelLoad = useCallback(() => {
    loading.current?.abort();
    loading.current = undefined;
    withStartedGenerator((generator) => generator.cancelLoad());
    setView({ state: 'not-downloaded' });
  }, []);

  /** A failed load is tried again in a fresh worker: a model runtime that failed once can stay broken in its worker. */
  const retry = useCallback(() => {
    stopGenerator();
    void load();
  }, [load]);

  // On: ask the worker what it has; a model already here (cached, or a fixture of this site) loads at once, one that
  // would be downloaded waits for the user's click (its size is shown first).
  // Set while rendering, so no frame shows the previous generator's state as this one's.
  const wanted = enabled ? JSON.stringify([generatorId, loadSettings]) : '';
  const [asked, setAsked] = useState(wanted);
  if (asked !== wanted) {
    setAsked(wanted);
    setView({ state: 'checking' });
  }
  useEffect(() => {
    if (!enabled || !loadSettings) return;
    let stopped = false;
    withGenerator<GeneratorAvailability>((generator) => generator.availability(generatorId, loadSettings)).then(
      (availability) => {
        if (stopped) return;
        if (availability.status.state === 'ready') setView(availability.status);
        else if (availability.withoutDownload) void load();
        else setView({ state: 'not-downloaded' });
      },
      (error: unknown) => {
        if (!stopped) setView({ state: 'failed', message: errorMessage(error) });
      },
    );
    return () => {
      stopped = true;
    };
  }, [enabled, generatorId, loadSettings, load]);

  useEffect(() => onGeneratorDied((message) => setView({ state: 'failed', message })), []);

  return { view: enabled ? view : OFF, load, retry, cancelLoad };
}
