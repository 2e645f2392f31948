// The small instruction-tuned language models that write answers from the top passages, beside the embedding models
// (model-registry.ts) and the rerankers (reranker-registry.ts). Sizes are the ONNX files of each repo's onnx/ folder.
//
// Why Qwen2.5-0.5B-Instruct is the default: of the models that run in a browser tab today it is the only one that is
// at once Apache-2.0 (Llama 3.2 carries Meta's community licence and a gated download), multilingual (29+ languages;
// Trove indexes documents in many, and SmolLM2 is English-only), reads 32k tokens (room for a thread and ten
// passages), and downloads in under 500 MB as q4f16. SmolLM2-360M-Instruct scores higher on IFEval in its own card
// (41.0 vs 31.6) and is smaller, so it is offered for English libraries; Llama-3.2-1B-Instruct and
// Qwen2.5-1.5B-Instruct follow instructions better still at two to three times the download.
import { TroveError } from '../core/errors.ts';
import type { GeneratorSpec } from '../api/answers.ts';

const MB = 1_000_000;

const QWEN25_05B: GeneratorSpec = {
  id: 'qwen2.5-0.5b-instruct',
  label: 'Qwen2.5 0.5B Instruct',
  repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
  revision: 'main',
  // WASM: q4 kernels (MatMulNBits) are the fastest CPU path; q4f16 needs fp16 arithmetic that WASM emulates.
  dtype: { webgpu: 'q4f16', wasm: 'q4', cpu: 'q4' },
  sizeBytes: { q4f16: 483 * MB, q4: 786 * MB, q8: 512 * MB, fp16: 997 * MB, fp32: 1990 * MB },
  contextTokens: 32768,
  promptBudgetTokens: 3072,
  maxNewTokens: 384,
  license: 'Apache-2.0',
  quality:
    '0.49B parameters, 24 layers, 14 query / 2 key-value heads. IFEval (prompt-level strict) 27.9, MMLU-redux 37.0 ' +
    '(Qwen2.5 technical report, arXiv:2412.15115, Table of 0.5B instruct models); IFEval 31.6 in the SmolLM2 ' +
    "model card's comparison. Multilingual (29+ languages), 32k context. ONNX export by onnx-community (Xenova).",
  sourceUrl: 'https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct',
  localOnly: false,
  testFixture: false,
};

const SMOLLM2_360M: GeneratorSpec = {
  id: 'smollm2-360m-instruct',
  label: 'SmolLM2 360M Instruct (English)',
  repo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
  revision: 'main',
  // The repo ships fp32, fp16, q4 and q4f16 only (no q8).
  dtype: { webgpu: 'q4f16', wasm: 'q4', cpu: 'q4' },
  sizeBytes: { q4f16: 299 * MB, q4: 417 * MB, fp16: 819 * MB, fp32: 1640 * MB },
  contextTokens: 8192,
  promptBudgetTokens: 3072,
  maxNewTokens: 384,
  license: 'Apache-2.0',
  quality:
    'SmolLM2 model card (arXiv:2502.02737), instruct models: IFEval (average prompt/instruction) 41.0 vs 31.6 for ' +
    'Qwen2.5-0.5B-Instruct; MT-Bench 3.66. English only, 8k context. ONNX weights by HuggingFaceTB.',
  sourceUrl: 'https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct',
  localOnly: false,
  testFixture: false,
};

const LLAMA32_1B: GeneratorSpec = {
  id: 'llama-3.2-1b-instruct',
  label: 'Llama 3.2 1B Instruct',
  repo: 'onnx-community/Llama-3.2-1B-Instruct',
  revision: 'main',
  dtype: { webgpu: 'q4f16', wasm: 'q4', cpu: 'q4' },
  sizeBytes: { q4f16: 1070 * MB, q4: 1660 * MB, q8: 1240 * MB },
  contextTokens: 131072,
  promptBudgetTokens: 4096,
  maxNewTokens: 384,
  license: 'Llama 3.2 Community License',
  quality:
    'Meta model card: IFEval 59.5, MMLU 49.3 (5-shot); 1.24B parameters, 8 languages, 128k context. SmolLM2 card: ' +
    'IFEval 53.5 in its comparison. ONNX export by onnx-community.',
  sourceUrl: 'https://huggingface.co/onnx-community/Llama-3.2-1B-Instruct',
  localOnly: false,
  testFixture: false,
};

