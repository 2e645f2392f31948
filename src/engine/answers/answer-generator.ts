// The answer model on @huggingface/transformers: AutoTokenizer + AutoModelForCausalLM loaded through the shared
// transformers.js configuration (models/transformers-runtime.ts: local path, remote switch, same-origin wasm), one
// generation at a time, streamed with TextStreamer, cancelled through an AbortSignal that interrupts the stopping
// criteria (checked after every token, so generation stops within one token of the signal).
//
// Device: WebGPU with the spec's q4f16 only when its greedy tokens on fixed prompts agree with WASM running the same
// weights (greedy-check.ts); otherwise WASM with the spec's q4/q8. In Node: the native CPU backend.
//
// KV cache across turns: the cache of the previous generation is kept with the token ids it holds. The next prompt
// reuses its longest common token prefix (transformers.js feeds only the ids past the cache). Cropping a longer cache
// to that prefix needs its tensors on the CPU: on WebGPU (tensors in GPU buffers) only an exact prefix is reused.
// Each turn's passages sit in the last user message, so between turns the shared prefix is the system prompt and
// whatever earlier turns the prompts have in common.
import {
  AutoConfig,
  AutoModelForCausalLM,
  AutoTokenizer,
  DynamicCache,
  InterruptableStoppingCriteria,
  TextStreamer,
  type PretrainedConfig,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  Tensor,
  type ProgressInfo,
} from '@huggingface/transformers';
import { TroveError, isAbort, throwIfAborted } from '../core/errors.ts';
import {
  HUB_URL,
  chooseDevice,
  configureTransformersEnv,
  errorText,
  type TransformersLoadOptions,
} from '../models/transformers-runtime.ts';
import { getGeneratorSpec } from '../models/generator-registry.ts';
import { deviceCheckKey, type DeviceCheckMemory } from '../embed/device-self-check.ts';
import type {
  AnswerRequest,
  AnswerToken,
  ChatMessage,
  GeneratedAnswer,
  GeneratorDtype,
  GeneratorSpec,
  GeneratorStatus,
} from '../api/answers.ts';
import type { EmbedDevice } from '../api/model-spec.ts';
import { buildAnswerPrompt, type PromptBudget } from './prompt.ts';
import { checkCitations } from './citations.ts';
import { GREEDY_CHECK_PROMPTS, GREEDY_CHECK_TOKENS, compareGreedyTokens } from './greedy-check.ts';

export interface GeneratorLoadOptions extends Omit<TransformersLoadOptions, 'onProgress'> {
  /** Download progress in bytes (total 0 while unknown). */
  onProgress?: (loaded: number, total: number) => void;
  /** Where WebGPU self-check verdicts are remembered (per repo, revision, dtype and adapter). */
  checkMemory?: DeviceCheckMemory;
  /** Replaces the spec's dtype (benchmarks). */
  dtype?: GeneratorDtype;
  /** ONNX Runtime session options (e.g. intraOpNumThreads in Node). */
  sessionOptions?: Record<string, unknown>;
}

export interface GenerateOptions {
  /** The text added since the last call, as words form. */
  onToken?: AnswerToken;
  signal?: AbortSignal;
  /** Answer length cap; the spec's maxNewTokens by default. */
  maxNewTokens?: number;
  /** Prompt budget in tokens; the spec's promptBudgetTokens by default. */
  promptBudgetTokens?: number;
}

interface Loaded {
  spec: GeneratorSpec;
  device: EmbedDevice;
  dtype: GeneratorDtype;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  note?: string;
}

interface KeptCache {
  ids: bigint[];
  past: DynamicCache;
}

type GenerateOutput = { sequences: Tensor; past_key_values: DynamicCache };

