// The grounding decision on the offline cross-encoder: the fixture's answerThreshold in the reranker registry must
// let a passage that answers through, and hold back passages on other topics (the e2e no-answer path relies on it).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideGrounding } from '../src/engine/answers/grounding.ts';
import { TEST_RERANKER_ID, getRerankerSpec } from '../src/engine/models/reranker-registry.ts';
import { loadTransformersReranker, type TransformersReranker } from '../src/engine/rerank/transformers-reranker.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let reranker: TransformersReranker;

beforeAll(async () => {
  reranker = await loadTransformersReranker({
    modelId: TEST_RERANKER_ID,
    allowRemoteModels: false,
    localModelPath: path.join(REPO_ROOT, 'public/models') + '/',
    device: 'auto',
  });
});

afterAll(async () => {
  await reranker?.dispose();
});

const PASSAGES = {
  train: 'The train leaves the station at nine in the morning.',
  football: 'The football team won the game by two goals.',
  car: 'The new car costs twenty thousand dollars.',
  bonds: 'Interest rates rose and investors bought government bonds.',
};

async function decide(question: string, passages: string[]) {
  const scores = await reranker.score(question, passages);
  return decideGrounding(
    [...scores].map((score) => ({ score })),
    { reranked: true, minRerankScore: getRerankerSpec(TEST_RERANKER_ID).answerThreshold },
  );
}

describe('answerThreshold of the GloVe cross-encoder fixture', () => {
  it('answers when a passage on the question is among the candidates', async () => {
    const all = Object.values(PASSAGES);
    expect((await decide('what time does the train leave the station', all)).answerable).toBe(true);
    expect((await decide('who won the football game', all)).answerable).toBe(true);
    expect((await decide('how much does the new car cost', all)).answerable).toBe(true);
  });

  it('declines when every candidate is on another topic', async () => {
    const { train, football, bonds } = PASSAGES;
    expect((await decide('how much does the new car cost', [train, football, bonds])).answerable).toBe(false);
    expect((await decide('who won the football game', [train, bonds])).answerable).toBe(false);
  });
});
