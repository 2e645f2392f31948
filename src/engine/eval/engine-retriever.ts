// Vector and hybrid evaluation through the real engine: every corpus document is ingested as a text file
// (parse → chunk → embed → store → index) and ranked by the engine's search; a document ranks by its best chunk.
// Fusion settings other than the engine's own RRF are applied here, on the engine's keyword and semantic lists,
// so they can be measured before the engine exposes them. The caller builds the engine (a TroveEngine over a scratch
// store, with its embedder loader): this module sees only the part of its API it drives.
import type { SearchMode } from '../core/types.ts';
import type { TroveApi } from '../api/index.ts';
import type { SearchResult } from '../api/search.ts';
import type { IngestProgress } from '../api/ingest.ts';
import { TroveError } from '../core/errors.ts';
import { fuseKeywordAndVector } from '../retrieve/fuser.ts';
import type { CorpusDoc } from './dataset.ts';
import { bestPerDocument, type RankedPassage, type Retriever } from './retriever.ts';
import type { FusionSettings } from '../api/search.ts';

/** What an evaluation asks of the engine: start it, load its model, ingest the corpus, search. */
export type EvaluatedEngine = Pick<TroveApi, 'init' | 'loadModel' | 'ingest' | 'search'>;

export interface EngineRetrieverOptions {
  mode: Extract<SearchMode, 'semantic' | 'hybrid'>;
  /** A new engine over an empty library (called once per ingest). */
  createEngine: () => EvaluatedEngine;
  modelId: string;
  allowRemoteModels: boolean;
  localModelPath: string;
  onProgress?: (done: number, total: number) => void;
  /** Hybrid only; undefined = the engine's own fusion (RRF with its rrfK setting). */
  fusion?: FusionSettings;
  /** BM25 parameters of the engine's keyword side (engine defaults when absent). */
  bm25?: { k1?: number; b?: number };
}

const INGEST_BATCH = 200;

export async function createEngineRetriever(
  corpus: readonly CorpusDoc[],
  options: EngineRetrieverOptions,
): Promise<Retriever> {
  const engine = await ingestCorpus(corpus, options);
  return engineRetriever(engine, options.mode, options.fusion);
}

/** Ingests the corpus once; engineRetriever then gives a retriever per mode/fusion over the same library. */
export async function ingestCorpus(
  corpus: readonly CorpusDoc[],
  options: Omit<EngineRetrieverOptions, 'mode' | 'fusion'>,
): Promise<EvaluatedEngine> {
  const engine = options.createEngine();
  await engine.init({
    modelId: options.modelId,
    allowRemoteModels: options.allowRemoteModels,
    localModelPath: options.localModelPath,
    ...(options.bm25?.k1 !== undefined && { bm25K1: options.bm25.k1 }),
    ...(options.bm25?.b !== undefined && { bm25B: options.bm25.b }),
  });
  const status = await engine.loadModel();
  if (status.state !== 'ready') throw new TroveError('MODEL_UNAVAILABLE', status.error);

  const encoder = new TextEncoder();
  for (let from = 0; from < corpus.length; from += INGEST_BATCH) {
    const files = corpus.slice(from, from + INGEST_BATCH).map((doc, i) => ({
      jobId: String(from + i),
      name: doc.id,
      type: 'text/plain',
      // Documents of a test collection are distinct by id even when their text is equal (CACM has such pairs):
      // the library's skip of a file it already holds would drop a judged document.
      onDuplicate: 'keep-both' as const,
      data: encoder.encode(`${doc.title}\n\n${doc.text}`).buffer as ArrayBuffer,
    }));
    const results = await engine.ingest(files, () => undefined);
    const failed = results.filter((r) => r.stage !== 'done' && r.error?.code !== 'EMPTY_DOCUMENT');
    if (failed.length) {
      const [first] = failed;
      throw new TroveError(
        first.error?.code ?? 'PARSE_FAILED',
        `Corpus document “${first.fileName}” was not indexed (${first.stage}): ${notIndexedReason(first)}`,
      );
    }
    options.onProgress?.(Math.min(from + INGEST_BATCH, corpus.length), corpus.length);
  }
  return engine;
}

/** Why a file did not get in: its error, else the note of a skip, else its stage (never "undefined"). */
export function notIndexedReason(result: IngestProgress): string {
  return result.error?.message || result.note || `stopped at stage “${result.stage}”`;
}

/** A retriever over an ingested engine: keyword, semantic, or hybrid fused by the engine (fusion undefined) or here. */
export function engineRetriever(
  engine: Pick<TroveApi, 'search'>,
  mode: SearchMode,
  fusion?: FusionSettings,
): Retriever {
  const toPassage = (r: SearchResult, score: number): RankedPassage => ({
    docId: r.documentName,
    key: r.chunkId,
    text: r.text,
    score,
  });
  const passages = async (query: string, depth: number): Promise<RankedPassage[]> => {
    // Documents have several chunks: ask for more chunks than documents wanted.
    const k = Math.min(1000, depth * 3);
    if (mode !== 'hybrid' || !fusion) {
      const response = await engine.search(query, { mode, k });
      return response.results.map((r) => toPassage(r, r.scores.score));
    }
    const [keyword, semantic] = await Promise.all([
      engine.search(query, { mode: 'keyword', k }),
      engine.search(query, { mode: 'semantic', k }),
    ]);
    const byChunk = new Map<number, SearchResult>();
    for (const r of [...keyword.results, ...semantic.results]) byChunk.set(r.chunkId, r);
    const fused = fuseKeywordAndVector(
      keyword.results.map((r) => ({ id: r.chunkId, score: r.scores.bm25 ?? r.scores.score })),
      semantic.results.map((r) => ({ id: r.chunkId, score: r.scores.cosine ?? r.scores.score })),
      fusion,
    );
    return fused.map((hit) => toPassage(byChunk.get(hit.id)!, hit.score));
  };

  return {
    passages,
    async search(query, depth) {
      return bestPerDocument(await passages(query, depth), depth);
    },
  };
}
