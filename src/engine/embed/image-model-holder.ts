// The image–text model of a library: loaded once when image search needs it (concurrent callers share the load),
// cancellable, released when image search is turned off; its state for the status. When another model is chosen the
// loaded one is not released but retired: it keeps answering queries (its pictures are described in its space)
// until the new model has described every picture, as the text model's switch does (blue/green).
import type { EngineSettings, ImageModelStatus } from '../api/index.ts';
import { TroveError, isAbort, toErrorInfo } from '../core/errors.ts';
import type { ClipEmbedder } from './clip-embedder.ts';

/** What the engine needs of an image–text model (ClipEmbedder, or a test's stand-in built on it). */
export type ImageEmbedder = Pick<
  ClipEmbedder,
  'model' | 'device' | 'dtype' | 'fingerprint' | 'dims' | 'embedImages' | 'embedTexts' | 'dispose'
>;

export interface ImageModelLoadOptions {
  modelId: string;
  allowRemoteModels: boolean;
  localModelPath: string;
  device: EngineSettings['device'];
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export type ImageModelLoader = (options: ImageModelLoadOptions) => Promise<ImageEmbedder>;

export class ImageModelHolder {
  private current?: ImageEmbedder;
  /** The model being replaced: answers queries until the new model's space is complete. */
  private retiring?: ImageEmbedder;
  private retiringLoad?: Promise<ImageEmbedder | undefined>;
  /** Bumped whenever the retiring model changes hands: a restore that finishes after it is not kept. */
  private retiringEpoch = 0;
  private loading?: { modelId: string; promise: Promise<ImageEmbedder> };
  private controller?: AbortController;
  state: ImageModelStatus['state'] = 'idle';
  progress?: number;
  /** The last load failure, or the last picture that could not be embedded. */
  error?: string;

  constructor(
    private readonly loader: ImageModelLoader | undefined,
    private readonly settings: () => EngineSettings,
    /** Called whenever the state, progress or error changes. */
    private readonly changed: () => void,
  ) {}

  /** False where the host has no image model loader (image search unavailable). */
  get available(): boolean {
    return this.loader !== undefined;
  }

  /** The model being replaced, while it still answers. */
  get retired(): ImageEmbedder | undefined {
    return this.retiring;
  }

  /** The loaded model, if it is the one the settings name. */
  get embedder(): ImageEmbedder | undefined {
    return this.current && this.current.model.id === this.settings().imageModelId ? this.current : undefined;
  }

