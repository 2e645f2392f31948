// Search: keyword (BM25) and vector retrieval over the in-memory indexes, fused, then results built from the
// stored chunks. It always answers: without a usable model (loading, unavailable, or failing at run time) it
// answers by keyword and says why.
import type { EngineSettings, SearchFilter, SearchOptions, SearchResponse, SearchResult } from '../api/index.ts';
import { TroveError, isAbort, toErrorInfo } from '../core/errors.ts';
import type { LibraryCatalogue } from '../library/catalogue.ts';
import { SEARCH_K, describeRange } from '../core/limits.ts';
import { analyzeQuery } from '../lexical/analyzer.ts';
import type { ActiveModel, Serving } from '../library/active-model.ts';
import type { FusedHit } from '../retrieve/fusion.ts';
import { fuseKeywordAndVector } from '../retrieve/fuser.ts';
import { mmrRerank } from '../retrieve/mmr.ts';
import { storedVectorsOf } from '../retrieve/stored-vectors.ts';
import { documentMatches, isActive } from '../retrieve/filters.ts';
import { buildResults } from '../retrieve/results.ts';
import type { Store } from '../store/store.ts';
import type { Hit, SearchMode } from '../core/types.ts';

/** Candidates taken from each retriever before fusion. */
const CANDIDATES = 100;
/** MMR picks the top k from this many times k candidates (at least MMR_MIN_POOL). */
const MMR_POOL = 3;
const MMR_MIN_POOL = 30;

/** Fuses the keyword and vector lists (in that order) into one ranking. */
export type FuseFn = (lists: Hit[][], settings: EngineSettings) => FusedHit[];

export interface SearchContext {
  store: () => Store;
  catalogue: LibraryCatalogue;
  model: Pick<ActiveModel, 'embedder' | 'status' | 'markFailed'>;
  settings: () => EngineSettings;
  fuse: FuseFn;
  /** The model and vectors answering semantic searches (the previous ones while a model switch re-embeds). */
  serving: () => Serving | null;
}

export class SearchService {
  constructor(private readonly ctx: SearchContext) {}

  async search(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    this.ctx.store(); // LOCKED while locked
    return search(this.ctx, query, options);
  }
}

async function search(ctx: SearchContext, query: string, options: SearchOptions = {}): Promise<SearchResponse> {
  const started = performance.now();
  const requestedMode: SearchMode = options.mode ?? 'hybrid';
  if (!['hybrid', 'semantic', 'keyword'].includes(requestedMode)) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `mode must be hybrid, semantic or keyword, got "${String(requestedMode)}".`,
    );
  }
  const k = options.k ?? 10;
  if (!Number.isFinite(k)) throw new TroveError('INVALID_ARGUMENT', `k must be ${describeRange(SEARCH_K)}.`);
  const topK = Math.min(SEARCH_K.max, Math.max(SEARCH_K.min, Math.floor(k)));
  const { catalogue, model } = ctx;
  // The query is analysed as each language the library holds, so each document is matched the way it was indexed.
  const held = catalogue.languages();
  const terms = analyzeQuery(query, held.languages, held.hasCode);
  const wanted: SearchFilter = { ...options.filter };
  if (options.documentIds?.length) wanted.documentIds = [...(wanted.documentIds ?? []), ...options.documentIds];
  // A filter looks at every document: it waits for the list (read just after start-up, see catalogue.load).
  if (isActive(wanted)) await catalogue.documents();
  const filter = isActive(wanted) ? catalogue.chunkFilter((doc) => documentMatches(doc, wanted)) : undefined;
  const response = (mode: SearchMode, results: SearchResult[], notice?: string): SearchResponse => ({
    query,
    mode,
    requestedMode,
    results,
    tookMs: performance.now() - started,
    notice,
  });
  if (!query.trim()) return response(requestedMode, []);

  let mode = requestedMode;
  let notice: string | undefined;
  const serving = ctx.serving();
  if (mode !== 'keyword' && !serving) {
    mode = 'keyword';
    const state = model.status.state;
    notice =
      state === 'loading' || state === 'idle' || (model.embedder && !catalogue.vectors)
        ? 'The semantic model is still loading: showing keyword results.'
        : 'The semantic model is not available: showing keyword results.';
  } else if (mode !== 'keyword' && serving?.previous) {
    notice =
      `Re-embedding the library for ${model.status.modelId}: ${catalogue.pendingVectors} passages to go. ` +
      `Semantic results come from ${serving.embedder.model.id} until then.`;
  } else if (mode !== 'keyword' && catalogue.pendingVectors > 0) {
    notice = `${catalogue.pendingVectors} passages are still waiting for vectors and can only be found by keyword.`;
  }

  // Each retriever returns at least CANDIDATES (more when k asks for more), so fusion sees both lists' tails.
  const depth = Math.max(CANDIDATES, topK);
  let vectorHits: Hit[] = [];
  if (mode !== 'keyword' && serving) {
    try {
      const queryVector = await serving.embedder.embedQuery(query);
      // The previous model's set is not kept in step with deletes: only live chunks count.
      const live = serving.previous ? (id: number) => catalogue.isLive(id) && (!filter || filter(id)) : filter;
      vectorHits = serving.set.search(queryVector, depth, live);
    } catch (error) {
      if (isAbort(error)) throw error;
      // WebGPU device lost, ONNX Runtime abort…: answer by keyword, and stop using the model until a retry.
      if (!serving.previous) model.markFailed(error);
      mode = 'keyword';
      notice = `The semantic model failed (${toErrorInfo(error).message}): showing keyword results.`;
    }
  }
  const keywordHits = mode === 'semantic' ? [] : catalogue.searchKeyword(terms, depth, wanted.collections, filter);

  let fused: FusedHit[] =
    mode === 'hybrid'
      ? options.fusion
        ? fuseKeywordAndVector(keywordHits, vectorHits, options.fusion)
        : ctx.fuse([keywordHits, vectorHits], ctx.settings())
      : (mode === 'keyword' ? keywordHits : vectorHits).map((hit, i) => ({
          id: hit.id,
          score: hit.score,
          sources:
            mode === 'keyword'
              ? [{ rank: i + 1, score: hit.score }, undefined]
              : [undefined, { rank: i + 1, score: hit.score }],
        }));
  if (options.mmr && serving) {
    // Diversify the head of the list by the serving model's stored vectors; the tail keeps its order behind it.
    const head = fused.slice(0, Math.max(topK * MMR_POOL, MMR_MIN_POOL));
    const vectors = await storedVectorsOf(
      ctx.store(),
      serving.set.fingerprint,
      head.map((h) => h.id),
      (id) => catalogue.documentOf(id),
    );
    fused = [...mmrRerank(head, (id) => vectors.get(id), options.mmr.lambda), ...fused.slice(head.length)];
  }
  const top = fused.slice(0, topK);
  const chunks = new Map((await ctx.store().getChunks(top.map((h) => h.id))).map((c) => [c.id, c]));
  const docs = await catalogue.documentsById(
    ctx.store(),
    [...chunks.values()].map((c) => c.docId),
  );
  return response(mode, buildResults(top, chunks, docs, terms), notice);
}
