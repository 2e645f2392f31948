// npm run eval -- --answers --dataset DIR [--generator ID] [--k 5] [--rerank --reranker ID] [--remote] [--json]
// Answers with citations over a QA set: DIR holds corpus.jsonl ({id, title, text}, one passage each) and
// answers.jsonl ({id?, question, relevant: [corpus ids], answer: string | null}). Each question retrieves its top k
// passages (BM25, reranked with --rerank), is checked by the grounding decision, and is answered by the generator
// through the app's prompt and citation check; the figures are citation precision/recall against the relevant
// passages, answer token F1 against the reference, and no-answer accuracy on the unanswerable questions.
// The generator defaults to the offline scripted fixture; a real model (e.g. qwen2.5-0.5b-instruct) needs its files
// under public/models/ or --remote.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TroveError } from '../src/engine/core/errors.ts';
import { AnswerGenerator } from '../src/engine/answers/answer-generator.ts';
import { decideGrounding } from '../src/engine/answers/grounding.ts';
import type { AnswerContextPassage } from '../src/engine/api/answers.ts';
import { parseCorpus } from '../src/engine/eval/dataset.ts';
import { createRetriever } from '../src/engine/eval/retrievers.ts';
import {
  answerMetrics,
  parseAnswerSet,
  type AnswerMetrics,
  type AnswerPrediction,
} from '../src/engine/eval/answer-metrics.ts';
import { getRerankerSpec } from '../src/engine/models/reranker-registry.ts';
import { loadTransformersReranker } from '../src/engine/rerank/transformers-reranker.ts';

export interface AnswerEvalOptions {
  dataset: string;
  generatorId: string;
  localModelPath: string;
  allowRemoteModels: boolean;
  /** Passages given to the generator. */
  k: number;
  /** A reranker id: rerank the top passages and decide grounding on its scores. */
  reranker?: string;
  maxNewTokens?: number;
}

export interface AnswerEvalResult {
  metrics: AnswerMetrics;
  predictions: Map<string, AnswerPrediction>;
}

export async function runAnswerEval(options: AnswerEvalOptions): Promise<AnswerEvalResult> {
  const read = (file: string) =>
    readFile(join(options.dataset, file), 'utf8').catch((error: unknown) => {
      throw new TroveError('INVALID_ARGUMENT', `${join(options.dataset, file)} could not be read.`, { cause: error });
    });
  const corpus = parseCorpus(await read('corpus.jsonl'));
  const items = parseAnswerSet(await read('answers.jsonl'));
  const retriever = await createRetriever('bm25', corpus);
  const reranker = options.reranker
    ? await loadTransformersReranker({
        modelId: options.reranker,
        allowRemoteModels: options.allowRemoteModels,
        localModelPath: options.localModelPath,
        device: 'auto',
      })
    : undefined;
  const generator = new AnswerGenerator();
  await generator.load(options.generatorId, {
    allowRemoteModels: options.allowRemoteModels,
    localModelPath: options.localModelPath,
    device: 'auto',
  });
  const predictions = new Map<string, AnswerPrediction>();
  try {
    for (const item of items) {
      await generator.resetThread(); // each question is a thread of its own
      let ranked = await retriever.passages!(item.question, options.k);
      let scores = ranked.map((p) => p.score);
      if (reranker && ranked.length) {
        const rerankScores = await reranker.score(
          item.question,
          ranked.map((p) => p.text),
        );
        const order = ranked.map((_, i) => i).sort((a, b) => rerankScores[b] - rerankScores[a]);
        ranked = order.map((i) => ranked[i]);
        scores = order.map((i) => rerankScores[i]);
      }
      ranked = ranked.slice(0, options.k);
      const grounding = decideGrounding(
        ranked.map((_, i) => ({ score: scores[i], bm25Rank: reranker ? undefined : i + 1 })),
        {
          reranked: !!reranker,
          minRerankScore: reranker ? getRerankerSpec(options.reranker!).answerThreshold : undefined,
        },
      );
      if (!grounding.answerable) {
        predictions.set(item.id, { answer: null, cited: [] });
        continue;
      }
      const passages: AnswerContextPassage[] = ranked.map((p, i) => ({
        n: i + 1,
        chunkId: p.key,
        documentId: p.key,
        title: corpus[p.key]?.title || p.docId,
        location: '',
        text: p.text,
        score: scores[i],
      }));
      const answer = await generator.generate(
        { question: item.question, thread: [], passages },
        { maxNewTokens: options.maxNewTokens },
      );
      const byNumber = new Map(answer.passagesUsed.map((p) => [p.n, corpus[p.chunkId]?.id ?? String(p.chunkId)]));
      predictions.set(item.id, {
        answer: answer.checked.grounded ? answer.checked.text : null,
        cited: answer.checked.citations.map((n) => byNumber.get(n)!).filter(Boolean),
      });
    }
  } finally {
    await generator.dispose();
    await reranker?.dispose();
    await retriever.close?.();
  }
  return { metrics: answerMetrics(items, predictions), predictions };
}
