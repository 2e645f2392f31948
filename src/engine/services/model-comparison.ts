// A measured model swap: before the library is re-embedded with another model, both models are evaluated on the
// loaded evaluation set (a BEIR-layout corpus with queries and judgements) in a scratch in-memory index. The library
// is never touched: the corpus is cut into passages here, embedded by each model, and ranked by exact cosine
// (a document by its best passage), the way semantic search ranks; metrics come from eval/metrics.ts.
import type { EngineSettings, EvaluationSet } from '../api/index.ts';
import { TroveError, throwIfAborted } from '../core/errors.ts';
import type { Embedder } from '../embed/embedder.ts';
import { loadOptionsFor, loadWithBackend, type EmbedderLoader } from '../embed/embedder-backend.ts';
import { effectiveModelId } from '../models/effective-model.ts';
import { mergeSettings } from '../settings/settings.ts';
import { estimateTokens } from '../models/token-estimate.ts';
import { buildDataset, type Dataset } from '../eval/dataset.ts';
import { evaluate } from '../eval/runner.ts';
import type { EvaluationSetInfo, ModelComparison, ModelComparisonProgress, ModelMetrics } from '../api/index.ts';

/** Documents ranked per query: recall@10 and nDCG@10 need 10; a few more so ties at the edge do not matter. */
const DEPTH = 100;

export interface ModelComparisonParts {
  settings: () => EngineSettings;
  /** The embedder answering queries now (what the candidate is compared with). */
  current: () => Embedder | null;
  loadEmbedder: EmbedderLoader;
}

/** Measured model swaps in this session: on the set of the last evaluation run, one comparison at a time. */
export class ModelComparisons {
  /** The set of the last evaluation run in this session: a model change is measured on it before it is made. */
  private lastSet: EvaluationSet | undefined;
  private running: AbortController | undefined;

  constructor(private readonly parts: ModelComparisonParts) {}

  /** An evaluation ran on `set`: later comparisons use it. */
  evaluated(set: EvaluationSet): void {
    this.lastSet = set;
  }

  async setInfo(): Promise<EvaluationSetInfo | undefined> {
    return this.lastSet && evaluationSetInfo(this.lastSet);
  }

