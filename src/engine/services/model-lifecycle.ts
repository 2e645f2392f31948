// The embedding model's life: loading (with progress), which load is current (a settings change makes older
// loads stale), the status pushed to listeners, and marking the model unavailable when it fails at run time.
// It never decides when a swap may happen: the engine swaps models from its work queue, so an ingest always
// finishes with the embedder it started with.
import type { DtypeChange, EngineSettings, ModelStatus } from '../api/index.ts';
import type { Embedder } from '../embed/embedder.ts';
import {
  loadOptionsFor,
  loadWithBackend,
  type EmbedderLoadOptions,
  type EmbedderLoader,
} from '../embed/embedder-backend.ts';
import { effectiveModelId } from '../models/effective-model.ts';
import { getModelSpec } from '../models/model-registry.ts';
import { isAbort, toErrorInfo } from '../core/errors.ts';
import type { DeviceCheckMemory } from '../embed/device-self-check.ts';
import type { DeviceSpeedMemory } from '../embed/device-speed.ts';
import { meteredEmbedder } from '../embed/metered-embedder.ts';
import { isRuntimeTrap } from '../models/runtime-trap.ts';
import { addEmbedSample, vectorRate, type EmbedSample } from '../embed/vector-rate.ts';
import type { ActiveModel } from '../library/active-model.ts';
import { dtypeToLoad, reembedSeconds, storedDtypeOf, wantedDtype } from '../models/dtype-choice.ts';
import type { ModelDtype } from '../api/model-spec.ts';

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
  /** Passages in the library (the re-embed's total while a switch is in progress). */
  passages?: () => number;
  /** Fingerprint of the vectors that answer searches now (or are remembered from the last session), if any. */
  storedFingerprint?: () => string | undefined;
  /** Passages in the library (what a dtype change would re-embed). */
  libraryPassages?: () => number;
  /** Passages per second of this embedder on a sample of the library's passages; undefined if not measurable. */
  measureSpeed?: (embedder: Embedder) => Promise<number | undefined>;
  deviceChecks?: DeviceCheckMemory;
  /** Where measured device speeds and batch sizes are remembered (absent: none are measured). */
  deviceSpeeds?: DeviceSpeedMemory;
  /** Monotonic ms for the vector pace (default performance.now). */
  now?: () => number;
  /** Dtype changes the user declined, kept across restarts (absent: this session only). */
  declinedChanges?: { has(key: string): boolean; add(key: string): void };
  /** The model runtime trapped (runtime-trap.ts): nothing in this worker can load a model again. */
  onRuntimeBroken?: (message: string) => void;
}

export class ModelLifecycle implements ActiveModel {
  private embedderValue: Embedder | null = null;
  private statusValue: ModelStatus;
  private loading: Promise<ModelStatus> | null = null;
  private embedderLoading: Promise<void> | null = null;
  /** Bumped by every load and reset, so a load that finishes late is discarded. */
  private generation = 0;
  private readonly listeners = new Set<(status: ModelStatus) => void>();
  /** The current embedder's recent passage calls: the pace shown while vectors are added in the background. */
  private embedSamples: EmbedSample[] = [];
  private readonly now: () => number;