const QWEN25_15B: GeneratorSpec = {
  id: 'qwen2.5-1.5b-instruct',
  label: 'Qwen2.5 1.5B Instruct',
  repo: 'onnx-community/Qwen2.5-1.5B-Instruct',
  revision: 'main',
  dtype: { webgpu: 'q4f16', wasm: 'q4', cpu: 'q4' },
  sizeBytes: { q4f16: 1220 * MB, q4: 1790 * MB, q8: 1580 * MB },
  contextTokens: 32768,
  promptBudgetTokens: 4096,
  maxNewTokens: 384,
  license: 'Apache-2.0',
  quality:
    'Qwen2.5 technical report: IFEval (prompt-level strict) 42.5, MMLU-redux 50.7; SmolLM2 card: IFEval 47.4. ' +
    '1.54B parameters, multilingual, 32k context. ONNX export by onnx-community.',
  sourceUrl: 'https://huggingface.co/onnx-community/Qwen2.5-1.5B-Instruct',
  localOnly: false,
  testFixture: false,
};

const SCRIPTED_CHAT_FIXTURE: GeneratorSpec = {
  id: 'trove/scripted-chat',
  label: 'Scripted chat (test fixture)',
  repo: 'trove/scripted-chat',
  revision: 'local',
  dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
  sizeBytes: { fp32: 1 * MB },
  contextTokens: 4096,
  promptBudgetTokens: 1536,
  maxNewTokens: 400,
  license: 'CC0-1.0 (generated)',
  quality:
    'Test fixture (scripts/make-generator-fixture.mjs): a one-layer causal LM whose greedy answer is a documented ' +
    'function of the prompt (a scripted sentence citing [1]; trigger words switch to other scripts). For tests only.',
  sourceUrl: 'scripts/make-generator-fixture.mjs',
  localOnly: true,
  testFixture: true,
};

export const GENERATOR_REGISTRY: Readonly<Record<string, GeneratorSpec>> = Object.freeze({
  [QWEN25_05B.id]: QWEN25_05B,
  [SMOLLM2_360M.id]: SMOLLM2_360M,
  [LLAMA32_1B.id]: LLAMA32_1B,
  [QWEN25_15B.id]: QWEN25_15B,
  [SCRIPTED_CHAT_FIXTURE.id]: SCRIPTED_CHAT_FIXTURE,
});

export const DEFAULT_GENERATOR_ID = QWEN25_05B.id;
/** The offline fixture used by tests, e2e and local builds (VITE_TROVE_MODEL=local). */
export const TEST_GENERATOR_ID = SCRIPTED_CHAT_FIXTURE.id;

export function listGenerators(): GeneratorSpec[] {
  return Object.values(GENERATOR_REGISTRY);
}

export function getGeneratorSpec(id: string): GeneratorSpec {
  const spec = Object.hasOwn(GENERATOR_REGISTRY, id) ? GENERATOR_REGISTRY[id] : undefined;
  if (!spec) {
    const valid = Object.keys(GENERATOR_REGISTRY).join(', ');
    throw new TroveError('INVALID_ARGUMENT', `Unknown answer model "${id}". Valid answer models: ${valid}.`);
  }
  return spec;
}

/** Download size of a spec's weights for a dtype, bytes (0 when the repo does not ship that dtype). */
export function generatorDownloadBytes(spec: GeneratorSpec, dtype = spec.dtype.wasm): number {
  return spec.sizeBytes[dtype] ?? 0;
}