export class AnswerGenerator {
  private loaded?: Loaded;
  private state: GeneratorStatus = { state: 'not-downloaded' };
  private cache?: KeptCache;
  /** Tail of the generation queue: one ONNX session runs one generation at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  status(): GeneratorStatus {
    return this.state;
  }

  get spec(): GeneratorSpec | undefined {
    return this.loaded?.spec;
  }

  /** Loads a registry id or spec. Errors: INVALID_ARGUMENT (unknown id), MODEL_UNAVAILABLE, CANCELLED. */
  async load(specOrId: GeneratorSpec | string, options: GeneratorLoadOptions): Promise<void> {
    const spec = typeof specOrId === 'string' ? getGeneratorSpec(specOrId) : specOrId;
    await this.dispose();
    this.state = { state: 'downloading', loaded: 0, total: 0 };
    try {
      this.loaded = await loadGenerator(spec, options, (loaded, total) => {
        this.state = { state: 'downloading', loaded, total };
        options.onProgress?.(loaded, total);
      });
      const { device, dtype, note } = this.loaded;
      this.state = { state: 'ready', device, dtype, ...(note && { note }) };
    } catch (error) {
      this.state = isAbort(error) ? { state: 'not-downloaded' } : { state: 'failed', message: errorText(error) };
      throw error;
    }
  }

  /** The prompt budget counted with this model's tokenizer and chat template. */
  promptBudget(maxTokens?: number): PromptBudget {
    const { tokenizer, spec } = this.require();
    return {
      maxTokens: maxTokens ?? spec.promptBudgetTokens,
      countTokens: (text) => tokenizer.encode(text, { add_special_tokens: false }).length,
      countPromptTokens: (messages) => this.encodePrompt(messages).length,
    };
  }