  /** The current model and the one these settings would use, measured on the last set in a scratch index. */
  async compare(
    patch: Partial<EngineSettings>,
    onProgress?: (progress: ModelComparisonProgress) => void,
  ): Promise<ModelComparison> {
    const set = this.lastSet;
    if (!set) throw new TroveError('NOT_FOUND', 'No evaluation set is loaded: run one in Evaluate first.');
    const dataset = comparisonDataset(set);
    const current = this.parts.current();
    if (!current)
      throw new TroveError(
        'MODEL_UNAVAILABLE',
        'The current model is not loaded, so there is nothing to compare with yet.',
      );
    const settings = this.parts.settings();
    const next = mergeSettings(settings, patch);
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    try {
      return await compareModels(
        dataset,
        current,
        () => loadWithBackend(loadOptionsFor(effectiveModelId(next), next), this.parts.loadEmbedder),
        {
          chunkTokens: settings.chunkTokens,
          signal: controller.signal,
          onProgress,
        },
      );
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  cancel(): void {
    this.running?.abort();
  }
}

export function comparisonDataset(set: EvaluationSet): Dataset {
  if (set.kind !== 'beir') {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `${set.name} judges your own library, which a model comparison must not touch: load a BEIR-layout set ` +
        '(corpus.jsonl, queries.jsonl, qrels.tsv) in Evaluate to measure a model change.',
    );
  }
  const dataset = buildDataset(set.name, { corpus: set.corpus, queries: set.queries, qrels: set.qrels });
  if (dataset.queries.length === 0)
    throw new TroveError('INVALID_ARGUMENT', `${set.name}: no query has a relevant document.`);
  return dataset;
}

export function evaluationSetInfo(set: EvaluationSet): EvaluationSetInfo {
  if (set.kind !== 'beir') {
    const queries = set.text.split('\n').filter((line) => line.trim()).length;
    let unusable = '';
    try {
      comparisonDataset(set);
    } catch (error) {
      unusable = error instanceof Error ? error.message : String(error);
    }
    return { name: set.name, kind: set.kind, queries, documents: 0, unusable };
  }
  const dataset = comparisonDataset(set);
  return { name: set.name, kind: set.kind, queries: dataset.queries.length, documents: dataset.corpus.length };
}

/** The corpus as passages of about `budget` estimated tokens (whole words), each tagged with its document. */
export function corpusPassages(dataset: Dataset, budget: number): { docIds: string[]; texts: string[] } {
  const docIds: string[] = [];
  const texts: string[] = [];
  for (const doc of dataset.corpus) {
    const words = (doc.title ? `${doc.title}\n\n${doc.text}` : doc.text).split(/\s+/).filter(Boolean);
    let current: string[] = [];
    let tokens = 0;
    for (const word of words) {
      const cost = estimateTokens(word);
      if (current.length > 0 && tokens + cost > budget) {
        docIds.push(doc.id);
        texts.push(current.join(' '));
        current = [];
        tokens = 0;
      }
      current.push(word);
      tokens += cost;
    }
    if (current.length > 0 || words.length === 0) {
      docIds.push(doc.id);
      texts.push(current.join(' '));
    }
  }
  return { docIds, texts };
}

export interface MeasureOptions {
  /** Passage size in estimated tokens (the library's chunk size), capped by what the model reads. */
  chunkTokens: number;
  signal?: AbortSignal;
  onProgress?: (stage: ModelComparisonProgress['stage'], done: number, total: number) => void;
}

/** nDCG@10, recall@10 and MRR@10 of one model on the set, from a scratch index of its own vectors. */
export async function measureEmbedder(
  dataset: Dataset,
  embedder: Embedder,
  options: MeasureOptions,
): Promise<ModelMetrics & { passages: number }> {
  const budget = Math.max(16, Math.min(options.chunkTokens, embedder.maxPassageTokens));
  const { docIds, texts } = corpusPassages(dataset, budget);
  const dims = embedder.model.dims;
  const vectors = await embedder.embedPassages(texts, {
    signal: options.signal,
    onProgress: (done, total) => options.onProgress?.('embedding', done, total),
  });
  throwIfAborted(options.signal);
  let ranked = 0;
  const result = await evaluate(
    dataset,
    async (query, depth) => {
      const q = await embedder.embedQuery(query.text);
      // Exact cosine (vectors are unit length); a document scores by its best passage.
      const best = new Map<string, number>();
      for (let p = 0; p < docIds.length; p++) {
        let dot = 0;
        const row = p * dims;
        for (let d = 0; d < dims; d++) dot += q[d] * vectors[row + d];
        if (dot > (best.get(docIds[p]) ?? -Infinity)) best.set(docIds[p], dot);
      }
      options.onProgress?.('ranking', ++ranked, dataset.queries.length);
      return [...best]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, depth)
        .map(([id]) => id);
    },
    { k: DEPTH, signal: options.signal },
  );
  return {
    modelId: embedder.model.id,
    fingerprint: embedder.fingerprint,
    'ndcg@10': result['ndcg@10'],
    'recall@10': result['recall@10'],
    'mrr@10': result['mrr@10'],
    passages: texts.length,
  };
}

/** Both models on the same set and passages; the candidate is loaded by `loadCandidate` and released afterwards. */
export async function compareModels(
  dataset: Dataset,
  current: Embedder,
  loadCandidate: () => Promise<Embedder>,
  options: Omit<MeasureOptions, 'onProgress'> & { onProgress?: (progress: ModelComparisonProgress) => void },
): Promise<ModelComparison> {
  const report =
    (model: ModelComparisonProgress['model']) =>
    (stage: ModelComparisonProgress['stage'], done: number, total: number) =>
      options.onProgress?.({ model, stage, done, total });
  const currentMetrics = await measureEmbedder(dataset, current, { ...options, onProgress: report('current') });
  throwIfAborted(options.signal);
  report('candidate')('loading', 0, 1);
  const candidate = await loadCandidate();
  try {
    throwIfAborted(options.signal);
    const measured = await measureEmbedder(dataset, candidate, { ...options, onProgress: report('candidate') });
    return {
      setName: dataset.name,
      queries: dataset.queries.length,
      documents: dataset.corpus.length,
      passages: currentMetrics.passages,
      current: withoutPassages(currentMetrics),
      candidate: withoutPassages(measured),
    };
  } finally {
    // Released in the background: the measured numbers do not wait for the candidate's session to close (a
    // comparison was seen to stay at "3 of 3 queries" for minutes after its last query was ranked).
    void candidate.dispose().catch(() => undefined);
  }
}

function withoutPassages(metrics: ModelMetrics & { passages: number }): ModelMetrics {
  return {
    modelId: metrics.modelId,
    fingerprint: metrics.fingerprint,
    'ndcg@10': metrics['ndcg@10'],
    'recall@10': metrics['recall@10'],
    'mrr@10': metrics['mrr@10'],
  };
}
