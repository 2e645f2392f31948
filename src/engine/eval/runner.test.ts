import { describe, expect, it } from 'vitest';
import { buildDataset, parseQrels, parseSimpleEvalSet } from './dataset.ts';
import { createRetriever } from './retrievers.ts';
import { evaluate } from './runner.ts';
import { TroveError } from '../core/errors.ts';

const corpus = [
  { id: 'q1', title: 'Cats', text: 'cats and dogs' }, // shares the id of query q1, as in ArguAna
  { id: 'a', title: 'Cats', text: 'cats purr' },
  { id: 'b', title: 'Dogs', text: 'dogs bark' },
  { id: 'c', title: 'Fish', text: 'fish swim' },
]
  .map((d) => JSON.stringify(d))
  .join('\n');
const queries = ['{"id":"q1","text":"cats"}', '{"id":"q2","text":"dogs bark"}', '{"id":"q3","text":"fish"}'].join('\n');
const qrels = 'query-id\tcorpus-id\tscore\nq1\ta\t1\nq2\tb\t2\nq3\tc\t0\n';

describe('dataset', () => {
  it('parses qrels after the header and keeps only queries with a judgement above 0', () => {
    expect(parseQrels(qrels).get('q2')).toEqual(new Map([['b', 2]]));
    const dataset = buildDataset('tiny', { corpus, queries, qrels });
    expect(dataset.corpus).toHaveLength(4);
    expect(dataset.queries.map((q) => q.id)).toEqual(['q1', 'q2']);
  });
});

describe('evaluate', () => {
  const dataset = buildDataset('tiny', { corpus, queries, qrels });

  it("averages metrics over judged queries and drops a query's own id from its ranking", async () => {
    const rankings: Record<string, string[]> = { q1: ['q1', 'c', 'a'], q2: ['b'] };
    const result = await evaluate(dataset, (q) => rankings[q.id]);
    // q1: 'a' ends up at rank 2 once 'q1' is dropped; q2: 'b' at rank 1.
    expect(result.queries).toBe(2);
    expect(result['mrr@10']).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(result['ndcg@10']).toBeCloseTo((1 / Math.log2(3) + 1) / 2, 12);
    expect(result.map).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(result['recall@100']).toBe(1);
  });

  it('keeps document 5 for query 5 when queries and documents are numbered apart (MED, CISI, Cranfield)', async () => {
    const numbered = buildDataset('numbered', {
      corpus: [
        { id: '5', title: 'Glucose', text: 'fetal plasma glucose levels' },
        { id: '6', title: 'Heart', text: 'cardiac output' },
      ]
        .map((d) => JSON.stringify(d))
        .join('\n'),
      queries: '{"id":"5","text":"plasma glucose in the fetus"}\n{"id":"6","text":"blood pressure"}',
      qrels: 'query-id\tcorpus-id\tscore\n5\t5\t1\n6\t6\t0\n6\t5\t1\n',
    });
    const rankings: Record<string, string[]> = { '5': ['5', '6'], '6': ['6', '5'] };
    const result = await evaluate(numbered, (q) => rankings[q.id], { perQuery: true });
    // Query 5's own-numbered document is judged relevant; query 6's is unrelated text: neither is the query itself.
    expect(result.perQuery?.map((r) => r.top)).toEqual([
      ['5', '6'],
      ['6', '5'],
    ]);
    expect(result.perQuery?.[0]['mrr@10']).toBe(1);
    expect(result.perQuery?.[1]['mrr@10']).toBe(0.5);
  });

  it('runs BM25 end to end through createRetriever', async () => {
    const retriever = await createRetriever('bm25', dataset.corpus);
    expect(await retriever.search('dogs bark', 2)).toEqual(['b', 'q1']);
    const result = await evaluate(dataset, (q, depth) => retriever.search(q.text, depth));
    expect(result['recall@100']).toBe(1);
  });

  it('refuses vector and hybrid modes until the engine is wired in', async () => {
    await expect(createRetriever('vector', dataset.corpus)).rejects.toThrow(TroveError);
  });
});

describe('evaluate options', () => {
  const dataset = buildDataset('tiny', { corpus, queries, qrels });

  it('keeps per-query rows with the top ids and the missed relevant ids', async () => {
    const result = await evaluate(dataset, (q) => (q.id === 'q1' ? ['c'] : ['b']), { perQuery: true });
    expect(result.perQuery).toEqual([
      { queryId: 'q1', 'ndcg@10': 0, 'recall@10': 0, 'recall@100': 0, 'mrr@10': 0, map: 0, top: ['c'], missed: ['a'] },
      { queryId: 'q2', 'ndcg@10': 1, 'recall@10': 1, 'recall@100': 1, 'mrr@10': 1, map: 1, top: ['b'], missed: [] },
    ]);
    expect(result['recall@10']).toBe(0.5);
  });

  it('stops between queries when the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = evaluate(
      dataset,
      () => {
        calls++;
        controller.abort();
        return [];
      },
      { signal: controller.signal },
    );
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBe(1);
  });
});

describe('parseSimpleEvalSet', () => {
  it('reads {query, relevant} lines with names, ids and graded entries', () => {
    const set = parseSimpleEvalSet(
      '{"query":"how to bake","relevant":["bread.md",17]}\n\n{"query":"yeast","relevant":[{"id":"bread.md","grade":2}]}\n',
    );
    expect(set.queries).toEqual([
      { id: 'q1', text: 'how to bake' },
      { id: 'q2', text: 'yeast' },
    ]);
    expect(set.qrels.get('q1')).toEqual(
      new Map([
        ['bread.md', 1],
        ['17', 1],
      ]),
    );
    expect(set.qrels.get('q2')).toEqual(new Map([['bread.md', 2]]));
    expect(set.corpus).toEqual([]);
  });

  it('names the entry and the reason for bad input', () => {
    expect(() => parseSimpleEvalSet('{"query":"x","relevant":[]}')).toThrow(/eval.jsonl entry 1 needs "relevant"/);
    expect(() => parseSimpleEvalSet('{"relevant":["a"]}\n')).toThrow(/entry 1 needs "query"/);
    expect(() => parseSimpleEvalSet('{"query":"x","relevant":["a"]}\nnot json')).toThrow(/line 2 is not JSON/);
  });
});
