// An optional answer backend: a local Ollama server's chat API (POST {origin}/api/chat, streamed), behind the same
// calls as the transformers.js AnswerGenerator (status, load, generate, resetThread, dispose), so the answer panel,
// its citations, grounding and no-answer path are one code path for both. Only builds that allow the server's
// origin offer it (VITE_TROVE_OLLAMA_ORIGIN, added to the CSP), and nothing is sent to it unless the user chose it.
import { TroveError } from '../core/errors.ts';
import { SETTING_LIMITS, describeRange, inRange } from '../core/limits.ts';
import { ollamaModelName } from '../models/effective-model.ts';
import { OllamaServer } from '../models/ollama-server.ts';
import type { AnswerRequest, ChatMessage, GeneratedAnswer, GeneratorStatus } from '../api/answers.ts';
import { buildAnswerPrompt, type PromptBudget } from './prompt.ts';
import { checkCitations } from './citations.ts';
import { readChatStream } from './ollama-chat-stream.ts';
import type { GenerateOptions } from './answer-generator.ts';

/** The answer panel's id for "Ollama (your server)", beside the registry's generator ids. */
export const OLLAMA_GENERATOR_ID = 'ollama';
/** A small instruction model with a 32k context that most machines running Ollama hold in memory (~1 GB). */
export const DEFAULT_OLLAMA_CHAT_MODEL = 'qwen2.5:1.5b';
/** As the registry's in-browser models: a paragraph or two of answer. */
export const OLLAMA_MAX_NEW_TOKENS = 384;

export interface OllamaGeneratorOptions {
  origin: string;
  /** The chat model as Ollama names it ("qwen2.5:1.5b"). */
  model: string;
  /** What the whole prompt may take, in estimated tokens (the user's setting). */
  promptBudgetTokens: number;
  maxNewTokens?: number;
  /** The page's origin, for the OLLAMA_ORIGINS hint. */
  pageOrigin?: string;
  /** Longest wait for the server's next bytes (a model loading into memory first). Default 120 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Tokens of a text, estimated: the page has no tokenizer for a model the server holds. English BPE vocabularies
 * (Qwen, Llama, Gemma) average about four characters per token; counting one per three ASCII characters, and one
 * for every other character (CJK, accents, emoji are one token or more each only in the worst case), errs high, so
 * a prompt cut to this budget fits the server's context.
 */
export function estimateChatTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 3) + other;
}

/** Chat template tokens per message (role markers, separators) and for the assistant header; ChatML needs ~5. */
const MESSAGE_OVERHEAD = 8;

export class OllamaGenerator {
  private readonly server: OllamaServer;
  private readonly promptBudgetTokens: number;
  private readonly maxNewTokens: number;
  private state: GeneratorStatus = { state: 'not-downloaded' };
  /** One answer at a time, as the in-browser generator: a new one waits for the cancelled one to end. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Errors: INVALID_ARGUMENT for an address, model name or budget the settings would refuse too. */
  constructor(options: OllamaGeneratorOptions) {
    const range = SETTING_LIMITS.ollamaChatPromptTokens;
    if (!inRange(options.promptBudgetTokens, range)) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `The Ollama answer prompt budget must be ${describeRange(range)}, got ${String(options.promptBudgetTokens)}.`,
      );
    }
    this.server = new OllamaServer({
      origin: options.origin,
      model: ollamaModelName(options.model),
      pageOrigin: options.pageOrigin,
      timeoutMs: options.timeoutMs ?? 120_000,
      fetch: options.fetch,
    });
    this.promptBudgetTokens = options.promptBudgetTokens;
    this.maxNewTokens = options.maxNewTokens ?? OLLAMA_MAX_NEW_TOKENS;
  }

  status(): GeneratorStatus {
    return this.state;
  }

  /** Asks the server whether it has the model (POST /api/show), so a missing one is named before a question. */
  async load(signal?: AbortSignal): Promise<GeneratorStatus> {
    this.state = { state: 'downloading', loaded: 0, total: 0 };
    try {
      await this.server.post('/api/show', { model: this.server.model }, async () => undefined, signal);
    } catch (error) {
      this.state =
        error instanceof TroveError && error.code === 'CANCELLED'
          ? { state: 'not-downloaded' }
          : { state: 'failed', message: error instanceof Error ? error.message : String(error) };
      throw error;
    }
    this.state = { state: 'ready', server: this.server.origin, model: this.server.model };
    return this.state;
  }

  /** The prompt budget, counted with estimateChatTokens. */
  promptBudget(maxTokens = this.promptBudgetTokens): PromptBudget {
    return {
      maxTokens,
      countTokens: estimateChatTokens,
      countPromptTokens: (messages: readonly ChatMessage[]) =>
        messages.reduce((sum, m) => sum + MESSAGE_OVERHEAD + estimateChatTokens(m.content), MESSAGE_OVERHEAD),
    };
  }

  /** Answers from the request's passages, streaming text to onToken; resolves with stoppedBy 'cancel' on abort. */
  generate(request: AnswerRequest, options: GenerateOptions = {}): Promise<GeneratedAnswer> {
    const run = this.queue.then(() => this.run(request, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The server keeps its own prompt cache: there is nothing here to forget. */
  async resetThread(): Promise<void> {}

  async dispose(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.state = { state: 'not-downloaded' };
  }

  private async run(request: AnswerRequest, options: GenerateOptions): Promise<GeneratedAnswer> {
    const budget = options.promptBudgetTokens ?? this.promptBudgetTokens;
    const maxNewTokens = options.maxNewTokens ?? this.maxNewTokens;
    const prompt = buildAnswerPrompt(request, this.promptBudget(budget));
    let text = '';
    const finish = (stoppedBy: GeneratedAnswer['stoppedBy'], tokens = estimateChatTokens(text)): GeneratedAnswer => {
      const answer = text.trim();
      return {
        text: answer,
        tokens,
        stoppedBy,
        reusedPromptTokens: 0,
        promptTokens: prompt.tokens,
        passagesUsed: prompt.passagesUsed,
        checked: checkCitations(answer, prompt.passagesUsed.length),
      };
    };
    if (options.signal?.aborted) return finish('cancel', 0);
    try {
      const end = await this.server.post(
        '/api/chat',
        {
          model: this.server.model,
          messages: prompt.messages,
          stream: true,
          // num_ctx: Ollama's default context (2048 or 4096 tokens) silently drops the start of a longer prompt,
          // the system prompt first; ask for room for the whole budget and the answer.
          options: { num_predict: maxNewTokens, temperature: 0, num_ctx: budget + maxNewTokens },
        },
        ({ response, alive, signal }) =>
          readChatStream(
            response.body,
            (delta) => {
              text += delta;
              options.onToken?.(delta);
            },
            alive,
            this.server.describe(),
            signal,
          ),
        options.signal,
      );
      return finish(end.reason === 'length' ? 'length' : 'eos', end.tokens);
    } catch (error) {
      if (options.signal?.aborted) return finish('cancel');
      throw error;
    }
  }
}
