// The Ollama answer backend against a fake fetch that streams Ollama's NDJSON the way a socket delivers it: split
// at any byte, errors midway, a server that is down or is not Ollama, and a cancel while the answer streams.
import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { DEFAULT_SETTINGS, mergeSettings } from '../settings/settings.ts';
import type { AnswerContextPassage, AnswerRequest } from '../api/answers.ts';
import { OllamaGenerator, estimateChatTokens } from './ollama-generator.ts';

const ORIGIN = 'http://127.0.0.1:11434';

const passages: AnswerContextPassage[] = [
  {
    n: 1,
    chunkId: 11,
    documentId: 1,
    title: 'kiln-notes.txt',
    location: '',
    text: 'The kiln fires at dawn.',
    score: 2,
  },
  {
    n: 2,
    chunkId: 12,
    documentId: 2,
    title: 'glazes.md',
    location: 'Glazes',
    text: 'Glazes melt at cone six.',
    score: 1,
  },
];
const request: AnswerRequest = { question: 'When does the kiln fire?', thread: [], passages };

interface Sent {
  url: string;
  body: Record<string, unknown>;
  signal: AbortSignal;
}

/** A fetch that answers every request with `respond`, and records what it was sent. */
function fakeFetch(respond: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const entry = {
      url: String(url),
      body: JSON.parse(String(init?.body)) as Record<string, unknown>,
      signal: init!.signal!,
    };
    sent.push(entry);
    if (entry.signal.aborted) throw new DOMException('aborted', 'AbortError');
    return respond(entry);
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

/** The bytes of `text` in pieces of `size` bytes (so lines and UTF-8 characters are cut anywhere). */
function pieces(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.slice(at, at + size));
  return out;
}

