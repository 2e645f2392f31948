// The image–text model of a library: loaded once when image search needs it (concurrent callers share the load),
// cancellable, released when image search is turned off or another model is chosen; its state for the status.
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
  private loading?: Promise<ImageEmbedder>;
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
    if (this.loading) return this.loading;
    const controller = (this.controller = new AbortController());
    this.state = 'loading';
    this.progress = 0;
    this.error = undefined;
    this.changed();
    const loading = (this.loading = this.loader({
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
      .then((embedder) => {
        this.current = embedder;
        this.state = 'ready';
        return embedder;
      })
      .catch((error: unknown) => {
        this.state = isAbort(error) ? 'idle' : 'unavailable';
        this.error = isAbort(error) ? undefined : toErrorInfo(error).message;
        throw error;
      })
      .finally(() => {
        this.loading = undefined;
        this.controller = undefined;
        this.changed();
      }));
    return loading;
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Releases the loaded model (its memory), and stops a load too if asked; the next ready() loads again. */
  async release({ stopLoading }: { stopLoading: boolean }): Promise<void> {
    if (stopLoading) this.controller?.abort();
    const old = this.current;
    this.current = undefined;
    this.state = 'idle';
    await old?.dispose();
    this.changed();
  }

  /** Whether the loaded model is no longer wanted (image search off, or another model chosen). */
  get unwanted(): boolean {
    const settings = this.settings();
    return this.current !== undefined && (!settings.imageSearch || this.current.model.id !== settings.imageModelId);
  }

  fail(message: string): void {
    this.error = message;
    this.changed();
  }
}
