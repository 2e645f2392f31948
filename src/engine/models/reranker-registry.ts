// The cross-encoder rerankers Trove knows, beside the embedding models of embed/model-registry.ts.
import { TroveError } from '../core/errors.ts';
import type { EmbedDevice, ModelDtype } from '../api/model-spec.ts';

export interface RerankerSpec {
  /** Registry id, stored in settings. */
  id: string;
  /** Hugging Face hub repo (also the folder under the local model path). */
  repo: string;
  revision: string;
  /** Input limit of a (query, passage) pair in tokens, special tokens included; longer pairs are truncated. */
  maxTokens: number;
  dtype: Record<EmbedDevice, ModelDtype>;
  /** Approximate download size of the ONNX file per dtype, MB. */
  sizeMB: Partial<Record<ModelDtype, number>>;
  localOnly: boolean;
  testFixture: boolean;
  license: string;
  /** Published quality, with its source. */
  quality: string;
  /** Least top score for which the passages are taken to hold an answer (answers/grounding.ts); absent: 0. */
  answerThreshold?: number;
}

const MS_MARCO_MINILM_L6: RerankerSpec = {
  id: 'ms-marco-MiniLM-L-6-v2',
  repo: 'Xenova/ms-marco-MiniLM-L-6-v2',
  revision: 'main',
  maxTokens: 512,
  // As for the embedders: quantized WebGPU kernels are not trusted (wrong vectors reported upstream).
  dtype: { webgpu: 'fp32', wasm: 'q8', cpu: 'q8' },
  sizeMB: { q8: 23, fp32: 91 },
  localOnly: false,
  testFixture: false,
  license: 'Apache-2.0',
  quality:
    'cross-encoder/ms-marco-MiniLM-L-6-v2 model card: MS MARCO dev MRR@10 39.01, TREC DL 2019 nDCG@10 74.30 ' +
    '(reranking BM25 top 1000); 22.7M parameters, 6 layers, hidden 384. ONNX export by Xenova.',
  // Trained with binary cross-entropy: logit 0 is P(relevant) = 0.5.
  answerThreshold: 0,
};

const GLOVE_CROSS_ENCODER_FIXTURE: RerankerSpec = {
  id: 'glove-50d-cross-encoder',
  repo: 'trove/glove-50d-cross-encoder',
  revision: 'local',
  maxTokens: 512,
  dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
  sizeMB: { fp32: 1 },
  localOnly: true,
  testFixture: true,
  license: 'PDDL-1.0 (GloVe 6B)',
  quality:
    'Test fixture (scripts/make-reranker-fixture.mjs): cosine of summed GloVe vectors of query and passage plus ' +
    'the share of query words in the passage. For tests and offline plumbing only.',
  // Unrelated text still has a GloVe cosine near 0.5; a relevant passage adds most of the query's words (up to +1).
  answerThreshold: 1,
};

export const RERANKER_REGISTRY: Readonly<Record<string, RerankerSpec>> = Object.freeze({
  [MS_MARCO_MINILM_L6.id]: MS_MARCO_MINILM_L6,
  [GLOVE_CROSS_ENCODER_FIXTURE.id]: GLOVE_CROSS_ENCODER_FIXTURE,
});

export const DEFAULT_RERANKER_ID = MS_MARCO_MINILM_L6.id;
/** The offline fixture used by tests and e2e. */
export const TEST_RERANKER_ID = GLOVE_CROSS_ENCODER_FIXTURE.id;

export function listRerankers(): RerankerSpec[] {
  return Object.values(RERANKER_REGISTRY);
}

export function getRerankerSpec(id: string): RerankerSpec {
  const spec = Object.hasOwn(RERANKER_REGISTRY, id) ? RERANKER_REGISTRY[id] : undefined;
  if (!spec) {
    const valid = Object.keys(RERANKER_REGISTRY).join(', ');
    throw new TroveError('INVALID_ARGUMENT', `Unknown reranker "${id}". Valid rerankers: ${valid}.`);
  }
  return spec;
}
