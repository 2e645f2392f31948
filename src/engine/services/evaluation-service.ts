// Evaluation inside the app: a BEIR-layout test set is ingested into its own collection (one document per corpus
// line, named by its id), or an eval.jsonl is judged against the current library; then every configuration
// (keyword, semantic, hybrid RRF, weighted at a few alphas, each ± rerank) runs every query through the engine's
// own search and rerank, and the metrics of eval/metrics.ts are averaged. Cancellable between queries.
import type {
  CollectionSummary,
  ConfigurationResult,
  EvaluateRequest,
  EvaluationProgress,
  EvaluationRun,
  EvaluationSet,
  FileInput,
  IngestProgress,
  RerankResponse,
  SearchOptions,
  SearchResponse,
} from '../api/index.ts';
import { TroveError, throwIfAborted } from '../core/errors.ts';
import { standardConfigurations } from '../eval/configurations.ts';
import { EVALUATION_DEPTH, corpusFile, searchPassages } from '../eval/engine-retriever.ts';
import { buildDataset, parseSimpleEvalSet, type Dataset } from '../eval/dataset.ts';
import { evaluate } from '../eval/runner.ts';
import type { Serving } from '../library/active-model.ts';
import type { RetrievalConfiguration } from '../api/evaluation.ts';

export interface EvaluationHooks {
  /** Throws while the library is locked (or deleted). */
  requireLibrary: () => unknown;
  search: (query: string, options: SearchOptions) => Promise<SearchResponse>;
  rerank: (query: string, chunkIds: number[]) => Promise<RerankResponse | undefined>;
  ingest: (files: FileInput[], onProgress: (p: IngestProgress) => void) => Promise<IngestProgress[]>;
  listCollections: () => Promise<CollectionSummary[]>;
  createCollection: (name: string) => Promise<CollectionSummary>;
  /** Document names already in a collection (re-running a set does not ingest it again). */
  documentNames: (collection: string) => Set<string>;
  /** The model and vectors answering searches (whose fingerprint a run records). */
  serving: () => Serving | null;
  recordEvaluation: (fingerprint: string) => Promise<void>;
  /** A run finished on `set` (a model change is measured on it before it is made). */
  evaluated: (set: EvaluationSet) => void;
}

const INGEST_BATCH = 100;
/** Names the collection a BEIR set is ingested into. */
const EVALUATION_PREFIX = 'Evaluation: ';

export class EvaluationService {
  private controller?: AbortController;

  constructor(private readonly hooks: EvaluationHooks) {}

  cancel(): void {
    this.controller?.abort();
  }

  async run(
    request: EvaluateRequest,
    onProgress: (p: EvaluationProgress) => void = () => undefined,
  ): Promise<EvaluationRun> {
    this.hooks.requireLibrary();
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const signal = controller.signal;
    const { set } = request;
    const dataset: Dataset =
      set.kind === 'beir'
        ? buildDataset(set.name, { corpus: set.corpus, queries: set.queries, qrels: set.qrels })
        : parseSimpleEvalSet(set.text, set.name);
    if (dataset.queries.length === 0)
      throw new TroveError('INVALID_ARGUMENT', `${set.name}: no query has a relevant document.`);
    const collection = set.kind === 'beir' ? await this.ingestCorpus(dataset, onProgress, signal) : undefined;
    // eval.jsonl judges the user's library: the collections of earlier BEIR sets are left out.
    const scope = collection
      ? [collection]
      : (await this.hooks.listCollections()).filter((c) => !c.name.startsWith(EVALUATION_PREFIX)).map((c) => c.id);

    const configurations = request.configurations ?? standardConfigurations({ rerank: request.rerank !== false });
    const results: ConfigurationResult[] = [];
    for (const configuration of configurations) {
      throwIfAborted(signal);
      const result = await evaluate(
        dataset,
        (query, depth) =>
          this.rank(configuration, query.text, depth, dataset, query.id, scope, signal, set.kind === 'beir'),
        {
          k: EVALUATION_DEPTH,
          perQuery: true,
          signal,
          onProgress: (done, total) =>
            onProgress({ stage: 'evaluating', configuration: configuration.name, done, total }),
        },
      );
      results.push({ name: configuration.name, ...result, perQuery: result.perQuery ?? [] });
    }
    const fingerprint = this.hooks.serving()?.set.fingerprint;
    if (fingerprint) await this.hooks.recordEvaluation(fingerprint);
    if (this.controller === controller) this.controller = undefined;
    this.hooks.evaluated(set);
    return {
      setName: dataset.name,
      collection,
      queries: dataset.queries.map((q) => ({ id: q.id, text: q.text })),
      configurations: results,
      fingerprint,
      finishedAt: Date.now(),
    };
  }

  /**
   * Ranked ids for one query, through the same engine search as `npm run eval` (eval/engine-retriever.ts). A test
   * collection is judged by document id; only an eval.jsonl may name passages, by id, instead of documents.
   */
  private async rank(
    configuration: RetrievalConfiguration,
    text: string,
    depth: number,
    dataset: Dataset,
    queryId: string,
    collections: string[],
    signal: AbortSignal,
    byDocument: boolean,
  ): Promise<string[]> {
    let results = await searchPassages(this.hooks.search, text, depth, { ...configuration, collections });
    if (configuration.rerank && results.length > 1) {
      const reranked = await this.hooks.rerank(
        text,
        results.map((r) => r.chunkId),
      );
      throwIfAborted(signal);
      if (!reranked) throw new TroveError('CANCELLED');
      const byId = new Map(results.map((r) => [r.chunkId, r]));
      results = reranked.results.flatMap((r) => byId.get(r.chunkId) ?? []);
    }
    const judged = dataset.qrels.get(queryId);
    const byPassage =
      !byDocument &&
      judged !== undefined &&
      [...judged.keys()].some((key) => /^\d+$/.test(key) && !results.some((r) => r.documentName === key));
    return results.map((r) => (byPassage ? String(r.chunkId) : r.documentName));
  }

  private async ingestCorpus(
    dataset: Dataset,
    onProgress: (p: EvaluationProgress) => void,
    signal: AbortSignal,
  ): Promise<string> {
    const name = `${EVALUATION_PREFIX}${dataset.name}`;
    const existing = (await this.hooks.listCollections()).find((c) => c.name.toLowerCase() === name.toLowerCase());
    const collection = existing ?? (await this.hooks.createCollection(name));
    const have = this.hooks.documentNames(collection.id);
    const missing = dataset.corpus.filter((doc) => !have.has(doc.id));
    for (let from = 0; from < missing.length; from += INGEST_BATCH) {
      throwIfAborted(signal);
      const files: FileInput[] = missing
        .slice(from, from + INGEST_BATCH)
        .map((doc, i) => corpusFile(doc, `eval-${collection.id}-${from + i}-${Date.now()}`, collection.id));
      await this.hooks.ingest(files, () => undefined);
      onProgress({ stage: 'ingesting', done: Math.min(from + INGEST_BATCH, missing.length), total: missing.length });
    }
    return collection.id;
  }
}
