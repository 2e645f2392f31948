// Evaluation in the app: test sets run through every retrieval configuration, and measured model swaps.
import type { FusionSettings } from './search.ts';
import type { EngineSettings } from './settings.ts';

/** Every metric the eval reports, for one query (the Evaluate view's per-query drill-down uses these). */
export interface QueryMetrics {
  'ndcg@10': number;
  'recall@10': number;
  'recall@100': number;
  'mrr@10': number;
  map: number;
}

/** One query's metrics, with its first results and the relevant documents they missed. */
export interface QueryResult extends QueryMetrics {
  queryId: string;
  /** First 10 ids retrieved. */
  top: string[];
  /** Relevant ids not in the first 10. */
  missed: string[];
}

export interface RetrievalConfiguration {
  /** Short label for tables and charts, e.g. "hybrid w0.3 +rerank". */
  name: string;
  mode: 'keyword' | 'semantic' | 'hybrid';
  /** Hybrid only. */
  fusion?: FusionSettings;
  /** Rerank the top `rerankDepth` passages with the cross-encoder. */
  rerank: boolean;
}

export type EvaluationSet =
  | { kind: 'beir'; name: string; corpus: string; queries: string; qrels: string }
  | { kind: 'simple'; name: string; text: string };

export interface EvaluateRequest {
  set: EvaluationSet;
  /** Default: standardConfigurations(), with the rerank rows only when `rerank` is not false. */
  configurations?: RetrievalConfiguration[];
  rerank?: boolean;
}

export interface EvaluationProgress {
  stage: 'ingesting' | 'evaluating';
  configuration?: string;
  done: number;
  total: number;
}

export interface ConfigurationResult extends QueryMetrics {
  name: string;
  queries: number;
  perQuery: QueryResult[];
}

export interface EvaluationRun {
  setName: string;
  /** The collection the set was ingested into (BEIR), or undefined for the whole library. */
  collection?: string;
  queries: Array<{ id: string; text: string }>;
  configurations: ConfigurationResult[];
  /** Which model's vectors answered (the health report compares it with the current one). */
  fingerprint?: string;
  finishedAt: number;
}

export interface ModelComparisonProgress {
  /** Which model is being measured. */
  model: 'current' | 'candidate';
  stage: 'loading' | 'embedding' | 'ranking';
  done: number;
  total: number;
}

export interface ModelMetrics {
  modelId: string;
  fingerprint: string;
  'ndcg@10': number;
  'recall@10': number;
  'mrr@10': number;
}

export interface ModelComparison {
  setName: string;
  queries: number;
  documents: number;
  passages: number;
  current: ModelMetrics;
  candidate: ModelMetrics;
}

export interface EvaluationSetInfo {
  name: string;
  kind: EvaluationSet['kind'];
  queries: number;
  documents: number;
  /** Why this set cannot measure a swap, if it cannot. */
  unusable?: string;
}

export interface EvaluationApi {
  /** Runs a test set (BEIR files into their own collection, or eval.jsonl against the library) for every configuration. */
  evaluate(request: EvaluateRequest, onProgress?: (progress: EvaluationProgress) => void): Promise<EvaluationRun>;
  /** Stops a running evaluation between queries (it rejects with CANCELLED). */
  cancelEvaluation(): Promise<void>;
  /** The evaluation set of the last run in this session (what a model change is measured on), if any. */
  evaluationSetInfo(): Promise<EvaluationSetInfo | undefined>;
  /** The current model and the one these settings would use, measured on that set in a scratch index (library untouched). */
  compareModels(
    patch: Partial<EngineSettings>,
    onProgress?: (progress: ModelComparisonProgress) => void,
  ): Promise<ModelComparison>;
  /** Stops a running comparison (it rejects with CANCELLED). */
  cancelModelComparison(): Promise<void>;
}
