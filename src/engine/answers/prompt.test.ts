import { describe, expect, it } from 'vitest';
import type { AnswerContextPassage, ChatMessage } from '../api/answers.ts';
import { SYSTEM_PROMPT, buildAnswerPrompt, type PromptBudget } from './prompt.ts';

// A word-counting tokenizer and a ChatML-like template costing 4 tokens per message plus 3 for the header.
const countTokens = (text: string) => (text.match(/\S+/g) ?? []).length;
const budget = (maxTokens: number): PromptBudget => ({
  maxTokens,
  countTokens,
  countPromptTokens: (messages: readonly ChatMessage[]) =>
    messages.reduce((sum, m) => sum + 4 + countTokens(m.content), 0) + 3,
});

const passage = (n: number, text: string): AnswerContextPassage => ({
  n,
  chunkId: 100 + n,
  documentId: n,
  title: `doc${n}.txt`,
  location: n === 2 ? 'p. 4' : '',
  text,
  score: 1 / n,
});
const words = (count: number, word = 'clay') => Array.from({ length: count }, () => word).join(' ');

describe('buildAnswerPrompt', () => {
  it('puts the system prompt first, then the thread, then the numbered passages and the question', () => {
    const prompt = buildAnswerPrompt(
      {
        question: 'When does the kiln fire?',
        thread: [
          { role: 'user', content: 'What is a kiln?' },
          { role: 'assistant', content: 'An oven for pottery [1].' },
        ],
        passages: [passage(1, 'The kiln fires at dawn.'), passage(2, 'Glazes melt at cone six.')],
      },
      budget(500),
    );
    expect(prompt.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(prompt.messages[0].content).toBe(SYSTEM_PROMPT);
    const last = prompt.messages[3].content;
    expect(last).toContain('[1] doc1.txt\nThe kiln fires at dawn.');
    expect(last).toContain('[2] doc2.txt — p. 4\nGlazes melt at cone six.');
    expect(last).toMatch(/Question: When does the kiln fire\?/);
    expect(prompt.passagesUsed.map((p) => [p.n, p.chunkId])).toEqual([
      [1, 101],
      [2, 102],
    ]);
  });

  it('never exceeds the budget counted with the chat template, leaving out passages that do not fit', () => {
    const request = {
      question: 'What about clay?',
      thread: [],
      passages: [passage(1, words(60)), passage(2, words(60, 'glaze')), passage(3, words(60, 'kiln'))],
    };
    const prompt = buildAnswerPrompt(request, budget(160));
    expect(prompt.tokens).toBeLessThanOrEqual(160);
    expect(prompt.tokens).toBe(budget(160).countPromptTokens(prompt.messages));
    expect(prompt.passagesUsed.length).toBeGreaterThan(0);
    expect(prompt.passagesUsed.length).toBeLessThan(3);
  });

  it('renumbers passages when a duplicate is left out, so citations match the prompt', () => {
    const prompt = buildAnswerPrompt(
      {
        question: 'q?',
        thread: [],
        passages: [passage(1, 'Same text.'), passage(2, 'same   text.'), passage(3, 'Other text.')],
      },
      budget(300),
    );
    expect(prompt.passagesUsed.map((p) => [p.n, p.chunkId])).toEqual([
      [1, 101],
      [2, 103],
    ]);
    expect(prompt.messages.at(-1)!.content).toContain('[2] doc3.txt\nOther text.');
  });

  it('drops the oldest turns first when the thread would crowd out the passages', () => {
    const thread = Array.from({ length: 6 }, (_, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: words(30, `turn${i}`),
    }));
    const prompt = buildAnswerPrompt(
      { question: 'And then?', thread, passages: [passage(1, 'The kiln fires at dawn.')] },
      budget(200),
    );
    expect(prompt.turnsDropped).toBeGreaterThan(0);
    expect(prompt.turnsDropped % 2).toBe(0);
    expect(prompt.messages[1].content).toContain(`turn${prompt.turnsDropped}`);
    expect(prompt.passagesUsed).toHaveLength(1);
    expect(prompt.tokens).toBeLessThanOrEqual(200);
  });

  it('rejects an empty question and a budget too small for the system prompt', () => {
    expect(() => buildAnswerPrompt({ question: ' ', thread: [], passages: [] }, budget(500))).toThrow(/question/);
    expect(() => buildAnswerPrompt({ question: 'q?', thread: [], passages: [] }, budget(20))).toThrow(/budget/);
  });
});
