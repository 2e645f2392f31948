// The prompt an answer model reads: the system prompt (shown in the UI), the thread's earlier turns, then one user
// message holding the numbered passages and the question, assembled by "Copy as context" (retrieve/context.ts) and
// counted with the generator's own tokenizer and chat template, so the whole prompt fits its budget.
import { TroveError } from '../core/errors.ts';
import type { AnswerContextPassage, AnswerRequest, ChatMessage } from '../api/answers.ts';
import { assembleContext, type ContextPassage } from '../retrieve/context.ts';

export const SYSTEM_PROMPT =
  "You answer questions about the user's own documents. Use only the numbered passages in the user's message. " +
  'After each sentence, cite the passages it relies on like [1] or [2][3]. If the passages do not contain the ' +
  'answer, say "I cannot find this in the documents." and nothing else. Be brief.';

/** The line above the passages inside the user message. */
export const CONTEXT_INSTRUCTION = 'Passages from my documents:';

export interface PromptBudget {
  /** Tokens the whole prompt may take, chat template included. */
  maxTokens: number;
  /** Tokens of a plain text by the generator's tokenizer (no special tokens). */
  countTokens: (text: string) => number;
  /** Tokens of the messages as the generator's chat template renders them, with the assistant header. */
  countPromptTokens: (messages: readonly ChatMessage[]) => number;
}

export interface AnswerPrompt {
  messages: ChatMessage[];
  /** The passages in the prompt, renumbered as the prompt numbers them (duplicates and those over budget left out). */
  passagesUsed: AnswerContextPassage[];
  /** Earlier turns left out, oldest first, to make room for the passages. */
  turnsDropped: number;
  /** countPromptTokens(messages): never above maxTokens. */
  tokens: number;
}

/** Share of the budget earlier turns may take; the rest is kept for the passages and the question. */
const THREAD_SHARE = 0.35;

export function buildAnswerPrompt(request: AnswerRequest, budget: PromptBudget): AnswerPrompt {
  const question = request.question.trim();
  if (!question) throw new TroveError('INVALID_ARGUMENT', 'An answer needs a question.');
  const system: ChatMessage = { role: 'system', content: SYSTEM_PROMPT };
  const shell = (turns: readonly ChatMessage[]) => [system, ...turns, { role: 'user' as const, content: '' }];

  // Oldest turns go first until the thread fits its share (answers stay paired with their questions).
  let turns: ChatMessage[] = request.thread
    .filter((t) => t.content.trim())
    .map((t) => ({ role: t.role, content: t.content }));
  const base = budget.countPromptTokens(shell([]));
  let turnsDropped = 0;
  while (turns.length && budget.countPromptTokens(shell(turns)) - base > budget.maxTokens * THREAD_SHARE) {
    const drop = turns[0].role === 'user' && turns[1]?.role === 'assistant' ? 2 : 1;
    turns = turns.slice(drop);
    turnsDropped += drop;
  }

  const byChunk = new Map(request.passages.map((p) => [p.chunkId, p]));
  const contextPassages: ContextPassage[] = [...request.passages]
    .sort((a, b) => a.n - b.n)
    .map((p) => ({ documentName: p.title, text: p.text, chunkId: p.chunkId, location: p.location }))
    .map(({ location, ...p }) => (location ? { ...p, headingPath: [location] } : p));
  let blockBudget = budget.maxTokens - budget.countPromptTokens(shell(turns));
  // The block is counted alone; the template may merge tokens across its seams. Shrink until the whole fits.
  for (;;) {
    if (blockBudget <= 0) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `The answer prompt budget of ${budget.maxTokens} tokens is too small for the system prompt and question.`,
      );
    }
    const block = assembleContext({
      question,
      passages: contextPassages,
      countTokens: budget.countTokens,
      maxTokens: blockBudget,
      instruction: CONTEXT_INSTRUCTION,
    });
    const messages: ChatMessage[] = [system, ...turns, { role: 'user', content: block.text }];
    const tokens = budget.countPromptTokens(messages);
    if (tokens <= budget.maxTokens) {
      const passagesUsed = block.citations.map((c) => ({ ...byChunk.get(c.chunkId!)!, n: c.n }));
      return { messages, passagesUsed, turnsDropped, tokens };
    }
    blockBudget -= tokens - budget.maxTokens;
  }
}
