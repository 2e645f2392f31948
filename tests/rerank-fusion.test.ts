// Reranking, fusion modes and context assembly through the engine API (Node, fake-indexeddb, the GloVe embedding
// and cross-encoder fixtures on the production loading path).
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput, SearchResponse } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import type { Reranker } from '../src/engine/rerank/reranker.ts';
import { loadTransformersReranker } from '../src/engine/rerank/transformers-reranker.ts';
import type { RerankerLoadOptions } from '../src/engine/services/rerank-service.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { inProcessLock } from '../src/engine/library/writer-lock.ts';

const localModelPath = resolve('public/models') + '/';
const settings = {
  modelId: 'glove-50d-static',
  rerankerId: 'glove-50d-cross-encoder',
  allowRemoteModels: false,
  localModelPath,
  chunkTokens: 64,
  chunkOverlapTokens: 0,
};

function file(name: string, text: string): FileInput {
  return { jobId: `job-${name}`, name, type: 'text/plain', data: new TextEncoder().encode(text).buffer as ArrayBuffer };
}

const TOPICS = [
  'the river flows past the old mill and fish swim in the cold water',
  'snow falls on the mountain and the weather turns cold in winter',
  'the bank raised its interest rate and money moved into savings',
  'the football team won the match and the players celebrated',
  'dinner in the kitchen: bread, soup and roasted vegetables',
  'the orchestra played a symphony and the music filled the hall',
];

let counter = 0;
async function openEngine(wrap?: (r: Reranker) => Reranker) {
  const name = `rerank-fusion-${++counter}`;
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(name, { onStale }),
    loadEmbedder: (o) => loadTransformersEmbedder({ ...o, device: 'auto' }),
    loadReranker: async (o: RerankerLoadOptions) => {
      const reranker = await loadTransformersReranker({ ...o, device: 'auto' });
      return wrap ? wrap(reranker) : reranker;
    },
    libraryName: name,
    lock: inProcessLock(name),
  });
  await engine.init(settings);
  await engine.loadModel();
  // 30 documents: each topic five times with different filler, so lists have ties and tails.
  const files = Array.from({ length: 30 }, (_, i) =>
    file(`doc-${i}.txt`, `${TOPICS[i % TOPICS.length]}. Note ${i} about item ${i * 7}.`),
  );
  await engine.ingest(files, () => undefined);
  return engine;
}

const ids = (r: SearchResponse) => r.results.map((x) => x.chunkId);

