// Vector and hybrid evaluation through the real engine: every corpus document is ingested as a text file
// (parse → chunk → embed → store → index) and ranked by the engine's search; a document ranks by its best chunk.
import type { SearchMode } from '../types.ts';
import { TroveEngine } from '../engine.ts';
import { loadTransformersEmbedder } from '../embed/transformers-embedder.ts';
import { TroveError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { CorpusDoc } from './dataset.ts';
import type { Retriever } from './retrievers.ts';

export interface EngineRetrieverOptions {
  mode: Extract<SearchMode, 'semantic' | 'hybrid'>;
  modelId: string;
  allowRemoteModels: boolean;
  localModelPath: string;
  openStore: () => Promise<Store>;
  onProgress?: (done: number, total: number) => void;
}

const INGEST_BATCH = 200;

export async function createEngineRetriever(corpus: readonly CorpusDoc[], options: EngineRetrieverOptions): Promise<Retriever> {
  const engine = new TroveEngine({ openStore: options.openStore, loadEmbedder: (o) => loadTransformersEmbedder(o) });
  await engine.init({ modelId: options.modelId, allowRemoteModels: options.allowRemoteModels, localModelPath: options.localModelPath });
  const status = await engine.loadModel();
  if (status.state !== 'ready') throw new TroveError('MODEL_UNAVAILABLE', status.error);

  const encoder = new TextEncoder();
  for (let from = 0; from < corpus.length; from += INGEST_BATCH) {
    const files = corpus.slice(from, from + INGEST_BATCH).map((doc, i) => ({
      jobId: String(from + i),
      name: doc.id,
      type: 'text/plain',
      data: encoder.encode(`${doc.title}\n\n${doc.text}`).buffer as ArrayBuffer,
    }));
    const results = await engine.ingest(files, () => undefined);
    const failed = results.filter((r) => r.stage !== 'done' && r.error?.code !== 'EMPTY_DOCUMENT');
    if (failed.length) throw new TroveError('PARSE_FAILED', `${failed[0].fileName}: ${failed[0].error?.message}`);
    options.onProgress?.(Math.min(from + INGEST_BATCH, corpus.length), corpus.length);
  }

  return {
    async search(query, depth) {
      // Documents have several chunks: ask for more chunks than documents wanted, keep each document's best.
      const response = await engine.search(query, { mode: options.mode, k: Math.min(1000, depth * 3) });
      const ranked: string[] = [];
      const seen = new Set<string>();
      for (const result of response.results) {
        if (seen.has(result.documentName)) continue;
        seen.add(result.documentName);
        ranked.push(result.documentName);
        if (ranked.length === depth) break;
      }
      return ranked;
    },
  };
}