/** A streamed 200 answer; it errors its body when the request's signal aborts, as a browser's fetch does. */
function streamed(
  chunks: Uint8Array[],
  signal: AbortSignal,
  options: { hang?: boolean; ignoreAbort?: boolean } = {},
): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (!options.hang) controller.close();
      if (!options.ignoreAbort)
        signal.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'application/x-ndjson' } });
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`;
const piece = (content: string) =>
  line({ model: 'qwen2.5:1.5b', message: { role: 'assistant', content }, done: false });
const DONE = line({ model: 'qwen2.5:1.5b', done: true, done_reason: 'stop', eval_count: 9, prompt_eval_count: 120 });
const ANSWER = ['The kiln ', 'fires at dawn ', '— before café hours 🔥 [1].'];

async function rejection(promise: Promise<unknown>): Promise<TroveError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

const generator = (fetch: typeof globalThis.fetch, extra: { promptBudgetTokens?: number } = {}) =>
  new OllamaGenerator({ origin: ORIGIN, model: 'qwen2.5:1.5b', promptBudgetTokens: 3072, fetch, ...extra });

describe('Ollama answer backend', () => {
  it('streams an answer split at every byte boundary, multi-byte characters included, to the token callback', async () => {
    const ndjson = ANSWER.map(piece).join('') + DONE;
    for (const size of [1, 2, 3, 7, 64, 10_000]) {
      const { fetch, sent } = fakeFetch(({ signal }) => streamed(pieces(ndjson, size), signal));
      const deltas: string[] = [];
      const answer = await generator(fetch).generate(request, { onToken: (d) => deltas.push(d) });
      expect(deltas.join('')).toBe(ANSWER.join(''));
      expect(answer.text).toBe(ANSWER.join(''));
      expect(answer.stoppedBy).toBe('eos');
      expect(answer.tokens).toBe(9);
      expect(answer.checked.citations).toEqual([1]);
      expect(sent).toHaveLength(1);
      expect(sent[0].url).toBe(`${ORIGIN}/api/chat`);
      expect(sent[0].body).toMatchObject({
        model: 'qwen2.5:1.5b',
        stream: true,
        options: { num_predict: 384, temperature: 0, num_ctx: 3072 + 384 },
      });
      const messages = sent[0].body.messages as Array<{ role: string; content: string }>;
      expect(messages[0].role).toBe('system');
      expect(messages.at(-1)!.content).toContain('[1] kiln-notes.txt');
    }
  });

  it('says the answer was cut at its length when the server stopped at num_predict', async () => {
    const ndjson = piece('The kiln') + line({ done: true, done_reason: 'length', eval_count: 384 });
    const { fetch } = fakeFetch(({ signal }) => streamed(pieces(ndjson, 5), signal));
    const answer = await generator(fetch).generate(request);
    expect(answer.stoppedBy).toBe('length');
  });

  it('fails with the server’s words when an error line arrives midway', async () => {
    const ndjson = piece('The kiln') + line({ error: 'model runner has unexpectedly stopped' });
    const { fetch } = fakeFetch(({ signal }) => streamed(pieces(ndjson, 4), signal));
    const deltas: string[] = [];
    const error = await rejection(generator(fetch).generate(request, { onToken: (d) => deltas.push(d) }));
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.message).toContain('model runner has unexpectedly stopped');
    expect(deltas).toEqual(['The kiln']);
  });

  it('names the model and “ollama pull” when the server does not have it (HTTP 404), on load and on a question', async () => {
    const { fetch, sent } = fakeFetch(
      () =>
        new Response(JSON.stringify({ error: 'model "qwen2.5:1.5b" not found, try pulling it first' }), {
          status: 404,
        }),
    );
    const backend = generator(fetch);
    const onLoad = await rejection(backend.load());
    expect(sent[0].url).toBe(`${ORIGIN}/api/show`);
    expect(onLoad.code).toBe('MODEL_UNAVAILABLE');
    expect(onLoad.message).toContain('ollama pull qwen2.5:1.5b');
    expect(backend.status()).toMatchObject({ state: 'failed' });
    const onAsk = await rejection(backend.generate(request));
    expect(onAsk.message).toContain('has no model “qwen2.5:1.5b”');
    expect(onAsk.message).toContain('ollama pull qwen2.5:1.5b');
  });

  it('is ready once the server has the model, naming the server', async () => {
    const { fetch } = fakeFetch(() => new Response('{}', { status: 200 }));
    const backend = generator(fetch);
    expect(await backend.load()).toEqual({ state: 'ready', server: ORIGIN, model: 'qwen2.5:1.5b' });
  });

  it('names both causes when nothing answers: not running, or OLLAMA_ORIGINS does not allow this site', async () => {
    const { fetch } = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const backend = new OllamaGenerator({
      origin: ORIGIN,
      model: 'qwen2.5:1.5b',
      promptBudgetTokens: 3072,
      pageOrigin: 'https://trove.example',
      fetch,
    });
    const error = await rejection(backend.generate(request));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain('ollama serve');
    expect(error.message).toContain('OLLAMA_ORIGINS=https://trove.example');
  });

  it('refuses an answer that is not NDJSON (another server at that address)', async () => {
    const { fetch } = fakeFetch(({ signal }) =>
      streamed(pieces('<!doctype html><p>Welcome to nginx</p>\n', 9), signal),
    );
    const error = await rejection(generator(fetch).generate(request));
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.message).toMatch(/not.*Ollama|Ollama server\?/);
    expect(error.message).toContain('<!doctype html>');
  });

  it('fails when the stream closes before its done line', async () => {
    const { fetch } = fakeFetch(({ signal }) => streamed(pieces(piece('The kiln'), 3), signal));
    const error = await rejection(generator(fetch).generate(request));
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.message).toContain('before the answer was done');
  });

  it('a cancel midway stops the request at once and keeps the text so far', async () => {
    const { fetch, sent } = fakeFetch(({ signal }) => streamed(pieces(piece('The kiln '), 4), signal, { hang: true }));
    const controller = new AbortController();
    const deltas: string[] = [];
    const run = generator(fetch).generate(request, {
      signal: controller.signal,
      onToken: (d) => {
        deltas.push(d);
        controller.abort(); // the first text arrived: cancel while the server is still sending
      },
    });
    const answer = await run;
    expect(answer.stoppedBy).toBe('cancel');
    expect(answer.text).toBe('The kiln');
    expect(deltas).toEqual(['The kiln ']);
    expect(sent[0].signal.aborted).toBe(true);
  });

  it('a cancel midway stops reading even when the fetch leaves its body open', async () => {
    const { fetch, sent } = fakeFetch(({ signal }) =>
      streamed(pieces(piece('The kiln '), 4), signal, { hang: true, ignoreAbort: true }),
    );
    const controller = new AbortController();
    const deltas: string[] = [];
    const run = generator(fetch).generate(request, {
      signal: controller.signal,
      onToken: (d) => {
        deltas.push(d);
        controller.abort(); // the first text arrived: cancel while the server is still sending
      },
    });
    const answer = await run;
    expect(answer.stoppedBy).toBe('cancel');
    expect(answer.text).toBe('The kiln');
    expect(deltas).toEqual(['The kiln ']);
    expect(sent[0].signal.aborted).toBe(true);
  });

  it('fits the prompt to the user’s budget by the stated estimate, dropping passages that do not fit', async () => {
    const long = Array.from({ length: 12 }, (_, i) => ({
      ...passages[0],
      n: i + 1,
      chunkId: 100 + i,
      text: `Passage ${i}: ${'the kiln fires at dawn and cools by noon '.repeat(12)}`,
    }));
    const { fetch, sent } = fakeFetch(({ signal }) => streamed(pieces(piece('Dawn [1].') + DONE, 8), signal));
    const backend = generator(fetch, { promptBudgetTokens: 1024 });
    const answer = await backend.generate({ ...request, passages: long });
    const messages = sent[0].body.messages as Array<{ role: 'system' | 'user'; content: string }>;
    const budget = backend.promptBudget();
    expect(budget.countPromptTokens(messages)).toBeLessThanOrEqual(1024);
    expect(answer.promptTokens).toBeLessThanOrEqual(1024);
    expect(answer.passagesUsed.length).toBeGreaterThan(0);
    expect(answer.passagesUsed.length).toBeLessThan(long.length);
    expect((sent[0].body.options as { num_ctx: number }).num_ctx).toBe(1024 + 384);
  });

  it('estimates tokens high: a third of the ASCII characters, one per other character', () => {
    expect(estimateChatTokens('')).toBe(0);
    expect(estimateChatTokens('abcdef')).toBe(2);
    expect(estimateChatTokens('窯は夜明けに')).toBe(6);
    // English BPE runs about four characters a token: the estimate stays above that.
    const text = 'The kiln fires at dawn and the glazes melt at cone six. '.repeat(10);
    expect(estimateChatTokens(text)).toBeGreaterThan(text.length / 4);
  });

  it('refuses a model name, address or budget the settings would refuse, before anything is sent', () => {
    const { fetch, sent } = fakeFetch(() => new Response('{}'));
    const make = (over: Partial<{ origin: string; model: string; promptBudgetTokens: number }>) => () =>
      new OllamaGenerator({ origin: ORIGIN, model: 'qwen2.5:1.5b', promptBudgetTokens: 3072, fetch, ...over });
    expect(make({ model: 'two words' })).toThrow(/spaces/);
    expect(make({ model: 'qwen\u0000' })).toThrow(/control characters/);
    expect(make({ model: '' })).toThrow(/empty/);
    expect(make({ origin: 'localhost:11434' })).toThrow(/http:\/\/ or https:\/\//);
    expect(make({ promptBudgetTokens: 10 })).toThrow(/whole number from 512/);
    expect(make({ promptBudgetTokens: 2048.5 })).toThrow(/whole number/);
    expect(sent).toHaveLength(0);
  });
});

describe('Ollama answer settings', () => {
  it('default to a small model and a 3k budget, and are validated field by field', () => {
    expect(DEFAULT_SETTINGS.ollamaChatModel).toBe('qwen2.5:1.5b');
    expect(mergeSettings(DEFAULT_SETTINGS, { ollamaChatModel: 'llama3.2:1b' }).ollamaChatModel).toBe('llama3.2:1b');
    expect(() => mergeSettings(DEFAULT_SETTINGS, { ollamaChatModel: 'two words' })).toThrow(/spaces/);
    expect(() => mergeSettings(DEFAULT_SETTINGS, { ollamaChatModel: 'bad\u0007name' })).toThrow(/control characters/);
    expect(() => mergeSettings(DEFAULT_SETTINGS, { ollamaChatModel: 42 as unknown as string })).toThrow(
      /ollamaChatModel must be text/,
    );
    expect(() => mergeSettings(DEFAULT_SETTINGS, { ollamaChatPromptTokens: 100 })).toThrow(/ollamaChatPromptTokens/);
    expect(() => mergeSettings(DEFAULT_SETTINGS, { ollamaChatPromptTokens: Number.NaN })).toThrow(
      /ollamaChatPromptTokens/,
    );
  });
});
