// Answers with citations: a local language model answers a question from the top passages, citing them as [n]. The
// types both the engine (answers/, the generator) and the page speak in.
import type { EmbedDevice } from './model-spec.ts';

/** transformers.js dtypes a generator ships in (q4f16: 4-bit weights, fp16 activations, for WebGPU). */
export type GeneratorDtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

export interface GeneratorSpec {
  /** Registry id, stored in settings. */
  id: string;
  /** Shown in the Models view. */
  label: string;
  /** Hugging Face hub repo (also the folder under the local model path). */
  repo: string;
  revision: string;
  /** The dtype loaded on each device (WebGPU only after the numeric self-check passes). */
  dtype: Record<EmbedDevice, GeneratorDtype>;
  /** Download size of the ONNX weights per dtype, bytes (tokenizer and config files add well under 1%). */
  sizeBytes: Partial<Record<GeneratorDtype, number>>;
  /** Tokens the model reads at most (prompt + answer). */
  contextTokens: number;
  /** Prompt budget the answer panel uses: context passages, thread, system prompt and question together. */
  promptBudgetTokens: number;
  /** Answer length cap in tokens. */
  maxNewTokens: number;
  license: string;
  /** Published quality (instruction following, RAG), with where each number comes from. */
  quality: string;
  /** Where the weights and the numbers come from. */
  sourceUrl: string;
  /** Never fetched from the hub: only the local model path has it. */
  localOnly: boolean;
  /** A test fixture, not a product model. */
  testFixture: boolean;
}

/** A message as the generator's chat template takes it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** One passage given to the model, numbered as the answer cites it. */
export interface AnswerContextPassage {
  /** 1-based citation number: the model cites this passage as [n]. */
  n: number;
  chunkId: number;
  documentId: number;
  /** The document's name or title. */
  title: string;
  /** Where in the document: "p. 3 — Methods › Sampling" (may be empty). */
  location: string;
  text: string;
  /** The score that ranked it: the rerank score when reranked, else the fused/search score. */
  score: number;
}

export interface AnswerRequest {
  question: string;
  /** Earlier turns of this thread, oldest first (without the question being asked). */
  thread: ChatTurn[];
  /** Best first; their `n` are the citation numbers. */
  passages: AnswerContextPassage[];
}

/** Streaming callback: the text added since the last call (words, not token ids). */
export type AnswerToken = (textDelta: string) => void;

export interface AnswerSentence {
  text: string;
  /** The valid citation numbers in it (in the context). */
  citations: number[];
  /** Has at least one valid citation; false marks an unsupported sentence. */
  cited: boolean;
}

export interface CheckedAnswer {
  /** The answer with out-of-context citations removed. */
  text: string;
  sentences: AnswerSentence[];
  /** Valid citation numbers used, ascending, each once. */
  citations: number[];
  /** Citations to passages not in the context, removed from the text. */
  droppedCitations: number;
  /** The model answered from the context (false: it said the context does not hold the answer). */
  grounded: boolean;
}

export interface GroundingDecision {
  answerable: boolean;
  /** Why, in words a user can read. */
  reason: string;
}

export type GeneratorStatus =
  | { state: 'not-downloaded' }
  | { state: 'downloading'; loaded: number; total: number }
  | { state: 'ready'; device: EmbedDevice; dtype: GeneratorDtype; note?: string }
  /** Answers come from a local Ollama server's model (answers/ollama-generator.ts). */
  | { state: 'ready'; server: string; model: string }
  | { state: 'failed'; message: string };

export interface GeneratedAnswer {
  /** The raw answer text (check it with checkCitations before showing citations). */
  text: string;
  /** Tokens generated. */
  tokens: number;
  stoppedBy: 'eos' | 'length' | 'cancel';
  /** Prompt tokens served from the previous turn's KV cache (0 when it could not be reused). */
  reusedPromptTokens: number;
  promptTokens: number;
  /** The passages the prompt held, numbered as the answer cites them. */
  passagesUsed: AnswerContextPassage[];
  /** The answer's citations checked against passagesUsed. */
  checked: CheckedAnswer;
}
