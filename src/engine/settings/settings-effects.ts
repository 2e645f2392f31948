// What a settings change (this tab's, or another tab's) sets in motion. The library's rebuilds and the model swap
// run in the work queue, in this order; a model swap waits there, so an ingest in progress finishes with the model
// it started with.
import type { EngineSettings } from '../api/index.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import { indexChanged, modelChanged } from './settings.ts';

export interface SettingsEffects {
  queue: WorkQueue;
  /** Releases the reranker when its setting changed. */
  rerankerChanged: () => Promise<void>;
  /** Stops the OCR workers (OCR was turned off). */
  stopOcr: () => Promise<void>;
  /** Reads the library again (the keyword index's parameters changed). Runs in the queue. */
  reloadLibrary: () => Promise<void>;
  /** Swaps to the model the settings name, the old one answering until the library is re-embedded. */
  switchModel: () => void;
  /** Rebuilds the vector index when its kind or quantization changed. Runs in the queue. */
  applyIndexPolicy: () => Promise<void>;
}

export function applySettingsChange(previous: EngineSettings, next: EngineSettings, effects: SettingsEffects): void {
  const { queue } = effects;
  void effects.rerankerChanged();
  if (next.ocrMode === 'never' && previous.ocrMode !== 'never') void effects.stopOcr().catch(() => undefined);
  if (previous.bm25K1 !== next.bm25K1 || previous.bm25B !== next.bm25B) {
    void queue.enqueue(() => effects.reloadLibrary()).catch(() => undefined);
  }
  if (modelChanged(previous, next)) effects.switchModel();
  else if (indexChanged(previous, next)) void queue.enqueue(() => effects.applyIndexPolicy()).catch(() => undefined);
}
