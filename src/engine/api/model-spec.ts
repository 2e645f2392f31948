// What a model is: the registry entry an embedder loads and uses (the registry itself is models/model-registry.ts).

export type Pooling = 'cls' | 'mean';
/**
 * How the ONNX graph takes its input. transformer: input_ids/attention_mask [batch, seq] with special tokens, returns
 * token vectors that we pool. static-bag (model2vec): flat input_ids without special tokens plus per-text offsets;
 * the graph averages each text's token vectors itself (EmbeddingBag) and returns one vector per text.
 */
export type ModelArchitecture = 'transformer' | 'static-bag';
/** Where inference runs: WebGPU or WASM in a browser, native CPU in Node (onnxruntime-node). */
export type EmbedDevice = 'webgpu' | 'wasm' | 'cpu';
/** transformers.js dtypes we use; each maps to an ONNX file (fp32: model.onnx, q8: model_quantized.onnx). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';

export interface ModelSpec {
  /** Registry id, stored in settings. */
  id: string;
  /** Hugging Face hub repo (also the folder under the local model path). */
  repo: string;
  /** Hub revision; part of the fingerprint so a changed upstream model is noticed. */
  revision: string;
  dims: number;
  architecture: ModelArchitecture;
  pooling: Pooling;
  /** L2-normalise vectors (cosine = dot). */
  normalize: boolean;
  /** Prepended to queries (bge: an instruction) and to passages. */
  queryPrefix: string;
  passagePrefix: string;
  /** Model input limit in tokens, special tokens included; longer inputs are truncated. */
  maxTokens: number;
  dtype: Record<EmbedDevice, ModelDtype>;
  /** Approximate download size of the ONNX file per dtype, MB. */
  sizeMB: Partial<Record<ModelDtype, number>>;
  /** Never fetched from the hub: only the local model path has it. */
  localOnly: boolean;
  /** A test fixture, not a product model. */
  testFixture: boolean;
  license: string;
  /** BCP 47 codes of the languages it is trained for; ['multilingual'] for ~100 languages. */
  languages: string[];
  /** Published retrieval quality, with its source. */
  quality: string;
  /** What it is for, in a few words (the Models view). */
  summary: string;
}
