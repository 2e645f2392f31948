// Builds a search function over a collection for the eval runner. `bm25` ranks whole documents (title + " " + text
// in one field, as Anserini's "flat" BEIR baselines) without the engine: a reference point, not what the app does.
// `keyword`, `vector` and `hybrid` run the engine's own search over passages, as the Evaluate view does.
import { TroveError } from '../core/errors.ts';
import { createAnalyzer, type AnalyzerOptions } from '../lexical/analyzer.ts';
import { Bm25Index, type Bm25Options } from '../lexical/bm25.ts';
import type { CorpusDoc } from './dataset.ts';
import { createEngineRetriever, type EngineRetrieverOptions } from './engine-retriever.ts';
import { bestPerDocument, type RankedPassage, type Retriever } from './retriever.ts';
import type { FusionSettings } from '../api/search.ts';

export type RetrievalMode = 'bm25' | 'keyword' | 'vector' | 'hybrid';

export interface RetrieverOptions {
  bm25?: Bm25Options;
  analyzer?: AnalyzerOptions;
  /** Keyword, vector and hybrid modes run through the engine: which engine, and which model it loads. */
  engine?: Omit<EngineRetrieverOptions, 'mode' | 'onProgress' | 'fusion' | 'bm25'>;
  /** Hybrid only: how keyword and vector lists are fused (default: the engine's RRF). */
  fusion?: FusionSettings;
  onProgress?: (done: number, total: number) => void;
}

export async function createRetriever(
  mode: RetrievalMode,
  corpus: readonly CorpusDoc[],
  options: RetrieverOptions = {},
): Promise<Retriever> {
  switch (mode) {
    case 'bm25':
      return createBm25Retriever(corpus, options);
    case 'keyword':
    case 'vector':
    case 'hybrid': {
      if (!options.engine)
        throw new TroveError('INVALID_ARGUMENT', `mode ${mode} needs engine options (model and store).`);
      return createEngineRetriever(corpus, {
        ...options.engine,
        mode: mode === 'vector' ? 'semantic' : mode,
        fusion: mode === 'hybrid' ? options.fusion : undefined,
        bm25: options.bm25,
        onProgress: options.onProgress,
      });
    }
    default:
      throw new TroveError(
        'INVALID_ARGUMENT',
        `Unknown mode "${String(mode)}"; valid modes: bm25, keyword, vector, hybrid.`,
      );
  }
}

/** The BM25 index on its own, without the engine: numeric ids are positions in the corpus. */
function createBm25Retriever(corpus: readonly CorpusDoc[], options: RetrieverOptions): Retriever {
  const analyzer = createAnalyzer(options.analyzer);
  const index = new Bm25Index(options.bm25);
  corpus.forEach((doc, i) => {
    index.add(i, analyzer.analyze(`${doc.title} ${doc.text}`));
    if (i % 1000 === 999) options.onProgress?.(i + 1, corpus.length);
  });
  options.onProgress?.(corpus.length, corpus.length);
  const passages = async (query: string, depth: number): Promise<RankedPassage[]> =>
    index.search(analyzer.analyze(query), depth).map((hit) => {
      const doc = corpus[hit.id];
      return { docId: doc.id, key: hit.id, text: `${doc.title} ${doc.text}`, score: hit.score };
    });
  return {
    passages,
    async search(query, depth) {
      return bestPerDocument(await passages(query, depth), depth);
    },
  };
}
