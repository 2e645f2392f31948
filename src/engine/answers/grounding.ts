// Grounded or silent: before the model is asked, the retrieved passages must look able to support an answer; when
// they do not, the page says so and shows the closest passages instead of letting a small model guess.
//
// Thresholds, and why:
// - Reranked: the cross-encoder's score is a calibrated relevance logit. ms-marco-MiniLM was trained with a binary
//   cross-entropy loss, so logit 0 is P(relevant) = 0.5: the top passage must reach it. Each reranker states its own
//   threshold in the registry (the GloVe test fixture's scale differs).
// - Not reranked: fused (RRF) scores only rank, and raw cosines are not comparable across embedding models (e5 puts
//   unrelated text above 0.7, GloVe above 0.5), so a cosine alone is no evidence unless the caller gives a threshold
//   calibrated for its model. A passage that matched the question's keywords (BM25) is.
import type { GroundingDecision } from '../api/answers.ts';

export interface GroundingEvidence {
  /** The rerank score when reranked, else the fused/search score. */
  score: number;
  /** Cosine to the question, when the passage came from the vector index. */
  cosine?: number;
  /** BM25 rank, when the passage matched the question's keywords. */
  bm25Rank?: number;
}

export interface GroundingOptions {
  reranked: boolean;
  /** Least top rerank score that counts as relevant (the reranker registry's answerThreshold). */
  minRerankScore?: number;
  /** A cosine calibrated for the embedding model; absent, cosine alone never makes a question answerable. */
  minCosine?: number;
}

/** P(relevant) = 0.5 for a cross-encoder trained with binary cross-entropy. */
export const DEFAULT_MIN_RERANK_SCORE = 0;

export function decideGrounding(passages: readonly GroundingEvidence[], options: GroundingOptions): GroundingDecision {
  if (passages.length === 0) {
    return { answerable: false, reason: 'No passage was found for this question.' };
  }
  if (options.reranked) {
    const threshold = options.minRerankScore ?? DEFAULT_MIN_RERANK_SCORE;
    const best = Math.max(...passages.map((p) => (Number.isFinite(p.score) ? p.score : -Infinity)));
    return best >= threshold
      ? { answerable: true, reason: `The best passage scores ${best.toFixed(2)} on the reranker (≥ ${threshold}).` }
      : {
          answerable: false,
          reason: `No passage scores above ${threshold} on the reranker (best ${best.toFixed(2)}): they do not seem to answer this.`,
        };
  }
  if (passages.some((p) => p.bm25Rank !== undefined)) {
    return { answerable: true, reason: 'Passages match the words of the question.' };
  }
  const minCosine = options.minCosine;
  if (minCosine !== undefined) {
    const best = Math.max(...passages.map((p) => p.cosine ?? -Infinity));
    if (best >= minCosine) {
      return { answerable: true, reason: `The closest passage has cosine ${best.toFixed(2)} (≥ ${minCosine}).` };
    }
  }
  return {
    answerable: false,
    reason: 'No passage shares words with the question, and meaning alone is not enough evidence without reranking.',
  };
}