  /** The model, loaded once (concurrent callers share the load). */
  ready(): Promise<ImageEmbedder> {
    const settings = this.settings();
    if (!settings.imageSearch) {
      return Promise.reject(new TroveError('INVALID_ARGUMENT', 'Image search is off: turn it on in Settings first.'));
    }
    if (!this.loader) return Promise.reject(new TroveError('MODEL_UNAVAILABLE', 'Image search is not available here.'));
    const loaded = this.embedder;
    if (loaded) return Promise.resolve(loaded);
    if (this.loading?.modelId === settings.imageModelId) return this.loading.promise;
    this.controller?.abort(); // a load of a model no longer chosen
    const controller = (this.controller = new AbortController());
    this.state = 'loading';
    this.progress = 0;
    this.error = undefined;
    this.changed();
    const promise = this.loader({
      modelId: settings.imageModelId,
      allowRemoteModels: settings.allowRemoteModels,
      localModelPath: settings.localModelPath,
      device: settings.device,
      signal: controller.signal,
      onProgress: (fraction) => {
        this.progress = fraction;
        this.changed();
      },
    })
      .then(async (embedder) => {
        // Another model was chosen while this one loaded: it is not kept.
        const settingsNow = this.settings();
        if (controller.signal.aborted || embedder.model.id !== settingsNow.imageModelId || !settingsNow.imageSearch) {
          await embedder.dispose();
          throw new TroveError('CANCELLED');
        }
        await this.current?.dispose();
        this.current = embedder;
        this.state = 'ready';
        return embedder;
      })
      .catch((error: unknown) => {
        if (this.loading?.promise !== promise) throw error; // superseded: the newer load owns the state
        this.state = isAbort(error) ? 'idle' : 'unavailable';
        this.error = isAbort(error) ? undefined : toErrorInfo(error).message;
        throw error;
      })
      .finally(() => {
        if (this.loading?.promise !== promise) return;
        this.loading = undefined;
        this.controller = undefined;
        this.changed();
      });
    this.loading = { modelId: settings.imageModelId, promise };
    return promise;
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Releases the loaded model (its memory) and a retiring one, and stops a load too if asked; ready() loads again. */
  async release({ stopLoading }: { stopLoading: boolean }): Promise<void> {
    if (stopLoading) this.controller?.abort();
    const old = [this.current, this.retiring];
    this.retiringEpoch++;
    this.current = undefined;
    this.retiring = undefined;
    this.state = 'idle';
    for (const embedder of old) await embedder?.dispose();
    this.changed();
  }

  /**
   * Another model was chosen while image search stays on: the loaded one retires (keeps answering) and the chosen
   * one loads on the next ready(). Choosing the retiring model again takes it back, and the other one goes.
   */
  async retire(): Promise<void> {
    const wanted = this.settings().imageModelId;
    this.retiringEpoch++;
    if (this.loading && this.loading.modelId !== wanted) this.controller?.abort();
    const outgoing = this.current;
    if (this.retiring?.model.id === wanted) {
      this.current = this.retiring;
      this.retiring = undefined;
      this.state = 'ready';
      await outgoing?.dispose();
    } else if (outgoing && outgoing.model.id !== wanted) {
      // Mid-switch, the retiring model is the one whose space serves: it stays, the half-filled one goes.
      const dropped = this.retiring ? outgoing : undefined;
      this.current = undefined;
      this.retiring ??= outgoing;
      this.state = 'idle';
      await dropped?.dispose();
    } else {
      return;
    }
    this.changed();
  }

  /**
   * After a restart in the middle of a switch: the model whose space still serves is loaded again, from the
   * browser's cache, to answer queries until the switch completes. Undefined when it cannot load (the new model's
   * partial space answers instead).
   */
  restoreRetired(modelId: string): Promise<ImageEmbedder | undefined> {
    if (this.retiring?.model.id === modelId) return Promise.resolve(this.retiring);
    if (!this.loader || modelId === this.settings().imageModelId) return Promise.resolve(undefined);
    const settings = this.settings();
    const epoch = this.retiringEpoch;
    this.retiringLoad ??= this.loader({
      modelId,
      allowRemoteModels: settings.allowRemoteModels,
      localModelPath: settings.localModelPath,
      device: settings.device,
    })
      .then((embedder) => {
        const stale = epoch !== this.retiringEpoch || this.retiring !== undefined;
        if (stale || this.settings().imageModelId === modelId || !this.settings().imageSearch) {
          void embedder.dispose();
          return undefined;
        }
        this.retiring = embedder;
        return embedder;
      })
      .catch(() => undefined)
      .finally(() => {
        this.retiringLoad = undefined;
      });
    return this.retiringLoad;
  }

  /** The new model's space is complete: the retiring model goes. */
  async dropRetired(): Promise<void> {
    this.retiringEpoch++;
    const old = this.retiring;
    this.retiring = undefined;
    await old?.dispose();
  }

  /** Whether image search was turned off with a model loaded (or retiring). */
  get unwanted(): boolean {
    return (this.current !== undefined || this.retiring !== undefined) && !this.settings().imageSearch;
  }

  /** Whether another model was chosen than the loaded one, or the retiring one chosen again (image search on). */
  get replaced(): boolean {
    const wanted = this.settings().imageModelId;
    return (
      (this.current !== undefined && this.current.model.id !== wanted) ||
      this.retiring?.model.id === wanted ||
      (this.loading !== undefined && this.loading.modelId !== wanted)
    );
  }

  fail(message: string): void {
    this.error = message;
    this.changed();
  }
}