  /** Answers from the request's passages. Resolves with stoppedBy 'cancel' when the signal fires. */
  generate(request: AnswerRequest, options: GenerateOptions = {}): Promise<GeneratedAnswer> {
    const run = this.queue.then(() => this.run(request, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Forgets the kept KV cache (a new thread). */
  async resetThread(): Promise<void> {
    const old = this.cache;
    this.cache = undefined;
    await old?.past.dispose().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.resetThread();
    const old = this.loaded;
    this.loaded = undefined;
    this.state = { state: 'not-downloaded' };
    await old?.model.dispose().catch(() => undefined);
  }

  private require(): Loaded {
    if (!this.loaded) throw new TroveError('MODEL_UNAVAILABLE', 'No answer model is loaded.');
    return this.loaded;
  }

  private encodePrompt(messages: readonly ChatMessage[]): number[] {
    const { tokenizer } = this.require();
    const text = tokenizer.apply_chat_template(messages as ChatMessage[], {
      add_generation_prompt: true,
      tokenize: false,
    }) as string;
    // The template writes the special tokens itself.
    return tokenizer.encode(text, { add_special_tokens: false });
  }

  private async run(request: AnswerRequest, options: GenerateOptions): Promise<GeneratedAnswer> {
    const { tokenizer, model, spec } = this.require();
    const prompt = buildAnswerPrompt(request, this.promptBudget(options.promptBudgetTokens));
    const ids = this.encodePrompt(prompt.messages);
    const finish = (text: string, tokens: number, stoppedBy: GeneratedAnswer['stoppedBy'], reused: number) => ({
      text,
      tokens,
      stoppedBy,
      reusedPromptTokens: reused,
      promptTokens: ids.length,
      passagesUsed: prompt.passagesUsed,
      checked: checkCitations(text, prompt.passagesUsed.length),
    });
    if (options.signal?.aborted) return finish('', 0, 'cancel', 0);

    const { past, reused } = await this.reusableCache(ids);
    const stop = new InterruptableStoppingCriteria();
    const interrupt = () => stop.interrupt();
    options.signal?.addEventListener('abort', interrupt, { once: true });
    const streamer = new TextStreamer(tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: (text: string) => {
        if (text) options.onToken?.(text);
      },
    });
    const inputIds = BigInt64Array.from(ids, BigInt);
    const maxNewTokens = options.maxNewTokens ?? spec.maxNewTokens;
    let output: GenerateOutput;
    try {
      output = (await model.generate({
        input_ids: tensorOf(inputIds),
        attention_mask: tensorOf(new BigInt64Array(ids.length).fill(1n)),
        max_new_tokens: maxNewTokens,
        do_sample: false,
        streamer,
        stopping_criteria: [stop],
        return_dict_in_generate: true,
        ...(past && { past_key_values: past }),
      })) as unknown as GenerateOutput;
    } catch (error) {
      await this.resetThread();
      throw new TroveError('MODEL_FAILED', `The answer model failed while writing: ${errorText(error)}.`, {
        cause: error,
      });
    } finally {
      options.signal?.removeEventListener('abort', interrupt);
    }
    const all = (output.sequences.tolist() as bigint[][])[0];
    const generated = all.slice(ids.length);
    // The last token was never fed to the model: the cache holds every id before it.
    if (this.cache?.past !== output.past_key_values) await this.cache?.past.dispose().catch(() => undefined);
    this.cache = { ids: all.slice(0, all.length - 1), past: output.past_key_values };
    const eos = eosIds(model);
    const stoppedBy = stop.interrupted
      ? 'cancel'
      : generated.length > 0 && eos.has(Number(generated.at(-1)))
        ? 'eos'
        : 'length';
    const text = tokenizer.decode(generated, { skip_special_tokens: true }).trim();
    return finish(text, generated.length, stoppedBy, reused);
  }

  /** The kept cache cut to the longest prefix it shares with `ids` (at least one id is left to feed), or none. */
  private async reusableCache(ids: readonly number[]): Promise<{ past?: DynamicCache; reused: number }> {
    const kept = this.cache;
    if (!kept) return { reused: 0 };
    let common = 0;
    const limit = Math.min(kept.ids.length, ids.length - 1);
    while (common < limit && Number(kept.ids[common]) === ids[common]) common++;
    if (common === kept.ids.length) return { past: kept.past, reused: common };
    this.cache = undefined;
    const entries = Object.entries(kept.past) as [string, Tensor][];
    const onCpu = entries.every(([, t]) => (t.location ?? 'cpu') === 'cpu');
    if (common === 0 || !onCpu) {
      await kept.past.dispose().catch(() => undefined);
      return { reused: 0 };
    }
    // [batch, heads, sequence, head_dim]: keep the first `common` positions.
    const cropped = new DynamicCache(
      Object.fromEntries(entries.map(([name, t]) => [name, t.slice(null, null, [0, common], null)])),
    );
    return { past: cropped, reused: common };
  }
}

/** One row of int64 ids as the model takes them. */
function tensorOf(data: BigInt64Array): Tensor {
  return new Tensor('int64', data, [1, data.length]);
}

function eosIds(model: PreTrainedModel): Set<number> {
  const config = (model as unknown as { generation_config?: { eos_token_id?: number | number[] | null } })
    .generation_config;
  const fromConfig = config?.eos_token_id ?? (model.config as { eos_token_id?: number | number[] }).eos_token_id;
  return new Set(([] as number[]).concat(fromConfig ?? []));
}

async function loadGenerator(
  spec: GeneratorSpec,
  options: GeneratorLoadOptions,
  onBytes: (loaded: number, total: number) => void,
): Promise<Loaded> {
  const { signal } = options;
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
    const hint = spec.testFixture
      ? '; run `node scripts/make-generator-fixture.mjs`'
      : allowRemote
        ? ` or ${HUB_URL}`
        : '';
    return new TroveError(
      'MODEL_UNAVAILABLE',
      `Answer model "${spec.id}" (${spec.repo}) could not be loaded from ${folder}${hint}: ${errorText(error)}.`,
      { cause: error },
    );
  };
  let config: PretrainedConfig;
  let tokenizer: PreTrainedTokenizer;
  try {
    config = await AutoConfig.from_pretrained(spec.repo, hubOptions); // first: a missing model fails clearly
    tokenizer = await AutoTokenizer.from_pretrained(spec.repo, hubOptions);
  } catch (error) {
    throw fail(error);
  }
  throwIfAborted(signal);
  const progress_callback = (info: ProgressInfo) => {
    if (info.status === 'progress_total') onBytes(info.loaded, info.total);
  };
  // transformers.js cannot abort a download midway: a cancelled load is dropped once its files arrive.
  const create = async (device: EmbedDevice, dtype: GeneratorDtype): Promise<PreTrainedModel> => {
    const model = await AutoModelForCausalLM.from_pretrained(spec.repo, {
      ...hubOptions,
      config,
      device,
      dtype,
      progress_callback,
      ...(options.sessionOptions && { session_options: options.sessionOptions }),
    });
    if (signal?.aborted) {
      await model.dispose().catch(() => undefined);
      throw new TroveError('CANCELLED');
    }
    return model;
  };
  const greedy = async (model: PreTrainedModel): Promise<number[][]> => {
    const rows: number[][] = [];
    for (const content of GREEDY_CHECK_PROMPTS) {
      const text = tokenizer.apply_chat_template([{ role: 'user', content }], {
        add_generation_prompt: true,
        tokenize: false,
      }) as string;
      const ids = tokenizer.encode(text, { add_special_tokens: false });
      const out = (await model.generate({
        input_ids: tensorOf(BigInt64Array.from(ids, BigInt)),
        attention_mask: tensorOf(new BigInt64Array(ids.length).fill(1n)),
        max_new_tokens: GREEDY_CHECK_TOKENS,
        do_sample: false,
      })) as Tensor;
      rows.push((out.tolist() as bigint[][])[0].slice(ids.length).map(Number));
    }
    return rows;
  };
  try {
    const { device, note } = await chooseDevice(options.device);
    if (device !== 'webgpu') {
      const dtype = options.dtype ?? spec.dtype[device];
      return { spec, device, dtype, tokenizer, model: await create(device, dtype), note };
    }
    const gpuDtype = options.dtype ?? spec.dtype.webgpu;
    const key = deviceCheckKey({ repo: spec.repo, revision: spec.revision, dtype: gpuDtype, adapter: 'webgpu' });
    const remembered = await options.checkMemory?.get(key).catch(() => undefined);
    const wasm = async (why: string): Promise<Loaded> => {
      const dtype = spec.dtype.wasm;
      return { spec, device: 'wasm', dtype, tokenizer, model: await create('wasm', dtype), note: why };
    };
    if (remembered && !remembered.passed)
      return await wasm(`${remembered.reason ?? 'WebGPU failed its check'}; using WASM`);
    let gpu: PreTrainedModel;
    try {
      gpu = await create('webgpu', gpuDtype);
    } catch (error) {
      if (isAbort(error)) throw error;
      return await wasm(`WebGPU failed (${errorText(error)}); using WASM`);
    }
    if (remembered?.passed) return { spec, device: 'webgpu', dtype: gpuDtype, tokenizer, model: gpu };
    // Same weights on WASM as the reference: a disagreement is WebGPU's kernels, not quantization.
    const reference = await create('wasm', gpuDtype);
    let verdict;
    try {
      verdict = compareGreedyTokens(await greedy(gpu), await greedy(reference));
    } finally {
      await reference.dispose().catch(() => undefined);
    }
    await options.checkMemory
      ?.put(key, {
        passed: verdict.passed,
        // The memory's shape is the embedders': agreement is all-or-nothing here.
        minCosine: verdict.passed ? 1 : 0,
        sentences: verdict.prompts,
        ...(verdict.reason && { reason: verdict.reason }),
        checkedAt: Date.now(),
      })
      .catch(() => undefined);
    if (verdict.passed) return { spec, device: 'webgpu', dtype: gpuDtype, tokenizer, model: gpu };
    await gpu.dispose().catch(() => undefined);
    return await wasm(`${verdict.reason}; using WASM`);
  } catch (error) {
    throw fail(error);
  }
}
