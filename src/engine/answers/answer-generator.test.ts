// End to end in Node: passages → prompt (the fixture's tokenizer and chat template) → the scripted-chat generator
// loaded through the production path → a checked answer. The fixture's scripts are documented in its README.txt.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerContextPassage, AnswerRequest } from '../api/answers.ts';
import { TEST_GENERATOR_ID } from '../models/generator-registry.ts';
import { SCRIPTS } from '../../../scripts/make-generator-fixture.mjs';
import { AnswerGenerator } from './answer-generator.ts';
import { decideGrounding } from './grounding.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MODELS = path.join(REPO_ROOT, 'public/models') + '/'; // made by tests/global-setup.ts

const passages: AnswerContextPassage[] = [
  {
    n: 1,
    chunkId: 11,
    documentId: 1,
    title: 'kiln-notes.txt',
    location: '',
    text: 'The kiln fires at dawn.',
    score: 2.1,
  },
  {
    n: 2,
    chunkId: 12,
    documentId: 2,
    title: 'glazes.md',
    location: 'Glazes',
    text: 'Glazes melt at cone six.',
    score: 0.4,
  },
];
const request = (question: string, thread: AnswerRequest['thread'] = []): AnswerRequest => ({
  question,
  thread,
  passages,
});

let generator: AnswerGenerator;

beforeAll(async () => {
  generator = new AnswerGenerator();
  await generator.load(TEST_GENERATOR_ID, { allowRemoteModels: false, localModelPath: MODELS, device: 'auto' });
});

afterAll(async () => {
  await generator?.dispose();
});

describe('AnswerGenerator on the scripted-chat fixture', () => {
  it('loads through the production path and reports ready on the native CPU backend', () => {
    expect(generator.status()).toEqual({ state: 'ready', device: 'cpu', dtype: 'fp32' });
  });

  it('answers from the passages with a streamed, checked answer citing [1]', async () => {
    expect(decideGrounding(passages, { reranked: true }).answerable).toBe(true);
    const deltas: string[] = [];
    const answer = await generator.generate(request('When does the kiln fire?'), {
      onToken: (d) => deltas.push(d),
    });
    expect(answer.text).toBe(SCRIPTS.normal);
    expect(answer.stoppedBy).toBe('eos');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(SCRIPTS.normal);
    expect(answer.checked.citations).toEqual([1]);
    expect(answer.checked.grounded).toBe(true);
    expect(answer.checked.sentences.every((s) => s.cited)).toBe(true);
    expect(answer.passagesUsed.map((p) => p.chunkId)).toEqual([11, 12]);
    expect(answer.promptTokens).toBeLessThanOrEqual(generator.spec!.promptBudgetTokens);
  });

  it('drops a citation beyond the context and marks the sentence without one', async () => {
    const answer = await generator.generate(request('Can you overreach?'));
    expect(answer.checked.droppedCitations).toBe(1);
    expect(answer.checked.citations).toEqual([1]);
    expect(answer.checked.text).not.toContain('[7]');
    expect(answer.checked.sentences.filter((s) => !s.cited).map((s) => s.text)).toContain(
      'This sentence cites nothing.',
    );
  });

  it('recognises the model saying the documents do not answer', async () => {
    const answer = await generator.generate(request('Is this unanswerable?'));
    expect(answer.text).toBe(SCRIPTS.unanswerable);
    expect(answer.checked.grounded).toBe(false);
  });

  it('stops within one token of the abort signal, and the next question still answers', async () => {
    const controller = new AbortController();
    let tokensAtAbort = -1;
    let chunks = 0;
    const answer = await generator.generate(request('filibuster please'), {
      signal: controller.signal,
      onToken: () => {
        chunks++;
        if (chunks === 5) {
          tokensAtAbort = chunks;
          controller.abort();
        }
      },
    });
    expect(answer.stoppedBy).toBe('cancel');
    expect(tokensAtAbort).toBe(5);
    // The streamer emits a word per token here; at most one more token is written after the abort.
    expect(answer.tokens).toBeLessThanOrEqual(7);
    expect(answer.tokens).toBeLessThan(300);
    const next = await generator.generate(request('When does the kiln fire?'));
    expect(next.text).toBe(SCRIPTS.normal);
  });

  it('returns at once with stoppedBy cancel when the signal fired before it started', async () => {
    const answer = await generator.generate(request('filibuster'), { signal: AbortSignal.abort() });
    expect(answer).toMatchObject({ stoppedBy: 'cancel', tokens: 0, text: '' });
  });

  it('stops at maxNewTokens with stoppedBy length', async () => {
    const answer = await generator.generate(request('filibuster'), { maxNewTokens: 4 });
    expect(answer).toMatchObject({ stoppedBy: 'length', tokens: 4 });
  });

  it("reuses the previous turn's KV cache for the shared prompt prefix and answers as without it", async () => {
    await generator.resetThread();
    const first = await generator.generate(request('When does the kiln fire?'));
    expect(first.reusedPromptTokens).toBe(0);
    const thread = [
      { role: 'user' as const, content: 'When does the kiln fire?' },
      { role: 'assistant' as const, content: first.text },
    ];
    const followUp = await generator.generate(request('And the glazes?', thread));
    expect(followUp.reusedPromptTokens).toBeGreaterThan(10);
    expect(followUp.reusedPromptTokens).toBeLessThan(followUp.promptTokens);
    await generator.resetThread();
    const cold = await generator.generate(request('And the glazes?', thread));
    expect(cold.reusedPromptTokens).toBe(0);
    expect(followUp.text).toBe(cold.text);
    // The same prompt again: everything but the last prompt token comes from the cache.
    const again = await generator.generate(request('And the glazes?', thread));
    expect(again.reusedPromptTokens).toBeGreaterThan(cold.promptTokens / 2);
    expect(again.text).toBe(cold.text);
  });

  it('rejects an unknown model id and a generate before load', async () => {
    const other = new AnswerGenerator();
    await expect(
      other.load('no-such-model', { allowRemoteModels: false, localModelPath: MODELS, device: 'auto' }),
    ).rejects.toThrow(/Unknown answer model/);
    await expect(other.generate(request('q?'))).rejects.toThrow(/No answer model/);
  });
});
