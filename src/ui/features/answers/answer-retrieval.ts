// Retrieval for an answer, in the search engine's worker: the standalone query searched with the page's current
// mode, filters and fusion, reranked by the cross-encoder when reranking is on, and the top passages numbered as the
// answer's context. Each passage keeps its search result, so a citation opens it in the viewer where it lies.
import type { AnswerContextPassage, SearchOptions, SearchResult } from '../../../engine/api/index.ts';
import { formatLocation } from '../../components/format.ts';
import type { Engine } from '../../client/engine-client.ts';

/** Results searched for an answer (the reranker reorders these). */
const SEARCHED = 20;
/** Passages offered to the generator; the prompt budget may keep fewer. */
export const CONTEXT_PASSAGES = 5;

export interface RetrievedPassage {
  passage: AnswerContextPassage;
  result: SearchResult;
  /** A saved thread's passage no longer in the library (its document deleted or re-indexed): it cannot open. */
  gone?: boolean;
}

export interface Retrieval {
  passages: RetrievedPassage[];
  reranked: boolean;
}

export async function retrieveForAnswer(
  engine: Engine,
  query: string,
  options: SearchOptions,
  rerank: boolean,
): Promise<Retrieval> {
  const response = await engine.search(query, { ...options, k: SEARCHED });
  let results = response.results;
  let reranked = false;
  if (rerank && results.length > 1) {
    const answer = await engine.rerank(
      query,
      results.map((r) => r.chunkId),
    );
    if (answer) {
      const byId = new Map(results.map((r) => [r.chunkId, r]));
      results = answer.results.flatMap((r) => {
        const result = byId.get(r.chunkId);
        return result ? [{ ...result, scores: { ...result.scores, rerank: r.rerank, rerankRank: r.rerankRank } }] : [];
      });
      reranked = true;
    }
  }
  const passages = results.slice(0, CONTEXT_PASSAGES).map((result, index) => ({
    result,
    passage: toContextPassage(result, index + 1, reranked),
  }));
  return { passages, reranked };
}

/** A search result as the generator's context passage number n. */
export function toContextPassage(result: SearchResult, n: number, reranked: boolean): AnswerContextPassage {
  const location = [
    formatLocation(result.page, result.headingPath),
    result.row !== undefined ? `row ${result.row}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    n,
    chunkId: result.chunkId,
    documentId: result.documentId,
    title: result.documentName,
    location,
    text: result.text,
    score: reranked && result.scores.rerank !== undefined ? result.scores.rerank : result.scores.score,
  };
}
