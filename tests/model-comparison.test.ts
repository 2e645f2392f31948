// A measured model swap: both models evaluated on the loaded BEIR set in a scratch index, with the library untouched.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine, type EmbedderLoadOptions } from '../src/engine/engine.ts';
import { buildDataset } from '../src/engine/eval/dataset.ts';
import { compareModels, corpusPassages } from '../src/engine/services/model-comparison.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { inProcessLock } from '../src/engine/library/writer-lock.ts';
import type { EvaluationSet } from '../src/engine/api/index.ts';

const localModelPath = resolve('public/models') + '/';
const beir = (f: string) => readFileSync(resolve('e2e/fixtures/beir-mini', f), 'utf8');
const SET: EvaluationSet = {
  kind: 'beir',
  name: 'beir-mini',
  corpus: beir('corpus.jsonl'),
  queries: beir('queries.jsonl'),
  qrels: beir('qrels.tsv'),
};

const loads: string[] = [];
const disposed: string[] = [];
function loader(options: EmbedderLoadOptions): Promise<Embedder> {
  loads.push(options.modelId);
  return loadTransformersEmbedder({ ...options, device: 'auto' }).then((embedder) => {
    const dispose = embedder.dispose.bind(embedder);
    embedder.dispose = () => {
      disposed.push(embedder.model.id);
      return dispose();
    };
    return embedder;
  });
}

async function openEngine(db: string): Promise<TroveEngine> {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: loader,
    libraryName: db,
    lock: inProcessLock(db),
  });
  await engine.init({ modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath });
  await engine.loadModel();
  return engine;
}

const file = (name: string, text: string): FileInput => ({
  jobId: `job-${name}`,
  name,
  type: 'text/plain',
  data: new TextEncoder().encode(text).buffer as ArrayBuffer,
});

describe('measuring a model change on the evaluation set', () => {
  it('says how to get a set when none is loaded', async () => {
    const engine = await openEngine('compare-0');
    expect(await engine.evaluationSetInfo()).toBeUndefined();
    await expect(engine.compareModels({ modelId: 'glove-50d-permuted' })).rejects.toThrow(/run one in Evaluate/);
  });

  it('glove-50d-static vs glove-50d-permuted: the same geometry scores the same, and the library is untouched', async () => {
    const engine = await openEngine('compare-1');
    await engine.ingest(
      [file('notes.txt', 'The bank raised interest rates.\n\nThe team won the game.')],
      () => undefined,
    );
    const run = await engine.evaluate({ set: SET, rerank: false });
    expect(await engine.evaluationSetInfo()).toEqual({ name: 'beir-mini', kind: 'beir', queries: 3, documents: 10 });
    const before = await engine.stats();
    const settingsBefore = await engine.getSettings();
    loads.length = 0;

    const progress: string[] = [];
    const comparison = await engine.compareModels({ modelId: 'glove-50d-permuted' }, (p) =>
      progress.push(`${p.model}:${p.stage}`),
    );
    expect(comparison).toMatchObject({ setName: 'beir-mini', queries: 3, documents: 10 });
    expect(comparison.current.modelId).toBe('glove-50d-static');
    expect(comparison.candidate.modelId).toBe('glove-50d-permuted');
    expect(comparison.candidate.fingerprint).not.toBe(comparison.current.fingerprint);
    for (const metric of ['ndcg@10', 'recall@10', 'mrr@10'] as const) {
      expect(comparison.current[metric]).toBeGreaterThan(0);
      expect(comparison.candidate[metric]).toBeCloseTo(comparison.current[metric], 6);
    }
    // The scratch index ranks like the library's semantic search on the same set (one passage per document).
    const semantic = run.configurations.find((c) => c.name === 'semantic')!;
    expect(comparison.current['ndcg@10']).toBeCloseTo(semantic['ndcg@10'], 6);
    expect(comparison.current['mrr@10']).toBeCloseTo(semantic['mrr@10'], 6);
    // Progress for both models; the candidate was loaded once, then closed.
    expect(progress).toContain('current:embedding');
    expect(progress).toContain('candidate:loading');
    expect(progress).toContain('candidate:ranking');
    expect(loads).toEqual(['glove-50d-permuted']);
    expect(disposed).toContain('glove-50d-permuted');
    // Nothing changed: settings, model, passages and vectors.
    expect(await engine.stats()).toEqual(before);
    expect(await engine.getSettings()).toEqual(settingsBefore);
    expect((await engine.modelStatus()).modelId).toBe('glove-50d-static');
    const store = await IndexedDbStore.open('compare-1');
    expect(await store.vectorBatches('trove/glove-50d-permuted@local|fp32|50|mean')).toHaveLength(0);
    store.close();
  });

  it('a worse model scores lower, and a cancelled comparison closes the candidate', async () => {
    const dataset = buildDataset('beir-mini', {
      corpus: beir('corpus.jsonl'),
      queries: beir('queries.jsonl'),
      qrels: beir('qrels.tsv'),
    });
    const good = await loadTransformersEmbedder({
      modelId: 'glove-50d-static',
      allowRemoteModels: false,
      localModelPath,
      device: 'auto',
    });
    // A "model" that ignores the text: every vector the same direction plus seeded noise.
    let seed = 7;
    const noise = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
    const blind = (id: string): Embedder => ({
      ...good,
      model: { ...good.model, id },
      fingerprint: `blind/${id}`,
      maxPassageTokens: good.maxPassageTokens,
      countTokens: (text) => good.countTokens(text),
      embedPassages: async (texts) => Float32Array.from({ length: texts.length * 50 }, noise),
      embedQuery: async () => Float32Array.from({ length: 50 }, noise),
      dispose: async () => void disposed.push(id),
    });
    const result = await compareModels(dataset, good, async () => blind('blind'), { chunkTokens: 256 });
    expect(result.candidate['ndcg@10']).toBeLessThan(result.current['ndcg@10']);

    const controller = new AbortController();
    const cancelled = compareModels(dataset, good, async () => blind('blind-2'), {
      chunkTokens: 256,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.model === 'candidate' && p.stage === 'loading') controller.abort();
      },
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(disposed).toContain('blind-2');

    // A candidate whose release never settles is still released, and the numbers do not wait for it.
    const stuck = { ...blind('stuck'), dispose: () => (disposed.push('stuck'), new Promise<void>(() => undefined)) };
    const measured = await compareModels(dataset, good, async () => stuck, { chunkTokens: 256 });
    expect(measured.candidate['ndcg@10']).toBeLessThan(measured.current['ndcg@10']);
    expect(disposed).toContain('stuck');
    await good.dispose();
  });

  it('cuts a long document into passages of the chunk size, linear in its length', () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `word${i % 50}`).join(' ');
    const dataset = buildDataset('long', {
      corpus:
        JSON.stringify({ id: 'long', title: '', text: words }) +
        '\n' +
        JSON.stringify({ id: 'short', title: 'T', text: 'tiny' }),
      queries: JSON.stringify({ id: 'q', text: 'word1' }),
      qrels: 'query-id\tcorpus-id\tscore\nq\tlong\t1\n',
    });
    const started = performance.now();
    const { docIds, texts } = corpusPassages(dataset, 64);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(docIds.filter((d) => d === 'short')).toHaveLength(1);
    expect(
      texts
        .join(' ')
        .split(' ')
        .filter((w) => w.startsWith('word')),
    ).toHaveLength(20_000);
    expect(docIds.filter((d) => d === 'long').length).toBeGreaterThan(20_000 / 64);
  });
});
