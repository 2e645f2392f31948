// Evaluation through the real engine, the one path shared by `npm run eval` (keyword, vector and hybrid modes) and
// the Evaluate view (services/evaluation-service.ts): every corpus document is ingested as the same text file
// (parse → chunk → embed → store → index), each query is ranked by the engine's own search (its analyzer, BM25
// settings and fusion) at the same depth, and a document ranks by its best passage. The caller builds the engine
// (a TroveEngine over a scratch store, with its embedder loader): this module sees only the part of its API it drives.
import type { FileInput, IngestProgress } from '../api/ingest.ts';
import type { TroveApi } from '../api/index.ts';
import type { FusionSettings, SearchOptions, SearchResponse, SearchResult } from '../api/search.ts';
import { TroveError } from '../core/errors.ts';
import type { SearchMode } from '../core/types.ts';
import type { CorpusDoc } from './dataset.ts';
import { bestPerDocument, type RankedPassage, type Retriever } from './retriever.ts';

/** What an evaluation asks of the engine: start it, load its model, ingest the corpus, search, and end it. */
export type EvaluatedEngine = Pick<TroveApi, 'init' | 'loadModel' | 'ingest' | 'search'> & { close?(): Promise<void> };

/** Documents ranked per query, by both paths unless asked otherwise (recall@100 needs 100). */
export const EVALUATION_DEPTH = 100;

export interface EngineRetrieverOptions {
  mode: SearchMode;
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
  const engine = await ingestCorpus(corpus, { ...options, requireModel: options.mode !== 'keyword' });
  return engineRetriever(engine, options.mode, options.fusion);
}

/**
 * A corpus document as the text file the engine ingests. Documents of a test collection are distinct by id even
 * when their text is equal (CACM has such pairs): the library's skip of a file it already holds would drop a
 * judged document, so both are kept.
 */
export function corpusFile(doc: CorpusDoc, jobId: string, collection?: string): FileInput {
  return {
    jobId,
    name: doc.id,
    type: 'text/plain',
    onDuplicate: 'keep-both',
    ...(collection !== undefined && { collection }),
    data: new TextEncoder().encode(doc.title ? `${doc.title}\n\n${doc.text}` : doc.text).buffer as ArrayBuffer,
  };
}

/** Ingests the corpus once; engineRetriever then gives a retriever per mode/fusion over the same library. */
export async function ingestCorpus(
  corpus: readonly CorpusDoc[],
  options: Omit<EngineRetrieverOptions, 'mode' | 'fusion'> & { requireModel?: boolean },
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
  if (status.state !== 'ready' && options.requireModel !== false)
    throw new TroveError('MODEL_UNAVAILABLE', status.error);

  for (let from = 0; from < corpus.length; from += INGEST_BATCH) {
    const files = corpus.slice(from, from + INGEST_BATCH).map((doc, i) => corpusFile(doc, String(from + i)));
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

/** How one query is searched: the mode, hybrid's fusion (undefined: the engine's own), the collections searched. */
export interface PassageSearch {
  mode: SearchMode;
  fusion?: FusionSettings;
  collections?: string[];
}

/**
 * The passages behind `depth` documents: the engine's search, asked for more passages than documents wanted
 * (documents have several), with the fusion handed to the engine so both lists are fused at the engine's depth.
 */
export async function searchPassages(
  search: (query: string, options: SearchOptions) => Promise<SearchResponse>,
  query: string,
  depth: number,
  how: PassageSearch,
): Promise<SearchResult[]> {
  const response = await search(query, {
    mode: how.mode,
    k: Math.min(1000, depth * 3),
    fusion: how.mode === 'hybrid' ? how.fusion : undefined,
    ...(how.collections && { filter: { collections: how.collections } }),
  });
  return response.results;
}

/** A retriever over an ingested engine: keyword, semantic, or hybrid (the engine's fusion or the one given). */
export function engineRetriever(
  engine: Pick<EvaluatedEngine, 'search' | 'close'>,
  mode: SearchMode,
  fusion?: FusionSettings,
): Retriever {
  const passages = async (query: string, depth: number): Promise<RankedPassage[]> =>
    (await searchPassages(engine.search, query, depth, { mode, fusion })).map((r) => ({
      docId: r.documentName,
      key: r.chunkId,
      text: r.text,
      score: r.scores.score,
    }));
  return {
    passages,
    async search(query, depth) {
      return bestPerDocument(await passages(query, depth), depth);
    },
    async close() {
      await engine.close?.();
    },
  };
}
