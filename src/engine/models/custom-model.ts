// A user may add any Hugging Face repo as an embedding model. Before anything is downloaded past a few small JSON
// files, this checks what the repo says about itself (config.json, the file list, the sentence-transformers pooling
// config) and either builds a registry entry for it or says, in words, what is wrong. Pure: the caller fetches.
import type { CustomModelCheck } from '../api/models.ts';
import type { ModelDtype, ModelSpec, Pooling } from '../api/model-spec.ts';

/** What the caller fetched from the hub (or a local folder) for one repo. */
export interface RepoFacts {
  /** "owner/name" as the user typed it. */
  repo: string;
  /** Commit the facts were read at (the hub's sha), pinned into the fingerprint; "main" when unknown. */
  revision?: string;
  /** Parsed config.json; undefined when missing or not JSON. */
  config: unknown;
  /** Paths of the repo's files (e.g. from the hub's model info "siblings"). */
  files: readonly string[];
  /** Parsed 1_Pooling/config.json of a sentence-transformers repo, when present. */
  poolingConfig?: unknown;
}

const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** Encoder families transformers.js runs as feature extractors (model_type in config.json). */
export const SUPPORTED_MODEL_TYPES: readonly string[] = [
  'bert',
  'roberta',
  'xlm-roberta',
  'distilbert',
  'mpnet',
  'electra',
  'deberta',
  'deberta-v2',
  'albert',
  'camembert',
  'nomic_bert',
  'modernbert',
  'jina_bert',
  'model2vec',
];
const GENERATORS = /ForCausalLM$|LMHeadModel$|ForConditionalGeneration$/;
const HEADS = /ForSequenceClassification$|ForTokenClassification$|ForQuestionAnswering$|ForMultipleChoice$/;
const MIN_DIMS = 16;
const MAX_DIMS = 8192;

