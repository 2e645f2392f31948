// Runs every judged query of a collection through a search function and averages the metrics.
import type { Dataset, EvalQuery } from './dataset.ts';
import { averagePrecision, ndcgAt, recallAt, reciprocalRankAt } from './metrics.ts';

/** Ranked document ids for a query, best first; asked for `depth` results. */
export type SearchFn = (query: EvalQuery, depth: number) => Promise<readonly string[]> | readonly string[];

export interface EvalOptions {
  /** Ranking depth that counts (trec_eval's usual 1000). */
  k?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface EvalResult {
  'ndcg@10': number;
  map: number;
  'recall@100': number;
  'mrr@10': number;
  /** Number of queries evaluated. */
  queries: number;
}

export async function evaluate(dataset: Dataset, search: SearchFn, options: EvalOptions = {}): Promise<EvalResult> {
  const k = options.k ?? 1000;
  const sums = { ndcg: 0, map: 0, recall: 0, mrr: 0 };
  let done = 0;
  for (const query of dataset.queries) {
    // One more than k, so that removing the query's own id (BEIR convention) still leaves k.
    const results = await search(query, k + 1);
    const seen = new Set<string>([query.id]);
    const ranked: string[] = [];
    for (const id of results) {
      if (seen.has(id)) continue;
      seen.add(id);
      ranked.push(id);
      if (ranked.length === k) break;
    }
    const judgements = dataset.qrels.get(query.id) ?? new Map<string, number>();
    sums.ndcg += ndcgAt(ranked, judgements, 10);
    sums.map += averagePrecision(ranked, judgements);
    sums.recall += recallAt(ranked, judgements, 100);
    sums.mrr += reciprocalRankAt(ranked, judgements, 10);
    options.onProgress?.(++done, dataset.queries.length);
  }
  const n = dataset.queries.length || 1;
  return {
    'ndcg@10': sums.ndcg / n,
    map: sums.map / n,
    'recall@100': sums.recall / n,
    'mrr@10': sums.mrr / n,
    queries: dataset.queries.length,
  };
}