describe('fusion modes through engine.search', () => {
  it('weighted fusion with alpha 0 ranks exactly as keyword mode, alpha 1 exactly as semantic mode', async () => {
    const engine = await openEngine();
    for (const query of ['cold water river', 'money interest', 'music hall players']) {
      for (const normalization of ['minmax', 'zscore'] as const) {
        const keyword = await engine.search(query, { mode: 'keyword', k: 20 });
        const semantic = await engine.search(query, { mode: 'semantic', k: 20 });
        const a0 = await engine.search(query, {
          mode: 'hybrid',
          k: 20,
          fusion: { method: 'weighted', alpha: 0, normalization },
        });
        const a1 = await engine.search(query, {
          mode: 'hybrid',
          k: 20,
          fusion: { method: 'weighted', alpha: 1, normalization },
        });
        expect(keyword.results.length).toBeGreaterThan(0);
        expect(ids(a0).slice(0, keyword.results.length)).toEqual(ids(keyword));
        expect(ids(a1)).toEqual(ids(semantic));
      }
    }
  });

  it('RRF scores follow the k given, and the default fusion is RRF with the rrfK setting', async () => {
    const engine = await openEngine();
    const query = 'cold winter weather and water';
    const plain = await engine.search(query, { mode: 'hybrid', k: 20 });
    const rrf60 = await engine.search(query, { mode: 'hybrid', k: 20, fusion: { method: 'rrf', k: 60 } });
    expect(ids(rrf60)).toEqual(ids(plain));
    const rrf0 = await engine.search(query, { mode: 'hybrid', k: 20, fusion: { method: 'rrf', k: 0 } });
    for (const r of rrf0.results) {
      const { bm25Rank, vectorRank, score } = r.scores;
      expect(score).toBeCloseTo((bm25Rank ? 1 / bm25Rank : 0) + (vectorRank ? 1 / vectorRank : 0), 10);
    }
    const rrf10 = await engine.search(query, { mode: 'hybrid', k: 20, fusion: { method: 'rrf', k: 10 } });
    for (const r of rrf10.results) {
      const { bm25Rank, vectorRank, score } = r.scores;
      expect(score).toBeCloseTo((bm25Rank ? 1 / (10 + bm25Rank) : 0) + (vectorRank ? 1 / (10 + vectorRank) : 0), 10);
    }
    const weighted = await engine.search(query, { mode: 'hybrid', k: 20, fusion: { method: 'weighted', alpha: 0.5 } });
    expect(weighted.results.length).toBe(plain.results.length);
  });

  it('MMR with lambda 1 keeps the order; a low lambda spreads the top results over more topics', async () => {
    const engine = await openEngine();
    const query = 'cold water river snow mountain';
    const base = await engine.search(query, { mode: 'semantic', k: 6 });
    const same = await engine.search(query, { mode: 'semantic', k: 6, mmr: { lambda: 1 } });
    expect(ids(same)).toEqual(ids(base));
    const diverse = await engine.search(query, { mode: 'semantic', k: 6, mmr: { lambda: 0.2 } });
    // The top three: one topic without MMR (five near-identical snow passages), more with it.
    const topics = (r: SearchResponse) =>
      new Set(r.results.slice(0, 3).map((x) => TOPICS.findIndex((t) => x.text.startsWith(t)))).size;
    expect(topics(base)).toBe(1);
    expect(topics(diverse)).toBeGreaterThan(1);
  });

  it('rejects out-of-range fusion settings with a message naming the range', async () => {
    const engine = await openEngine();
    await expect(
      engine.search('water', { mode: 'hybrid', fusion: { method: 'weighted', alpha: 1.5 } }),
    ).rejects.toThrow(/alpha must be between 0 and 1/);
    await expect(engine.search('water', { mode: 'semantic', mmr: { lambda: -1 } })).rejects.toThrow(/lambda/);
  });
});

