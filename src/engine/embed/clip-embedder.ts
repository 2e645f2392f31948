// Image–text embeddings with a CLIP-family model on @huggingface/transformers: the image tower embeds decoded
// pictures, the text tower embeds queries, both into one space. Loaded through the shared transformers.js
// configuration (models/transformers-runtime.ts: local path, remote switch, same-origin wasm), with a numeric
// self-check on the device it runs on.
import {
  AutoConfig,
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  type PretrainedConfig,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Processor,
  type ProgressInfo,
  type Tensor,
} from '@huggingface/transformers';
import { TroveError, isAbort, throwIfAborted } from '../core/errors.ts';
import { getImageModelSpec, imageModelFingerprint, type ImageModelSpec } from '../models/image-model-registry.ts';
import {
  HUB_URL,
  chooseDevice,
  configureTransformersEnv,
  errorText,
  type TransformersLoadOptions,
} from '../models/transformers-runtime.ts';
import { normalizeInPlace } from './embedder.ts';
import type { EmbedDevice, ModelDtype } from '../api/model-spec.ts';

/** Pictures per vision-tower run. */
const IMAGE_BATCH = 8;

/** Decoded pixels, as RawImage holds them (channels interleaved, 1–4 per pixel). */
export interface DecodedPicture {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export interface LoadClipOptions extends TransformersLoadOptions {
  /** Registry id; or `spec` for a model outside the registry (the benchmark's random-weight graph). */
  modelId?: string;
  spec?: ImageModelSpec;
  dtype?: ModelDtype;
  sessionOptions?: Record<string, unknown>;
}

/** Loads both towers. Errors: INVALID_ARGUMENT (unknown id), MODEL_UNAVAILABLE, CANCELLED. */
export async function loadClipEmbedder(options: LoadClipOptions): Promise<ClipEmbedder> {
  const spec = options.spec ?? getImageModelSpec(options.modelId ?? '');
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const allowRemote = options.allowRemoteModels && !spec.localOnly;
  configureTransformersEnv({
    allowRemoteModels: allowRemote,
    localModelPath: options.localModelPath,
    wasmPaths: options.wasmPaths,
  });
  const hubOptions = spec.localOnly
    ? { local_files_only: true }
    : { revision: spec.revision, local_files_only: !allowRemote };
  const fail = (error: unknown): TroveError => {
    if (error instanceof TroveError) return error;
    if (isAbort(error)) return new TroveError('CANCELLED');
    const folder = `${options.localModelPath.replace(/\/+$/, '')}/${spec.repo}/`;
    const hint = spec.testFixture ? '; run `node scripts/make-clip-fixture.mjs`' : allowRemote ? ` or ${HUB_URL}` : '';
    return new TroveError(
      'MODEL_UNAVAILABLE',
      `Image model "${spec.id}" (${spec.repo}) could not be loaded from ${folder}${hint}: ${errorText(error)}.`,
      { cause: error },
    );
  };
  let config: PretrainedConfig;
  let tokenizer: PreTrainedTokenizer;
  let processor: Processor;
  try {
    config = await AutoConfig.from_pretrained(spec.repo, hubOptions); // first: a missing model fails clearly
    onProgress?.(0);
    tokenizer = await AutoTokenizer.from_pretrained(spec.repo, hubOptions);
    processor = await AutoProcessor.from_pretrained(spec.repo, hubOptions);
  } catch (error) {
    throw fail(error);
  }
  throwIfAborted(signal);
  // Two files download: the vision tower's progress fills the first half, the text tower's the second.
  const progress = (offset: number) => (info: ProgressInfo) => {
    if (info.status === 'progress_total') onProgress?.(Math.min(0.95, offset + (info.progress / 100) * 0.475));
  };
  const create = async (device: EmbedDevice, note?: string): Promise<ClipEmbedder> => {
    const dtype = options.dtype ?? spec.dtype[device];
    const common = {
      ...hubOptions,
      config,
      device,
      dtype,
      ...(options.sessionOptions && { session_options: options.sessionOptions }),
    };
    const vision = await CLIPVisionModelWithProjection.from_pretrained(spec.repo, {
      ...common,
      progress_callback: progress(0),
    });
    let text: PreTrainedModel;
    try {
      throwIfAborted(signal);
      text = await CLIPTextModelWithProjection.from_pretrained(spec.repo, {
        ...common,
        progress_callback: progress(0.475),
      });
    } catch (error) {
      await vision.dispose();
      throw error;
    }
    const embedder = new ClipEmbedder(spec, device, dtype, tokenizer, processor, vision, text, note);
    try {
      throwIfAborted(signal);
      await embedder.selfCheck();
      return embedder;
    } catch (error) {
      await embedder.dispose();
      throw error;
    }
  };
  try {
    const { device, note } = await chooseDevice(options.device);
    let embedder: ClipEmbedder;
    if (device === 'webgpu') {
      try {
        embedder = await create('webgpu', note);
      } catch (error) {
        if (isAbort(error)) throw error;
        embedder = await create('wasm', `WebGPU failed (${errorText(error)}); using WASM`);
      }
    } else {
      embedder = await create(device, note);
    }
    onProgress?.(1);
    return embedder;
  } catch (error) {
    throw fail(error);
  }
}

export class ClipEmbedder {
  readonly fingerprint: string;
  private disposed = false;
  /** One model run at a time per session (ONNX Runtime Web sessions are not re-entrant). */
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    readonly model: ImageModelSpec,
    readonly device: EmbedDevice,
    readonly dtype: ModelDtype,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly processor: Processor,
    private readonly vision: PreTrainedModel,
    private readonly text: PreTrainedModel,
    readonly deviceNote?: string,
  ) {
    this.fingerprint = imageModelFingerprint(model, dtype);
  }

