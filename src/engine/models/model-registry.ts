// The embedding models Trove knows: everything the embedder needs to load a model and use it correctly.
import { TroveError } from '../core/errors.ts';
import type { ModelDtype, ModelSpec } from '../api/model-spec.ts';

const BGE_SMALL: ModelSpec = {
  id: 'bge-small-en-v1.5',
  repo: 'Xenova/bge-small-en-v1.5',
  revision: 'main',
  dims: 384,
  architecture: 'transformer',
  pooling: 'cls',
  normalize: true,
  queryPrefix: 'Represent this sentence for searching relevant passages: ',
  passagePrefix: '',
  maxTokens: 512,
  // Quantized WebGPU kernels have returned wrong vectors (reported upstream against transformers.js): fp32 there,
  // q8 on CPU/WASM.
  dtype: { webgpu: 'fp32', wasm: 'q8', cpu: 'q8' },
  sizeMB: { q8: 34, fp32: 133 },
  localOnly: false,
  testFixture: false,
  license: 'MIT',
  languages: ['en'],
  summary: 'Fast, small English model: the default.',
  quality:
    'BAAI model card: MTEB average 62.17, BEIR retrieval (15 sets) nDCG@10 51.68; SciFact 0.7127, NFCorpus 0.3426, ' +
    'ArguAna 0.5955 (MTEB results). 33M parameters.',
};

const MINILM_L6: ModelSpec = {
  id: 'all-MiniLM-L6-v2',
  repo: 'Xenova/all-MiniLM-L6-v2',
  revision: 'main',
  dims: 384,
  architecture: 'transformer',
  pooling: 'mean',
  normalize: true,
  queryPrefix: '',
  passagePrefix: '',
  maxTokens: 256, // trained with 128, sentence-transformers caps at 256
  dtype: { webgpu: 'fp32', wasm: 'q8', cpu: 'q8' },
  sizeMB: { q8: 23, fp32: 90 },
  localOnly: false,
  testFixture: false,
  license: 'Apache-2.0',
  languages: ['en'],
  summary: 'Smallest transformer; weaker than bge-small for search.',
  quality:
    'Smaller and faster, weaker: MTEB average ~56, BEIR retrieval nDCG@10 ~42 (MTEB leaderboard); ArguAna 0.5017 ' +
    '(MTEB results), SciFact ~0.645. 22M parameters.',
};

const GLOVE_FIXTURE: ModelSpec = {
  id: 'glove-50d-static',
  repo: 'trove/glove-50d-static',
  revision: 'local',
  dims: 50,
  architecture: 'transformer', // a BERT-shaped graph (Gather + masked mean) over GloVe vectors
  pooling: 'mean',
  normalize: true,
  queryPrefix: '',
  passagePrefix: '',
  maxTokens: 512,
  dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
  sizeMB: { fp32: 1 },
  localOnly: true,
  testFixture: true,
  license: 'PDDL-1.0 (GloVe 6B)',
  languages: ['en'],
  summary: 'Offline test fixture.',
  quality:
    'Test fixture (scripts/make-model-fixture.mjs): mean of GloVe word vectors, 5,050-word vocabulary; ' +
    'nDCG@10 0.038 on SciFact. For tests and offline plumbing only.',
};

/** The same words in another vector space (see scripts/make-model-fixture.mjs): tests switch models with it. */
const GLOVE_PERMUTED_FIXTURE: ModelSpec = {
  ...GLOVE_FIXTURE,
  id: 'glove-50d-permuted',
  repo: 'trove/glove-50d-permuted',
  quality: 'Test fixture: the GloVe fixture in another (orthogonally mapped) vector space, for model-switch tests.',
};

const BGE_BASE: ModelSpec = {
  id: 'bge-base-en-v1.5',
  repo: 'Xenova/bge-base-en-v1.5',
  revision: 'main',
  dims: 768,
  architecture: 'transformer',
  // BAAI card: CLS pooling, and the same retrieval instruction as bge-small for short queries (none for passages).
  pooling: 'cls',
  normalize: true,
  queryPrefix: 'Represent this sentence for searching relevant passages: ',
  passagePrefix: '',
  maxTokens: 512,
  dtype: { webgpu: 'fp32', wasm: 'q8', cpu: 'q8' },
  sizeMB: { q8: 110, fp32: 438 },
  localOnly: false,
  testFixture: false,
  license: 'MIT',
  languages: ['en'],
  summary: 'Stronger English model: better search, about 3x slower than bge-small, twice the vector size.',
  quality:
    'BAAI model card: MTEB average 63.55, BEIR retrieval (15 sets) nDCG@10 53.25 (bge-small: 62.17 / 51.68). ' +
    '109M parameters.',
};