describe('rerank through the engine API', () => {
  it('reorders the fused results by the cross-encoder and reports the scores', async () => {
    const engine = await openEngine();
    await expect.poll(async () => (await engine.rerankerStatus()).state, { timeout: 30_000 }).toBe('ready');
    const ready = await engine.rerankerStatus();
    expect(ready.calibration?.msPerPair).toBeGreaterThan(0);
    // Keyword order puts the query-word-heavy passages first; the fixture cross-encoder ranks by meaning too.
    const query = 'fish in the river water';
    const shown = await engine.search(query, { mode: 'keyword', k: 20 });
    const reversed = ids(shown).reverse();
    const response = await engine.rerank(query, reversed, { depth: reversed.length });
    expect(response).toBeDefined();
    const order = response!.results.map((r) => r.chunkId);
    expect(new Set(order)).toEqual(new Set(reversed));
    expect(order).not.toEqual(reversed);
    const scores = response!.results.map((r) => r.rerank!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const top = shown.results.find((r) => r.chunkId === order[0])!;
    expect(top.text).toContain('river');
    // Only the first `depth` are scored; the rest keep their order behind.
    const partial = await engine.rerank(query, reversed, { depth: 3 });
    expect(partial!.results.slice(3).map((r) => r.chunkId)).toEqual(reversed.slice(3));
    expect(partial!.results[3].rerank).toBeUndefined();
  });

  it('a newer rerank cancels an unfinished one, which resolves undefined', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const engine = await openEngine((inner) => ({
      ...inner,
      model: inner.model,
      device: inner.device,
      dtype: inner.dtype,
      maxPairTokens: inner.maxPairTokens,
      dispose: () => inner.dispose(),
      // Calibration runs two score calls; the first rerank batch after it waits at the gate.
      score: async (q, p, o) => {
        calls++;
        if (calls === 3) await gate;
        return inner.score(q, p, o);
      },
    }));
    await expect.poll(async () => (await engine.rerankerStatus()).state, { timeout: 30_000 }).toBe('ready');
    const shown = ids(await engine.search('bank money', { mode: 'keyword', k: 10 }));
    const first = engine.rerank('bank money', shown, { depth: 10 });
    await expect.poll(() => calls, { timeout: 10_000 }).toBe(3);
    const second = engine.rerank('football players', shown, { depth: 10 });
    release();
    expect(await first).toBeUndefined();
    const latest = await second;
    expect(latest?.query).toBe('football players');
    expect(latest?.results).toHaveLength(shown.length);
  });

  it('without a reranker loader the status says unavailable and rerank fails clearly', async () => {
    const name = `rerank-none-${++counter}`;
    const engine = new TroveEngine({
      openStore: ({ onStale }) => IndexedDbStore.open(name, { onStale }),
      loadEmbedder: (o) => loadTransformersEmbedder(o),
      libraryName: name,
      lock: inProcessLock(name),
    });
    await engine.init(settings);
    await expect(engine.rerank('x', [1])).rejects.toThrow(/no reranker/);
    expect((await engine.rerankerStatus()).state).toBe('unavailable');
  });

  it('a reranker that failed to load is not tried again by every status poll, only by a rerank', async () => {
    const name = `rerank-failing-${++counter}`;
    let loads = 0;
    const engine = new TroveEngine({
      openStore: ({ onStale }) => IndexedDbStore.open(name, { onStale }),
      loadEmbedder: (o) => loadTransformersEmbedder(o),
      loadReranker: async () => {
        loads++;
        throw new Error('the model files are unreachable');
      },
      libraryName: name,
      lock: inProcessLock(name),
    });
    await engine.init(settings);
    await expect.poll(async () => (await engine.rerankerStatus()).state, { timeout: 30_000 }).toBe('unavailable');
    const triedAtFirst = loads;
    for (let i = 0; i < 5; i++) expect((await engine.rerankerStatus()).state).toBe('unavailable');
    expect(loads).toBe(triedAtFirst);
    await expect(engine.rerank('x', [1])).rejects.toThrow(/unreachable/);
    expect(loads).toBe(triedAtFirst + 1);
  });
});

describe('assembleContext through the engine API', () => {
  it('stays within the token budget counted by the embedding tokenizer, numbers citations and drops duplicates', async () => {
    const engine = await openEngine();
    // The same passage again, differing only in case and spacing (so not skipped as the same file).
    await engine.ingest([file('dup.txt', `${TOPICS[0].toUpperCase()}.   Note 0 about item 0.`)], () => undefined);
    const shown = await engine.search('river fish water', { mode: 'keyword', k: 12 });
    for (const maxTokens of [120, 200, 400]) {
      const context = await engine.assembleContext({
        question: 'Where do fish swim?',
        chunkIds: ids(shown),
        maxTokens,
      });
      expect(context.tokenizer).toBe('glove-50d-static');
      expect(context.tokens).toBeLessThanOrEqual(maxTokens);
      expect(context.text).toContain('Question: Where do fish swim?');
      expect(context.citations.map((c) => c.n)).toEqual(context.citations.map((_, i) => i + 1));
      for (const c of context.citations) expect(context.text).toContain(`[${c.n}] ${c.documentName}`);
    }
    const big = await engine.assembleContext({
      question: 'Where do fish swim?',
      chunkIds: ids(shown),
      maxTokens: 4000,
    });
    expect(big.duplicates).toBeGreaterThanOrEqual(1);
    expect(big.citations.length + big.duplicates).toBe(shown.results.length);
    const small = await engine.assembleContext({
      question: 'Where do fish swim?',
      chunkIds: ids(shown),
      maxTokens: 120,
    });
    expect(small.citations.length).toBeLessThan(big.citations.length);
    // Without chunk ids the question is searched.
    const searched = await engine.assembleContext({ question: 'money interest bank', k: 3, maxTokens: 1000 });
    expect(searched.citations[0].documentName).toMatch(/doc-\d+\.txt/);
    expect(searched.text).toContain('bank');
    await expect(engine.assembleContext({ question: 'x', maxTokens: 5 })).rejects.toThrow(/budget/);
  });
});
