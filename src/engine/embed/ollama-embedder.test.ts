// The Ollama backend against a small local HTTP server that speaks the same API (POST /api/embed).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { ollamaModelName } from '../models/effective-model.ts';
import { loadOllamaEmbedder, ollamaFingerprint, ollamaOrigin, ollamaPrefixes } from './ollama-embedder.ts';

interface Request {
  model: string;
  input: string[];
}

type Handler = (request: Request, response: ServerResponse, index: number) => void;

/** A deterministic, unnormalised vector of `dims` floats for a text (a seeded hash: tests can recompute it). */
function fakeVector(text: string, dims: number): number[] {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.codePointAt(0)!, 16777619) >>> 0;
  return Array.from({ length: dims }, (_, i) => {
    h = Math.imul(h ^ (h >>> 13), 1274126177) >>> 0;
    return ((h % 2000) - 1000) / 100 + (i === 0 ? 5 : 0);
  });
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** Starts a server on a random port; `handler` answers each /api/embed request. Returns its origin and the log. */
async function ollama(handler: Handler): Promise<{ origin: string; requests: Request[] }> {
  const requests: Request[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/embed') {
        res.writeHead(404).end('404 page not found');
        return;
      }
      const parsed = JSON.parse(body) as Request;
      requests.push(parsed);
      handler(parsed, res, requests.length - 1);
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/** Answers like Ollama: one vector per input, `dims` wide. */
const embeds =
  (dims: number): Handler =>
  (req, res) =>
    json(res, 200, {
      model: req.model,
      embeddings: req.input.map((t) => fakeVector(t, dims)),
      total_duration: 1,
      prompt_eval_count: req.input.length,
    });

async function rejection(promise: Promise<unknown>): Promise<TroveError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

describe('Ollama embeddings backend', () => {
  it('discovers the dims, embeds in input order with the model’s prefixes, and normalises', async () => {
    const server = await ollama(embeds(12));
    const embedder = await loadOllamaEmbedder({ origin: server.origin, model: 'nomic-embed-text' });
    expect(embedder.model.dims).toBe(12);
    expect(embedder.model.id).toBe('ollama:nomic-embed-text:latest');
    expect(embedder.fingerprint).toBe('ollama/nomic-embed-text:latest|12|l2');
    const texts = ['the bank raised rates', 'the team won', 'fresh food'];
    const out = await embedder.embedPassages(texts);
    expect(out.length).toBe(3 * 12);
    texts.forEach((text, i) => {
      const expected = fakeVector(`search_document: ${text}`, 12);
      const norm = Math.hypot(...expected);
      const row = out.subarray(i * 12, (i + 1) * 12);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
      row.forEach((x, j) => expect(x).toBeCloseTo(expected[j] / norm, 5));
    });
    const last = server.requests.at(-1)!;
    expect(last.model).toBe('nomic-embed-text:latest');
    expect(last.input).toEqual(texts.map((t) => `search_document: ${t}`));

    const query = await embedder.embedQuery('interest rates');
    expect(server.requests.at(-1)!.input).toEqual(['search_query: interest rates']);
    const again = await embedder.embedQuery('interest rates');
    expect(server.requests.filter((r) => r.input[0] === 'search_query: interest rates')).toHaveLength(1); // cached
    expect(Array.from(again)).toEqual(Array.from(query));
    again[0] = 99; // a copy: the cache is not changed through it
    expect((await embedder.embedQuery('interest rates'))[0]).not.toBe(99);
  });

  it('sends passages in batches, reports progress, and stops between batches when aborted', async () => {
    const server = await ollama(embeds(8));
    const embedder = await loadOllamaEmbedder({ origin: server.origin, model: 'all-minilm', batchSize: 32 });
    const texts = Array.from({ length: 70 }, (_, i) => `passage ${i}`);
    const progress: Array<[number, number]> = [];
    const out = await embedder.embedPassages(texts, { onProgress: (done, total) => progress.push([done, total]) });
    expect(server.requests.slice(1).map((r) => r.input.length)).toEqual([32, 32, 6]); // after the dims probe
    expect(progress).toEqual([
      [32, 70],
      [64, 70],
      [70, 70],
    ]);
    // No prefix for a model without one; row 69 is passage 69.
    const expected = fakeVector('passage 69', 8);
    const norm = Math.hypot(...expected);
    expect(out[69 * 8]).toBeCloseTo(expected[0] / norm, 5);

    const controller = new AbortController();
    const before = server.requests.length;
    const run = embedder.embedPassages(texts, { signal: controller.signal, onProgress: () => controller.abort() });
    expect((await rejection(run)).code).toBe('CANCELLED');
    expect(server.requests.length - before).toBe(1);
  });

  it('a 10,000-passage library goes through in batches of the set size, every row normalised', async () => {
    const server = await ollama(embeds(16));
    const embedder = await loadOllamaEmbedder({ origin: server.origin, model: 'bge-m3', batchSize: 256 });
    const texts = Array.from({ length: 10_000 }, (_, i) => `note ${i} about topic ${i % 17}`);
    const out = await embedder.embedPassages(texts);
    expect(server.requests.length - 1).toBe(Math.ceil(10_000 / 256));
    for (let i = 0; i < 10_000; i += 997) expect(Math.hypot(...out.subarray(i * 16, (i + 1) * 16))).toBeCloseTo(1, 5);
  });

  it('says to pull a model the server does not have (404)', async () => {
    const server = await ollama((req, res) =>
      json(res, 404, { error: `model "${req.model}" not found, try pulling it first` }),
    );
    const error = await rejection(loadOllamaEmbedder({ origin: server.origin, model: 'nomic-embed-text' }));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain('ollama pull nomic-embed-text:latest');
    expect(error.message).toContain('not found, try pulling it first');
  });

  it('passes on the server’s reason for a failure (500)', async () => {
    const server = await ollama((_req, res) => json(res, 500, { error: 'llama runner process has terminated' }));
    const error = await rejection(loadOllamaEmbedder({ origin: server.origin, model: 'all-minilm' }));
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.message).toMatch(/HTTP 500: llama runner process has terminated/);
  });

  it('gives up after the timeout when the server does not answer', async () => {
    const server = await ollama(() => undefined); // never answers
    const started = Date.now();
    const error = await rejection(loadOllamaEmbedder({ origin: server.origin, model: 'all-minilm', timeoutMs: 300 }));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain('did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses vectors whose size changed since the dims were discovered', async () => {
    const server = await ollama((req, res, index) =>
      json(res, 200, { embeddings: req.input.map((t) => fakeVector(t, index === 0 ? 8 : 6)) }),
    );
    const embedder = await loadOllamaEmbedder({ origin: server.origin, model: 'all-minilm' });
    const error = await rejection(embedder.embedPassages(['a', 'b']));
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.message).toMatch(/6-dimensional vector.*have 8/);
  });

  it('refuses an answer with the wrong number of vectors, or no embeddings at all', async () => {
    const short = await ollama((req, res, index) =>
      json(res, 200, { embeddings: req.input.slice(index === 0 ? 0 : 1).map((t) => fakeVector(t, 4)) }),
    );
    const embedder = await loadOllamaEmbedder({ origin: short.origin, model: 'all-minilm' });
    expect((await rejection(embedder.embedPassages(['a', 'b', 'c']))).message).toMatch(
      /returned 2 vectors for 3 texts/,
    );
    const other = await ollama((_req, res) => json(res, 200, { embedding: [1, 2, 3] })); // the old /api/embeddings shape
    expect((await rejection(loadOllamaEmbedder({ origin: other.origin, model: 'all-minilm' }))).message).toMatch(
      /without "embeddings"/,
    );
    const nan = await ollama((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"embeddings":[[1,null]]}'),
    );
    expect((await rejection(loadOllamaEmbedder({ origin: nan.origin, model: 'all-minilm' }))).message).toMatch(
      /finite numbers/,
    );
  });

  it('names both causes when nothing answers: not running, or OLLAMA_ORIGINS does not allow this site', async () => {
    const server = await ollama(embeds(4));
    const { origin } = server;
    await new Promise((done) => servers.pop()!.close(done)); // nothing listens there any more
    const error = await rejection(
      loadOllamaEmbedder({ origin, model: 'all-minilm', pageOrigin: 'https://trove.example' }),
    );
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain(`Could not reach the Ollama server at ${origin}`);
    expect(error.message).toContain('ollama serve');
    expect(error.message).toContain('OLLAMA_ORIGINS=https://trove.example');
  });

  it('cancels a request in flight when the signal aborts', async () => {
    const server = await ollama((req, res, index) => {
      if (index === 0) embeds(4)(req, res, index); // the probe answers; the next request hangs
    });
    const embedder = await loadOllamaEmbedder({ origin: server.origin, model: 'all-minilm' });
    const controller = new AbortController();
    const run = embedder.embedPassages(['a'], { signal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(2);
    controller.abort();
    expect((await rejection(run)).code).toBe('CANCELLED');
  });

  it('checks addresses and names, and knows the prefixes of common models', () => {
    expect(ollamaOrigin('http://localhost:11434/')).toBe('http://localhost:11434');
    expect(() => ollamaOrigin('localhost:11434')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => ollamaOrigin('http://localhost:11434/api')).toThrow(/origin only/);
    expect(() => ollamaOrigin('not a url')).toThrow(/not a URL/);
    expect(ollamaModelName(' nomic-embed-text ')).toBe('nomic-embed-text:latest');
    expect(ollamaModelName('mxbai-embed-large:335m')).toBe('mxbai-embed-large:335m');
    expect(ollamaModelName('registry.example:5000/team/embed')).toBe('registry.example:5000/team/embed:latest');
    expect(() => ollamaModelName('')).toThrow(/empty/);
    expect(() => ollamaModelName('two words')).toThrow(/spaces/);
    expect(ollamaPrefixes('nomic-embed-text:v1.5')).toEqual({ query: 'search_query: ', passage: 'search_document: ' });
    expect(ollamaPrefixes('mxbai-embed-large').query).toMatch(/^Represent this sentence/);
    expect(ollamaPrefixes('bge-m3')).toEqual({ query: '', passage: '' });
    // Same model, two spellings: one vector space; another size: another space.
    expect(ollamaFingerprint('nomic-embed-text', 768)).toBe(ollamaFingerprint('nomic-embed-text:latest', 768));
    expect(ollamaFingerprint('nomic-embed-text', 768)).not.toBe(ollamaFingerprint('nomic-embed-text', 512));
  });
});
