// "Copy as context": the top passages as a prompt block for a language model, with numbered citations.
import type { SearchOptions } from './search.ts';

export interface Citation {
  /** The number the block uses: [n]. */
  n: number;
  label: string;
  documentName: string;
  page?: number;
  headingPath?: readonly string[];
  chunkId?: number;
  /** The passage was cut to fit the budget. */
  trimmed: boolean;
}

export interface AssembledContext {
  text: string;
  /** countTokens(text): never above maxTokens. */
  tokens: number;
  citations: Citation[];
  /** Passages left out as duplicates of an earlier one. */
  duplicates: number;
  /** Passages left out for lack of budget (not checked for duplicates). */
  omitted: number;
}

export interface ContextRequest {
  question: string;
  /** The passages, best first (e.g. the shown results); absent: the question is searched and the top k taken. */
  chunkIds?: number[];
  k?: number;
  /** Search options when chunkIds is absent (mode, fusion, filter…). */
  search?: SearchOptions;
  /** Budget for the whole block, counted by the embedding model's tokenizer. */
  maxTokens: number;
  instruction?: string;
}

export interface ContextResponse extends AssembledContext {
  /** Which tokenizer counted: the embedding model's, or an estimate while it is not loaded. */
  tokenizer: string;
}

export interface ContextApi {
  /** The top passages as a prompt block for a language model, with numbered citations, within a token budget. */
  assembleContext(request: ContextRequest): Promise<ContextResponse>;
}
