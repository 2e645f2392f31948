// Ranking metrics as trec_eval computes them, over one query's ranked ids and its judgements.
// Relevant = grade > 0; nDCG uses the grade itself as the gain (linear), as trec_eval does.

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

/** Normalised discounted cumulative gain of the first k results. 0 when nothing is relevant. */
export function ndcgAt(ranked: readonly string[], judgements: Judgements, k: number): number {
  let dcg = 0;
  const depth = Math.min(k, ranked.length);
  for (let i = 0; i < depth; i++) dcg += gain(judgements, ranked[i]) / Math.log2(i + 2);
  const ideal = [...judgements.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

/** Average precision over all relevant documents (those never retrieved count as precision 0). */
export function averagePrecision(ranked: readonly string[], judgements: Judgements): number {
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
export function recallAt(ranked: readonly string[], judgements: Judgements, k: number): number {
  const total = relevantCount(judgements);
  if (total === 0) return 0;
  let found = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (gain(judgements, ranked[i]) > 0) found++;
  return found / total;
}

/** 1 / rank of the first relevant result within the first k, else 0. */
export function reciprocalRankAt(ranked: readonly string[], judgements: Judgements, k: number): number {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (gain(judgements, ranked[i]) > 0) return 1 / (i + 1);
  return 0;
}
