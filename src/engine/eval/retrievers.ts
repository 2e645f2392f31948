// Builds a search function over a collection for the eval runner. Documents are title + " " + text in one field,
// as Anserini's "flat" BEIR baselines.
import { TroveError } from '../errors.ts';
import { createAnalyzer, type AnalyzerOptions } from '../lexical/analyzer.ts';
import { Bm25Index, type Bm25Options } from '../lexical/bm25.ts';
import type { CorpusDoc } from './dataset.ts';
import { createEngineRetriever, type EngineRetrieverOptions } from './engine-retriever.ts';

export type RetrievalMode = 'bm25' | 'vector' | 'hybrid';

export interface RetrieverOptions {
  bm25?: Bm25Options;
  analyzer?: AnalyzerOptions;
  /** Vector and hybrid modes run through the engine: which model, and where its store lives. */
  engine?: Omit<EngineRetrieverOptions, 'mode' | 'onProgress'>;
  onProgress?: (done: number, total: number) => void;
}

export interface Retriever {
  /** Ranked corpus ids, best first, at most `depth`. */
  search(query: string, depth: number): Promise<string[]>;
  close?(): Promise<void>;
}

export async function createRetriever(
  mode: RetrievalMode,
  corpus: readonly CorpusDoc[],
  options: RetrieverOptions = {},
): Promise<Retriever> {
  switch (mode) {
    case 'bm25':
      return createBm25Retriever(corpus, options);
    case 'vector':
    case 'hybrid': {
      if (!options.engine) throw new TroveError('INVALID_ARGUMENT', `mode ${mode} needs engine options (model and store).`);
      return createEngineRetriever(corpus, { ...options.engine, mode: mode === 'vector' ? 'semantic' : 'hybrid', onProgress: options.onProgress });
    }
    default:
      throw new TroveError('INVALID_ARGUMENT', `Unknown mode "${String(mode)}"; valid modes: bm25, vector, hybrid.`);
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
  return {
    async search(query, depth) {
      return index.search(analyzer.analyze(query), depth).map((hit) => corpus[hit.id].id);
    },
  };
}
