// Runs every judged query of a collection through a search function and averages the metrics.
import { throwIfAborted } from '../core/errors.ts';
import type { Dataset, EvalQuery } from './dataset.ts';
import { METRIC_NAMES, missedRelevant, queryMetrics } from './metrics.ts';
import type { QueryMetrics, QueryResult } from '../api/evaluation.ts';

/** Ranked document ids for a query, best first; asked for `depth` results. */
export type SearchFn = (query: EvalQuery, depth: number) => Promise<readonly string[]> | readonly string[];

export interface EvalOptions {
  /** Ranking depth that counts (trec_eval's usual 1000). */
  k?: number;
  onProgress?: (done: number, total: number) => void;
  /** Keep each query's top 10 and missed relevant ids (for a drill-down view). */
  perQuery?: boolean;
  /** Checked between queries: a long run can be cancelled (TroveError CANCELLED). */
  signal?: AbortSignal;
}

export interface EvalResult extends QueryMetrics {
  /** Number of queries evaluated. */
  queries: number;
  perQuery?: QueryResult[];
}

export async function evaluate(dataset: Dataset, search: SearchFn, options: EvalOptions = {}): Promise<EvalResult> {
  const k = options.k ?? 1000;
  const sums: QueryMetrics = { 'ndcg@10': 0, 'recall@10': 0, 'recall@100': 0, 'mrr@10': 0, map: 0 };
  const perQuery: QueryResult[] = [];
  let done = 0;
  const selfMatches = queriesFoundInCorpus(dataset);
  for (const query of dataset.queries) {
    throwIfAborted(options.signal);
    // One more than k, so that removing the query's own document (BEIR convention) still leaves k.
    const results = await search(query, k + 1);
    const seen = new Set<string>(selfMatches.has(query.id) ? [query.id] : []);
    const ranked: string[] = [];
    for (const id of results) {
      if (seen.has(id)) continue;
      seen.add(id);
      ranked.push(id);
      if (ranked.length === k) break;
    }
    const judgements = dataset.qrels.get(query.id) ?? new Map<string, number>();
    const metrics = queryMetrics(ranked, judgements);
    for (const name of METRIC_NAMES) sums[name] += metrics[name];
    if (options.perQuery) {
      perQuery.push({
        queryId: query.id,
        ...metrics,
        top: ranked.slice(0, 10),
        missed: missedRelevant(ranked, judgements, 10),
      });
    }
    options.onProgress?.(++done, dataset.queries.length);
  }
  const n = dataset.queries.length || 1;
  const result: EvalResult = { ...sums, queries: dataset.queries.length };
  for (const name of METRIC_NAMES) result[name] = sums[name] / n;
  if (options.perQuery) result.perQuery = perQuery;
  return result;
}

/**
 * Queries that are themselves a document of the corpus (ArguAna, Quora: same id, the query's text inside it), whose
 * own document is dropped from their ranking as BEIR does. In collections whose queries and documents are numbered
 * apart (MED, CISI, Cranfield) query 5 and document 5 are unrelated, and may even be judged relevant: kept there.
 */
function queriesFoundInCorpus(dataset: Dataset): Set<string> {
  const queries = new Map(dataset.queries.map((q) => [q.id, q]));
  const found = new Set<string>();
  for (const doc of dataset.corpus) {
    const query = queries.get(doc.id);
    if (!query || (dataset.qrels.get(query.id)?.get(doc.id) ?? 0) > 0) continue;
    if (normalise(`${doc.title} ${doc.text}`).includes(normalise(query.text))) found.add(query.id);
  }
  return found;
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