  get dims(): number {
    return this.model.dims;
  }

  /**
   * Embeds decoded pictures with the image tower: pictures.length rows of dims floats, L2-normalised, in order.
   * Rejects with CANCELLED when the signal aborts (checked between batches).
   */
  async embedImages(pictures: readonly DecodedPicture[], signal?: AbortSignal): Promise<Float32Array> {
    const out = new Float32Array(pictures.length * this.dims);
    for (let at = 0; at < pictures.length; at += IMAGE_BATCH) {
      throwIfAborted(signal);
      const batch = pictures
        .slice(at, at + IMAGE_BATCH)
        .map((p) => new RawImage(p.data, p.width, p.height, p.channels));
      const rows = await this.exclusive(async () => {
        const inputs = (await this.processor(batch)) as { pixel_values: Tensor };
        const outputs = (await this.vision(inputs)) as Record<string, Tensor>;
        const data = this.rows(outputs, 'image_embeds', batch.length);
        inputs.pixel_values.dispose?.();
        return data;
      });
      out.set(rows, at * this.dims);
    }
    return out;
  }

  /** Embeds queries with the text tower: texts.length normalised rows (a text of no known words: a zero row). */
  async embedTexts(texts: readonly string[]): Promise<Float32Array> {
    if (texts.length === 0) return new Float32Array(0);
    return this.exclusive(async () => {
      const inputs = this.tokenizer([...texts], {
        padding: true,
        truncation: true,
        max_length: this.model.maxTokens,
      }) as Record<string, Tensor>;
      const outputs = (await this.text(inputs)) as Record<string, Tensor>;
      return this.rows(outputs, 'text_embeds', texts.length);
    });
  }

  /** A flat grey and a flat saturated picture, and a query: finite, distinct vectors, or the device is not used. */
  async selfCheck(): Promise<void> {
    const flat = (rgb: number[]): DecodedPicture => {
      const data = new Uint8ClampedArray(16 * 16 * 3);
      for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3];
      return { data, width: 16, height: 16, channels: 3 };
    };
    const images = await this.embedImages([flat([128, 128, 128]), flat([220, 30, 30])]);
    const texts = await this.embedTexts(['a photo of a red car']);
    if (![...images, ...texts].every(Number.isFinite)) {
      throw new Error(`self-check failed on ${this.device}/${this.dtype}: non-finite vectors`);
    }
    let difference = 0;
    for (let i = 0; i < this.dims; i++) difference += Math.abs(images[i] - images[this.dims + i]);
    if (!(difference > 1e-4)) throw new Error(`self-check failed on ${this.device}/${this.dtype}: constant vectors`);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.allSettled([this.vision.dispose(), this.text.dispose()]);
  }

  private rows(outputs: Record<string, Tensor>, name: string, count: number): Float32Array {
    const tensor = outputs[name];
    try {
      if (!tensor) throw new Error(`the model gave no ${name} (outputs: ${Object.keys(outputs).join(', ')})`);
      const dims = tensor.dims;
      if (dims.length !== 2 || dims[0] !== count || dims[1] !== this.dims) {
        throw new Error(`${name} has shape [${dims.join(', ')}], expected [${count}, ${this.dims}]`);
      }
      const data = Float32Array.from(tensor.data as Float32Array);
      for (let r = 0; r < count; r++) normalizeInPlace(data.subarray(r * this.dims, (r + 1) * this.dims));
      return data;
    } finally {
      for (const t of Object.values(outputs)) t.dispose?.();
    }
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new TroveError('MODEL_UNAVAILABLE', 'The image model has been unloaded.'));
    const next = this.running.then(run, run);
    this.running = next.catch(() => undefined);
    return next;
  }
}