  constructor(
    private readonly load: EmbedderLoader,
    private readonly hooks: ModelLifecycleHooks,
  ) {
    this.now = hooks.now ?? (() => performance.now());
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
    this.pendingChange = undefined;
    const pin = settings.ollamaEnabled ? {} : this.dtypePin(settings); // Ollama: the server's model, no dtype
    // The backend's options (and loader, in loadPinned) follow the settings.
    const options: EmbedderLoadOptions = {
      ...loadOptionsFor(effectiveModelId(settings), settings),
      onProgress: (progress) => {
        if (current()) this.publish({ ...this.statusValue, progress });
      },
    };
    if (pin.dtype) options.dtype = pin.dtype;
    if (this.hooks.deviceChecks) options.deviceChecks = this.hooks.deviceChecks;
    if (this.hooks.deviceSpeeds) options.deviceSpeeds = this.hooks.deviceSpeeds;
    const embedderLoading = this.loadPinned(options, pin, settings);
    this.embedderLoading = embedderLoading.then(
      () => undefined,
      () => undefined,
    );
    const loading = (async (): Promise<ModelStatus> => {
      try {
        const loaded = await embedderLoading;
        if (!current()) {
          void loaded.dispose(); // settings changed while loading
          return this.statusValue;
        }
        this.embedSamples = [];
        // Every passage call (ingest, back-fill, re-embed) feeds the pace in the status.
        const embedder = meteredEmbedder(
          loaded,
          (sample) => {
            if (current()) this.embedSamples = addEmbedSample(this.embedSamples, sample);
          },
          this.now,
        );
        this.embedderValue = embedder;
        await this.hooks.onLoaded(embedder, current);
        // Asked at once (the status reaches 'ready' with the question); the cost's time is measured after.
        if (current() && pin.stored && this.proposeChange(embedder, pin.stored, settings))
          void this.measureCost(embedder, current);
        if (current()) this.publish(this.statusFor('ready'));
      } catch (error) {
        if (current()) {
          this.embedderValue = null;
          this.publish({ ...this.statusFor('unavailable'), error: toErrorInfo(error).message });
          if (isRuntimeTrap(error)) this.hooks.onRuntimeBroken?.(toErrorInfo(error).message);
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
    await this.detach()
      ?.dispose()
      .catch(() => undefined);
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
    this.publish({
      ...this.statusFor('unavailable'),
      error: `The model stopped working: ${toErrorInfo(error).message}`,
    });
    void old?.dispose().catch(() => undefined);
    if (isRuntimeTrap(error)) this.hooks.onRuntimeBroken?.(toErrorInfo(error).message);
  }

  /** Re-publishes the status with a fresh pending count and switch state. */
  refresh(): void {
    const status: ModelStatus = { ...this.statusValue, pendingVectors: this.hooks.pendingVectors() };
    this.withVectorProgress(status);
    const previous = this.hooks.previousModel?.();
    if (previous) status.previousModelId = previous;
    else delete status.previousModelId;
    withReembedTotal(status, this.hooks.passages);
    this.publish(status);
  }

  /** A dtype change waiting for the user's answer (also in the status as dtypeChange). */
  private pendingChange: DtypeChange | undefined;
  /** A change the user accepted this session: loads use it although the stored vectors have another dtype. */
  private accepted: { modelId: string; dtype: ModelDtype } | undefined;
  /** Changes declined ("model|from|to|setting"): not asked again (the hook keeps them across restarts). */
  private readonly declinedHere = new Set<string>();
  private get declined(): { has(key: string): boolean; add(key: string): void } {
    return this.hooks.declinedChanges ?? this.declinedHere;
  }
  /** The pending change's key in `declined`. */
  private pendingKey: string | undefined;
  /** Set when the stored vectors' dtype could not be loaded, so the library is re-embedded with another. */
  private pinNote: string | undefined;

  /**
   * Answers the pending dtype change. Accepting returns the dtype to switch to: the caller (the engine, in its work
   * queue) detaches the model so the stored vectors keep answering, then loads again. Declining keeps the stored
   * vectors' dtype for this session.
   */
  answerDtypeChange(accept: boolean): ModelDtype | undefined {
    const change = this.pendingChange;
    if (!change) return undefined;
    this.pendingChange = undefined;
    const modelId = this.hooks.settings().modelId;
    if (accept) {
      this.accepted = { modelId, dtype: change.to as ModelDtype };
    } else if (this.pendingKey) {
      this.declined.add(this.pendingKey);
    }
    this.publish(this.statusFor(this.statusValue.state));
    return accept ? (change.to as ModelDtype) : undefined;
  }

  /** The dtype to load with, and the stored vectors' dtype it keeps (if any). */
  private dtypePin(settings: EngineSettings): { dtype?: ModelDtype; stored?: ModelDtype } {
    const spec = getModelSpec(settings.modelId);
    const hasPassages = (this.hooks.libraryPassages?.() ?? 0) > 0;
    const stored = hasPassages ? storedDtypeOf(this.hooks.storedFingerprint?.(), spec) : undefined;
    // A confirmed change holds until the library's vectors have that dtype; from then on they pin it as usual.
    if (this.accepted && (this.accepted.modelId !== spec.id || this.accepted.dtype === stored))
      this.accepted = undefined;
    const accepted = this.accepted?.dtype;
    const dtype = dtypeToLoad({ choice: settings.dtype ?? 'auto', stored, accepted });
    return { dtype, stored: accepted ? undefined : stored };
  }

  /** Loads with the pinned dtype; if the stored vectors' dtype cannot be loaded here, loads the wanted one and says so. */
  private async loadPinned(
    options: EmbedderLoadOptions,
    pin: { stored?: ModelDtype },
    settings: EngineSettings,
  ): Promise<Embedder> {
    this.pinNote = undefined;
    try {
      return await loadWithBackend(options, this.load);
    } catch (error) {
      if (!pin.stored || options.dtype !== pin.stored || isAbort(error)) throw error;
      const retry: EmbedderLoadOptions = { ...options };
      if (settings.dtype && settings.dtype !== 'auto') retry.dtype = settings.dtype;
      else delete retry.dtype;
      const embedder = await loadWithBackend(retry, this.load);
      if (embedder.dtype === pin.stored) return embedder;
      this.pinNote =
        `the library's ${pin.stored} vectors' model could not be loaded (${error instanceof Error ? error.message : String(error)}); ` +
        `re-embedding with ${embedder.dtype}`;
      return embedder;
    }
  }

  /** After a load pinned to the stored vectors' dtype: when this device wants another, ask (true: asking). */
  private proposeChange(embedder: Embedder, stored: ModelDtype, settings: EngineSettings): boolean {
    if (embedder.dtype !== stored) return false;
    const to = wantedDtype(settings.dtype ?? 'auto', embedder.defaultDtype ?? embedder.dtype);
    // The Settings choice is part of the key: declining the device's default does not decline an explicit choice.
    const key = `${settings.modelId}|${stored}|${to}|${settings.dtype ?? 'auto'}`;
    if (to === stored || this.declined.has(key)) return false;
    const because = settings.dtype && settings.dtype !== 'auto' ? 'settings' : 'device';
    this.pendingChange = { from: stored, to, because, passages: this.hooks.libraryPassages?.() ?? 0 };
    this.pendingKey = key;
    return true;
  }

  /** Measures passages/s with the model as it runs now, for the pending change's time estimate. */
  private async measureCost(embedder: Embedder, current: () => boolean): Promise<void> {
    let perSecond: number | undefined;
    try {
      perSecond = await this.hooks.measureSpeed?.(embedder);
    } catch {
      perSecond = undefined; // the cost is then shown without a time
    }
    const change = this.pendingChange;
    if (!current() || this.embedderValue !== embedder || !change) return;
    const seconds = reembedSeconds(change.passages, perSecond);
    if (perSecond === undefined || seconds === undefined) return;
    this.pendingChange = { ...change, passagesPerSecond: perSecond, estimatedSeconds: seconds };
    this.publish(this.statusFor(this.statusValue.state));
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
      const check = embedder.deviceCheck;
      if (check) {
        status.deviceCheck = {
          passed: check.passed,
          minCosine: check.minCosine,
          sentences: check.sentences,
          checkedAt: check.checkedAt,
        };
        if (check.reason) status.deviceCheck.reason = check.reason;
      }
      if (this.pendingChange) status.dtypeChange = { ...this.pendingChange };
      const speed = embedder.deviceSpeed;
      if (speed) {
        status.deviceSpeed = {
          passagesPerSecond: { ...speed.passagesPerSecond },
          batchSize: speed.batchSize,
          measuredAt: speed.measuredAt,
          remembered: speed.remembered,
        };
      }
      this.withVectorProgress(status);
      if (this.pinNote) status.deviceNote = status.deviceNote ? `${status.deviceNote}; ${this.pinNote}` : this.pinNote;
    }
    return status;
  }

  /** Sets (or clears) the pace and time left of the vectors still waiting, from the embedder's recent calls. */
  private withVectorProgress(status: ModelStatus): void {
    const rate =
      status.state === 'ready' ? vectorRate(this.embedSamples, status.pendingVectors, this.now()) : undefined;
    if (rate) status.vectorProgress = rate;
    else delete status.vectorProgress;
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

function withReembedTotal(status: ModelStatus, passages: (() => number) | undefined): void {
  if (status.previousModelId && passages) status.reembedTotal = passages();
  else delete status.reembedTotal;
}
