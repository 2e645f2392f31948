// The embedding model's life: loading (with progress), which load is current (a settings change makes older
// loads stale), the status pushed to listeners, and marking the model unavailable when it fails at run time.
// It never decides when a swap may happen: the engine swaps models from its work queue, so an ingest always
// finishes with the embedder it started with.
import type { EngineSettings, ModelStatus } from './api.ts';
import type { Embedder } from './embed/embedder.ts';
import { effectiveModelId, loadOptionsFor, loadWithBackend } from './embed/embedder-backend.ts';
import { toErrorInfo } from './errors.ts';

export interface EmbedderLoadOptions {
  modelId: string;
  allowRemoteModels: boolean;
  localModelPath: string;
  device: EngineSettings['device'];
  onProgress?: (fraction: number) => void;
  // ── Ollama backend (issue 11c) ──
  /** Set when a local Ollama server embeds instead (see embed/embedder-backend.ts). */
  ollama?: { origin: string; model: string };
}

export type EmbedderLoader = (options: EmbedderLoadOptions) => Promise<Embedder>;

export interface ModelLifecycleHooks {
  /** Current settings (read at each load). */
  settings: () => EngineSettings;
  /** Chunks waiting for vectors, for the status. */
  pendingVectors: () => number;
  /** The model still answering queries while the library is re-embedded with this one, if any. */
  previousModel?: () => string | undefined;
  /**
   * Called with a freshly loaded embedder before it is announced ready (the engine opens its vectors here).
   * `current()` turns false when a newer load started meanwhile.
   */
  onLoaded: (embedder: Embedder, current: () => boolean) => Promise<void>;
  // ── re-embed progress (issue 11c) ──
  /** Passages in the library (the re-embed's total while a switch is in progress). */
  passages?: () => number;
}

export class ModelLifecycle {
  private embedderValue: Embedder | null = null;
  private statusValue: ModelStatus;
  private loading: Promise<ModelStatus> | null = null;
  private embedderLoading: Promise<void> | null = null;
  /** Bumped by every load and reset, so a load that finishes late is discarded. */
  private generation = 0;
  private readonly listeners = new Set<(status: ModelStatus) => void>();

  constructor(
    private readonly load: EmbedderLoader,
    private readonly hooks: ModelLifecycleHooks,
  ) {
    this.statusValue = this.statusFor('idle');
  }

  /** The embedder in use, or null while none is ready. */
  get embedder(): Embedder | null {
    return this.embedderValue;
  }

  get status(): ModelStatus {
    return this.statusValue;
  }

  onStatus(listener: (status: ModelStatus) => void): void {
    this.listeners.add(listener);
    listener(this.statusValue);
  }

  /** Resolves once a load in progress has an embedder (or failed); ingest waits here so chunks get vectors at once. */
  async settled(): Promise<void> {
    if (this.embedderLoading) await this.embedderLoading;
  }

  /** Loads the configured model (again, after a failure). Never throws: the status says what happened. */
  ensureLoaded(): Promise<ModelStatus> {
    if (this.statusValue.state === 'ready') return Promise.resolve(this.statusValue);
    if (this.loading) return this.loading;
    const settings = this.hooks.settings();
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.publish({ ...this.statusFor('loading'), progress: 0 });
    // ── Ollama backend (issue 11c): the backend's loader is chosen from the settings ──
    const embedderLoading = loadWithBackend(
      {
        ...loadOptionsFor(effectiveModelId(settings), settings),
        onProgress: (progress) => {
          if (current()) this.publish({ ...this.statusValue, progress });
        },
      },
      this.load,
    );
    this.embedderLoading = embedderLoading.then(
      () => undefined,
      () => undefined,
    );
    const loading = (async (): Promise<ModelStatus> => {
      try {
        const embedder = await embedderLoading;
        if (!current()) {
          void embedder.dispose(); // settings changed while loading
          return this.statusValue;
        }
        this.embedderValue = embedder;
        await this.hooks.onLoaded(embedder, current);
        if (current()) this.publish(this.statusFor('ready'));
      } catch (error) {
        if (current()) {
          this.embedderValue = null;
          this.publish({ ...this.statusFor('unavailable'), error: toErrorInfo(error).message });
        }
      } finally {
        if (current()) {
          this.loading = null;
          this.embedderLoading = null;
        }
      }
      return this.statusValue;
    })();
    this.loading = loading;
    return loading;
  }

  /** Drops the model in use (settings changed): call from the work queue, so no ingest is using it. */
  async reset(): Promise<void> {
    await this.detach()?.dispose().catch(() => undefined);
  }

  /**
   * Stops using the model without disposing it, and returns it: during a model switch the old model keeps
   * answering queries over the old vectors until the new ones are complete. Call from the work queue.
   */
  detach(): Embedder | null {
    const old = this.embedderValue;
    this.embedderValue = null;
    this.loading = null;
    this.embedderLoading = null;
    this.generation++;
    this.publish(this.statusFor('idle'));
    return old;
  }

  /**
   * The model failed at run time (WebGPU device lost, ONNX Runtime abort): stop using it and say why. A retry
   * (button, or the network coming back) loads it afresh.
   */
  markFailed(error: unknown): void {
    const old = this.embedderValue;
    this.embedderValue = null;
    this.loading = null;
    this.embedderLoading = null;
    this.generation++;
    this.publish({ ...this.statusFor('unavailable'), error: `The model stopped working: ${toErrorInfo(error).message}` });
    void old?.dispose().catch(() => undefined);
  }

  /** Re-publishes the status with a fresh pending count and switch state. */
  refresh(): void {
    const status: ModelStatus = { ...this.statusValue, pendingVectors: this.hooks.pendingVectors() };
    const previous = this.hooks.previousModel?.();
    if (previous) status.previousModelId = previous;
    else delete status.previousModelId;
    withReembedTotal(status, this.hooks.passages);
    this.publish(status);
  }

  private statusFor(state: ModelStatus['state']): ModelStatus {
    const settings = this.hooks.settings();
    const status: ModelStatus = {
      state,
      modelId: effectiveModelId(settings),
      source: settings.allowRemoteModels ? 'hub' : 'local',
      pendingVectors: this.hooks.pendingVectors(),
    };
    const previous = this.hooks.previousModel?.();
    if (previous) status.previousModelId = previous;
    withReembedTotal(status, this.hooks.passages);
    const embedder = this.embedderValue;
    if (state === 'ready' && embedder) {
      status.device = embedder.device;
      status.dtype = embedder.dtype;
      status.dims = embedder.model.dims;
      if (embedder.deviceNote) status.deviceNote = embedder.deviceNote;
      if (embedder.threads !== undefined) status.threads = embedder.threads;
    }
    return status;
  }

  private publish(status: ModelStatus): void {
    this.statusValue = status;
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch {
        this.listeners.delete(listener); // a closed page's proxy
      }
    }
  }
}

// ── re-embed progress (issue 11c) ──
function withReembedTotal(status: ModelStatus, passages: (() => number) | undefined): void {
  if (status.previousModelId && passages) status.reembedTotal = passages();
  else delete status.reembedTotal;
}
