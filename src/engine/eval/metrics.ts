// Ranking metrics as trec_eval computes them, over one query's ranked ids and its judgements.
// Relevant = grade > 0; nDCG uses the grade itself as the gain (linear), as trec_eval does.
// A ranking that repeats an id counts only its first occurrence (a document cannot be found twice).
import type { QueryMetrics } from '../api/evaluation.ts';

/** Judgements of one query: document id → grade. */
export type Judgements = ReadonlyMap<string, number>;

function relevantCount(judgements: Judgements): number {
  let n = 0;
  for (const grade of judgements.values()) if (grade > 0) n++;
  return n;
}

function gain(judgements: Judgements, id: string): number {
  return Math.max(0, judgements.get(id) ?? 0);
}

/** The ranking without repeated ids, cut at k. */
function distinct(ranked: readonly string[], k = Infinity): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ranked) {
    if (out.length >= k) break;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

/** Normalised discounted cumulative gain of the first k results. 0 when nothing is relevant. */
export function ndcgAt(ranking: readonly string[], judgements: Judgements, k: number): number {
  const ranked = distinct(ranking, k);
  let dcg = 0;
  const depth = Math.min(k, ranked.length);
  for (let i = 0; i < depth; i++) dcg += gain(judgements, ranked[i]) / Math.log2(i + 2);
  const ideal = [...judgements.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

/** Average precision over all relevant documents (those never retrieved count as precision 0). */
export function averagePrecision(ranking: readonly string[], judgements: Judgements): number {
  const ranked = distinct(ranking);
  const total = relevantCount(judgements);
  if (total === 0) return 0;
  let found = 0;
  let sum = 0;
  for (let i = 0; i < ranked.length; i++) {
    if (gain(judgements, ranked[i]) > 0) sum += ++found / (i + 1);
  }
  return sum / total;
}

/** Share of the relevant documents found in the first k results. */
export function recallAt(ranking: readonly string[], judgements: Judgements, k: number): number {
  const ranked = distinct(ranking, k);
  const total = relevantCount(judgements);
  if (total === 0) return 0;
  let found = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (gain(judgements, ranked[i]) > 0) found++;
  return found / total;
}

/** 1 / rank of the first relevant result within the first k, else 0. */
export function reciprocalRankAt(ranking: readonly string[], judgements: Judgements, k: number): number {
  const ranked = distinct(ranking, k);
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (gain(judgements, ranked[i]) > 0) return 1 / (i + 1);
  return 0;
}

export const METRIC_NAMES: readonly (keyof QueryMetrics)[] = ['ndcg@10', 'recall@10', 'recall@100', 'mrr@10', 'map'];

export function queryMetrics(ranked: readonly string[], judgements: Judgements): QueryMetrics {
  return {
    'ndcg@10': ndcgAt(ranked, judgements, 10),
    'recall@10': recallAt(ranked, judgements, 10),
    'recall@100': recallAt(ranked, judgements, 100),
    'mrr@10': reciprocalRankAt(ranked, judgements, 10),
    map: averagePrecision(ranked, judgements),
  };
}

/** Relevant documents (grade > 0) that the first k results missed, best grade first: what a drill-down lists. */
export function missedRelevant(ranked: readonly string[], judgements: Judgements, k: number): string[] {
  const found = new Set(distinct(ranked, k));
  return [...judgements]
    .filter(([id, grade]) => grade > 0 && !found.has(id))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([id]) => id);
}
