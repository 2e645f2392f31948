// Stages after retrieval, applied on the eval side so they can be measured before the engine runs them:
// MMR diversification of the top passages, then cross-encoder reranking of the top N. Both reorder only a head
// of the list; the tail keeps its order behind it.
import { throwIfAborted } from '../core/errors.ts';
import { mmrRerank } from '../retrieve/mmr.ts';
import { rerank, type Reranker } from '../rerank/reranker.ts';
import { bestPerDocument, type RankedPassage, type Retriever } from './retriever.ts';

export interface PostProcessOptions {
  /** MMR over the first mmrDepth passages. */
  mmr?: { lambda: number; depth?: number; embed: (texts: string[]) => Promise<Float32Array>; dims: number };
  /** Cross-encoder over the first rerankDepth passages (default 30). */
  reranker?: Reranker;
  rerankDepth?: number;
  signal?: AbortSignal;
}

export const DEFAULT_RERANK_DEPTH = 30;
const DEFAULT_MMR_DEPTH = 100;

/** A retriever whose passages go through MMR and/or reranking before documents are ranked by their best passage. */
export function withPostProcessing(retriever: Retriever, options: PostProcessOptions): Retriever {
  const source = retriever.passages?.bind(retriever);
  if (!source) throw new Error('post-processing needs a retriever that returns passages');
  if (!options.mmr && !options.reranker) return retriever;
  const passages = async (query: string, depth: number): Promise<RankedPassage[]> => {
    let list = await source(query, depth);
    throwIfAborted(options.signal);
    if (options.mmr) {
      const { lambda, embed, dims } = options.mmr;
      const head = list.slice(0, options.mmr.depth ?? DEFAULT_MMR_DEPTH);
      const vectors = head.length ? await embed(head.map((p) => p.text)) : new Float32Array(0);
      const byKey = new Map(head.map((p, i) => [p.key, vectors.subarray(i * dims, (i + 1) * dims)]));
      const diversified = mmrRerank(
        head.map((p) => ({ ...p, id: p.key })),
        (key) => byKey.get(key),
        lambda,
      );
      list = [...diversified, ...list.slice(head.length)];
    }
    if (options.reranker) {
      const head = list.slice(0, options.rerankDepth ?? DEFAULT_RERANK_DEPTH);
      const reranked = await rerank(options.reranker, query, head, (p) => p.text, { signal: options.signal });
      list = [...reranked.map((r) => ({ ...r.item, score: r.rerankScore })), ...list.slice(head.length)];
    }
    return list;
  };
  return {
    passages,
    async search(query, depth) {
      return bestPerDocument(await passages(query, depth), depth);
    },
    close: retriever.close?.bind(retriever),
  };
}