const POTION_8M: ModelSpec = {
  id: 'potion-base-8M',
  repo: 'minishlab/potion-base-8M',
  revision: 'main',
  dims: 256,
  // model2vec: a static token-vector table distilled from a sentence transformer; no attention, so it embeds
  // orders of magnitude faster than a transformer and needs no GPU. Its ONNX graph (onnx/model.onnx) averages
  // the token vectors itself (inputs input_ids + offsets, output "embeddings"); no special tokens, no prefixes.
  architecture: 'static-bag',
  pooling: 'mean',
  normalize: true,
  queryPrefix: '',
  passagePrefix: '',
  maxTokens: 512, // model2vec truncates at 512 tokens by default
  // Only an fp32 export exists (30 MB); quantizing a lookup table buys little.
  dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
  sizeMB: { fp32: 30 },
  localOnly: false,
  testFixture: false,
  license: 'MIT',
  languages: ['en'],
  summary: 'Static (model2vec) model for weak devices: near-instant embedding, weaker search.',
  quality:
    'Model2Vec results (github.com/MinishLab/model2vec, results/README.md): MTEB average 51.08, retrieval 31.11 ' +
    '(all-MiniLM-L6-v2 in the same table: 56.09 / 41.95). 7.6M parameters.',
};

const MULTILINGUAL_E5_SMALL: ModelSpec = {
  id: 'multilingual-e5-small',
  repo: 'Xenova/multilingual-e5-small',
  revision: 'main',
  dims: 384,
  architecture: 'transformer',
  // intfloat model card: average pooling, and "query: " / "passage: " prefixes on every input (it was trained so).
  pooling: 'mean',
  normalize: true,
  queryPrefix: 'query: ',
  passagePrefix: 'passage: ',
  maxTokens: 512,
  dtype: { webgpu: 'fp32', wasm: 'q8', cpu: 'q8' },
  sizeMB: { q8: 118, fp32: 470 }, // mostly the 250k-token vocabulary
  localOnly: false,
  testFixture: false,
  license: 'MIT',
  languages: ['multilingual'],
  summary: 'Multilingual (about 100 languages, XLM-R vocabulary): for libraries not in English.',
  quality:
    'intfloat model card: Mr. TyDi (11 languages) average MRR@10 64.4 (BM25 33.3, multilingual-e5-base 65.9). ' +
    '118M parameters, 384 dimensions.',
};

/**
 * The GloVe fixture under a repo id that exists on no real hub, fetched from the build's model host
 * (VITE_TROVE_MODEL_HOST) like any product model: e2e/egress-host.spec.ts serves it from a local stand-in for the
 * hub, so the production download path (remote host, Cache Storage) is tested without the real hub.
 */
const GLOVE_HUB_FIXTURE: ModelSpec = {
  ...GLOVE_FIXTURE,
  id: 'glove-50d-hub',
  repo: 'trove-hub/glove-50d-static',
  revision: 'main',
  localOnly: false,
  summary: 'Test fixture fetched from the model host.',
  quality: 'Test fixture: the GloVe fixture served by a stand-in for the model host, for download and egress tests.',
};

export const MODEL_REGISTRY: Readonly<Record<string, ModelSpec>> = Object.freeze({
  [BGE_SMALL.id]: BGE_SMALL,
  [MINILM_L6.id]: MINILM_L6,
  [GLOVE_FIXTURE.id]: GLOVE_FIXTURE,
  [GLOVE_PERMUTED_FIXTURE.id]: GLOVE_PERMUTED_FIXTURE,
  [GLOVE_HUB_FIXTURE.id]: GLOVE_HUB_FIXTURE,
  [BGE_BASE.id]: BGE_BASE,
  [POTION_8M.id]: POTION_8M,
  [MULTILINGUAL_E5_SMALL.id]: MULTILINGUAL_E5_SMALL,
});

export const DEFAULT_MODEL_ID = BGE_SMALL.id;
/** The offline fixture used by tests and e2e. */
export const TEST_MODEL_ID = GLOVE_FIXTURE.id;

export function listModels(): ModelSpec[] {
  return Object.values(MODEL_REGISTRY);
}

// Models the user added from a Hugging Face repo (settings.customModels, validated by custom-model-settings.ts). The
// engine registers them whenever its settings change, so every getModelSpec (loading, chunk budget, status) knows them.
const customModels = new Map<string, ModelSpec>();

export function setCustomModels(specs: readonly ModelSpec[]): void {
  customModels.clear();
  for (const spec of specs)
    if (!Object.hasOwn(MODEL_REGISTRY, spec.id)) customModels.set(spec.id, Object.freeze({ ...spec }));
}

export function getModelSpec(id: string): ModelSpec {
  const spec = Object.hasOwn(MODEL_REGISTRY, id) ? MODEL_REGISTRY[id] : customModels.get(id);
  if (!spec) {
    const valid = Object.keys(MODEL_REGISTRY).join(', ');
    throw new TroveError('INVALID_ARGUMENT', `Unknown embedding model "${id}". Valid models: ${valid}.`);
  }
  return spec;
}

/**
 * Identifies a vector space: vectors with different fingerprints must never be compared.
 * e.g. "Xenova/bge-small-en-v1.5@main|q8|384|cls".
 */
export function modelFingerprint(spec: ModelSpec, dtype: ModelDtype): string {
  return `${spec.repo}@${spec.revision}|${dtype}|${spec.dims}|${spec.pooling}`;
}
