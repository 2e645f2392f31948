// npm run eval -- --answers on a tiny generated QA set, with the scripted-chat generator (tests/global-setup.ts makes
// it): retrieval, grounding, prompt, generation and citation check end to end, with figures known in advance.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_GENERATOR_ID } from '../src/engine/models/generator-registry.ts';
import { runAnswerEval } from '../scripts/eval-answers.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trove-answer-eval-'));
  const corpus = [
    { id: 'kiln', title: 'Kiln', text: 'The kiln fires at dawn and cools by noon.' },
    { id: 'glaze', title: 'Glaze', text: 'The glaze melts at cone six.' },
    { id: 'clay', title: 'Clay', text: 'Stoneware clay is wedged before throwing.' },
  ];
  const answers = [
    // Answerable: the fixture writes its sentence citing [1], the kiln passage (BM25's top hit).
    { id: 'fire', question: 'When does the kiln fire?', relevant: ['kiln'], answer: 'described in the first passage' },
    // Answerable, but the fixture cites [1] and an invented [7] (dropped) and the reference shares no words.
    { id: 'glaze', question: 'Does glaze overreach?', relevant: ['glaze'], answer: 'cone six' },
    // Unanswerable, nothing in the corpus matches: the grounding decision declines before the model runs.
    { id: 'zeppelin', question: 'What colour is a zeppelin?', relevant: [], answer: null },
    // Unanswerable, retrieval finds the kiln passage, the model says it cannot find the answer.
    { id: 'kiln-price', question: 'Is the kiln price unanswerable?', relevant: [], answer: null },
  ];
  writeFileSync(path.join(dir, 'corpus.jsonl'), corpus.map((c) => JSON.stringify(c)).join('\n'));
  writeFileSync(path.join(dir, 'answers.jsonl'), answers.map((a) => JSON.stringify(a)).join('\n'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('answers evaluation', () => {
  it('measures citations, F1 and no-answer accuracy on a tiny QA set with the scripted generator', async () => {
    const { metrics, predictions } = await runAnswerEval({
      dataset: dir,
      generatorId: TEST_GENERATOR_ID,
      localModelPath: path.join(REPO_ROOT, 'public/models') + '/',
      allowRemoteModels: false,
      k: 3,
    });
    expect(predictions.get('fire')?.cited).toEqual(['kiln']);
    expect(predictions.get('glaze')?.cited).toEqual(['glaze']);
    expect(predictions.get('zeppelin')).toEqual({ answer: null, cited: [] });
    expect(predictions.get('kiln-price')?.answer).toBeNull();
    expect(metrics).toMatchObject({ questions: 4, answerable: 2, unanswerable: 2 });
    expect(metrics.citationPrecision).toBe(1);
    expect(metrics.citationRecall).toBe(1);
    expect(metrics.noAnswerAccuracy).toBe(1);
    expect(metrics.falseNoAnswer).toBe(0);
    // fire: "According to your documents, this is described in the first passage." vs "described in the first
    // passage": 4 common tokens of 10 and 4 → F1 4/7; glaze: 0.
    expect(metrics.answerF1).toBeCloseTo((4 / 7 + 0) / 2, 6);
  });

  it('says which file is missing', async () => {
    await expect(
      runAnswerEval({
        dataset: path.join(dir, 'nowhere'),
        generatorId: TEST_GENERATOR_ID,
        localModelPath: path.join(REPO_ROOT, 'public/models') + '/',
        allowRemoteModels: false,
        k: 3,
      }),
    ).rejects.toThrow(/corpus.jsonl could not be read/);
  });
});
