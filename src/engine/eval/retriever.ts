// What an evaluation ranks with: a retriever of corpus ids (BM25 alone, or the engine), and the passages behind
// its ranking for post-processing (reranking, MMR).

/** A retrieved passage (a chunk, or a whole document for BM25 alone), best first. */
export interface RankedPassage {
  /** Corpus id of its document. */
  docId: string;
  /** Unique per passage (chunk id, or corpus position). */
  key: number;
  text: string;
  score: number;
}

export interface Retriever {
  /** Ranked corpus ids, best first, at most `depth`. */
  search(query: string, depth: number): Promise<string[]>;
  /** The passages behind the ranking (for reranking and MMR), best first; enough to fill `depth` documents. */
  passages?(query: string, depth: number): Promise<RankedPassage[]>;
  close?(): Promise<void>;
}

/** Document ids in order of their best passage. */
export function bestPerDocument(passages: readonly RankedPassage[], depth: number): string[] {
  const ranked: string[] = [];
  const seen = new Set<string>();
  for (const passage of passages) {
    if (seen.has(passage.docId)) continue;
    seen.add(passage.docId);
    ranked.push(passage.docId);
    if (ranked.length === depth) break;
  }
  return ranked;
}