/** Checks the shape of a repo id; returns the problem or undefined. */
export function repoIdProblem(repo: string): string | undefined {
  if (!REPO_ID.test(repo) || repo.includes('..')) {
    return `"${repo}" is not a Hugging Face repo id: expected "owner/name" (letters, digits, "-", "_", "."), e.g. "Xenova/bge-small-en-v1.5".`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** ONNX files transformers.js would pick per dtype (onnx/model.onnx = fp32, model_quantized = q8, ...). */
const DTYPE_FILES: ReadonlyArray<[ModelDtype, string]> = [
  ['fp32', 'onnx/model.onnx'],
  ['q8', 'onnx/model_quantized.onnx'],
  ['fp16', 'onnx/model_fp16.onnx'],
  ['q4', 'onnx/model_q4.onnx'],
];

function poolingFrom(config: unknown): Pooling | undefined {
  if (!isRecord(config)) return undefined;
  if (config.pooling_mode_cls_token === true) return 'cls';
  if (config.pooling_mode_mean_tokens === true) return 'mean';
  return undefined;
}

/** Validates a user-added repo and, when it can be used, builds its registry entry. */
export function checkCustomModel(facts: RepoFacts): CustomModelCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const idProblem = repoIdProblem(facts.repo);
  if (idProblem) return { ok: false, problems: [idProblem], notes };
  const files = new Set(facts.files);
  const config = facts.config;

  if (!isRecord(config)) {
    problems.push('it has no readable config.json, so its architecture and vector size are unknown.');
    return { ok: false, problems, notes };
  }
  const modelType = typeof config.model_type === 'string' ? config.model_type : undefined;
  const architectures = Array.isArray(config.architectures)
    ? config.architectures.filter((a): a is string => typeof a === 'string')
    : [];
  const isStatic = modelType === 'model2vec' || architectures.includes('StaticModel');

  if (architectures.some((a) => GENERATORS.test(a))) {
    problems.push(`it is a text generator (${architectures.join(', ')}), not an embedding model.`);
  } else if (architectures.some((a) => HEADS.test(a))) {
    problems.push(
      `it is a classifier or cross-encoder (${architectures.join(', ')}): it scores text pairs or labels, it does not ` +
        'produce embeddings. Cross-encoders belong in the reranker setting.',
    );
  }
  if (!isStatic && !modelType) {
    problems.push('its config.json has no model_type, so transformers.js cannot tell how to run it.');
  } else if (!isStatic && modelType && !SUPPORTED_MODEL_TYPES.includes(modelType)) {
    problems.push(
      `its model_type "${modelType}" is not an encoder Trove can run (supported: ${SUPPORTED_MODEL_TYPES.join(', ')}).`,
    );
  }

  const dims = isStatic
    ? (positiveInt(config.hidden_dim) ?? positiveInt(config.apply_pca) ?? positiveInt(config.hidden_size))
    : (positiveInt(config.hidden_size) ?? positiveInt(config.d_model) ?? positiveInt(config.dim));
  if (dims === undefined) {
    problems.push(`its config.json gives no vector size (${isStatic ? 'hidden_dim' : 'hidden_size'}).`);
  } else if (dims < MIN_DIMS || dims > MAX_DIMS) {
    problems.push(`its vector size ${dims} is outside ${MIN_DIMS}..${MAX_DIMS}.`);
  }

  if (!files.has('tokenizer.json')) {
    problems.push(
      'it has no tokenizer.json (transformers.js needs the fast-tokenizer file; vocab.txt alone is not enough).',
    );
  } else if (!files.has('tokenizer_config.json')) {
    notes.push('no tokenizer_config.json: tokenizer defaults apply (lower-casing and maximum length may differ).');
  }

  const available = DTYPE_FILES.filter(([, file]) => files.has(file)).map(([dtype]) => dtype);
  if (available.length === 0) {
    problems.push(
      'it has no ONNX export under onnx/ (onnx/model.onnx or onnx/model_quantized.onnx); look for a copy of it by ' +
        'Xenova or onnx-community, or export one with Optimum.',
    );
  }
  if (problems.length > 0) return { ok: false, problems, notes };

  let pooling: Pooling = 'mean';
  if (!isStatic) {
    const declared = poolingFrom(facts.poolingConfig);
    if (declared) pooling = declared;
    else
      notes.push(
        'no sentence-transformers pooling config (1_Pooling/config.json): mean pooling assumed; check the model card.',
      );
  }
  const cpuDtype: ModelDtype = available.includes('q8') ? 'q8' : available[0];
  const gpuDtype: ModelDtype = available.includes('fp32') ? 'fp32' : available.includes('fp16') ? 'fp16' : available[0];
  if (!available.includes('q8') && !isStatic)
    notes.push(`no quantized (q8) file: WASM runs ${cpuDtype}, slower and larger.`);
  if (!available.includes('fp32') && !available.includes('fp16')) {
    notes.push(
      `only ${available.join('/')} files: quantized kernels on WebGPU have returned wrong vectors; the self-check decides.`,
    );
  }
  const maxPositions = positiveInt(config.max_position_embeddings);
  // Capped at 512: longer contexts cost quadratic attention and Trove's chunks are shorter anyway.
  const maxTokens = isStatic ? 512 : Math.min(512, maxPositions ?? 512);
  notes.push(
    'no query/passage prefixes are known for a custom model; if its card asks for some, search quality will suffer without them.',
  );

  const spec: ModelSpec = {
    id: `hub:${facts.repo}`,
    repo: facts.repo,
    revision: facts.revision ?? 'main',
    dims: dims as number,
    architecture: isStatic ? 'static-bag' : 'transformer',
    pooling,
    normalize: true,
    queryPrefix: '',
    passagePrefix: '',
    maxTokens,
    dtype: { webgpu: gpuDtype, wasm: cpuDtype, cpu: cpuDtype },
    sizeMB: {},
    localOnly: false,
    testFixture: false,
    license: typeof config.license === 'string' ? config.license : 'unknown (see the model card)',
    languages: [],
    summary: `Added by you from ${facts.repo}.`,
    quality: "Unknown: not in Trove's registry. Measure it on your own documents (evaluation view).",
  };
  return { ok: true, problems, notes, spec };
}
