// Loads the generated GloVe fixture through the production loader (local path, remote models off) in Node.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { normalizeInPlace } from './embedder.ts';
import { estimateTokens } from '../models/token-estimate.ts';
import { configureTransformersEnv } from '../models/transformers-runtime.ts';
import { bagInputs, loadTransformersEmbedder, type TransformersEmbedder } from './transformers-embedder.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = path.join(REPO_ROOT, 'scripts/make-model-fixture.mjs');
const GLOVE = path.join(REPO_ROOT, 'fixtures/glove-6B-50d-5k/glove-50d-5k.json');
const DIMS = 50;

let modelsDir: string;
let embedder: TransformersEmbedder;

function makeFixture(): string {
  return execFileSync(process.execPath, [SCRIPT, path.join(modelsDir, 'trove/glove-50d-static')], { encoding: 'utf8' });
}

function load(overrides: Partial<Parameters<typeof loadTransformersEmbedder>[0]> = {}) {
  return loadTransformersEmbedder({
    modelId: 'glove-50d-static',
    allowRemoteModels: false,
    localModelPath: modelsDir + '/',
    device: 'auto',
    ...overrides,
  });
}

function row(vectors: Float32Array, i: number): Float32Array {
  return vectors.subarray(i * DIMS, (i + 1) * DIMS);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

async function loadError(promise: Promise<unknown>): Promise<TroveError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

beforeAll(async () => {
  modelsDir = mkdtempSync(path.join(tmpdir(), 'trove-embed-'));
  makeFixture();
  embedder = await load();
});

afterAll(async () => {
  await embedder?.dispose();
  rmSync(modelsDir, { recursive: true, force: true });
});

describe('make-model-fixture script', () => {
  it('writes a transformers.js model folder with a real ONNX graph and a licence note', () => {
    const dir = path.join(modelsDir, 'trove/glove-50d-static');
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'README.txt']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(path.join(dir, 'README.txt'), 'utf8')).toMatch(/PDDL 1\.0/);
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))).toMatchObject({
      model_type: 'bert',
      hidden_size: 50,
    });
  });

  it('is idempotent: a second run leaves an up-to-date folder alone', () => {
    expect(makeFixture()).toMatch(/is up to date/);
  });
});

describe('loadTransformersEmbedder with the GloVe fixture', () => {
  it('loads from the local path with remote models off, on the Node CPU backend, fp32', () => {
    expect(embedder.model.id).toBe('glove-50d-static');
    expect(embedder.model.dims).toBe(DIMS);
    expect(embedder.device).toBe('cpu');
    expect(embedder.dtype).toBe('fp32');
    expect(embedder.fingerprint).toBe('trove/glove-50d-static@local|fp32|50|mean');
    expect(embedder.maxPassageTokens).toBe(510); // 512 minus [CLS] and [SEP]
  });

  it('returns one L2-normalised row of 50 floats per passage', async () => {
    const texts = ['The film was long.', 'A bank lends money.', 'Cars need fuel and roads.'];
    const vectors = await embedder.embedPassages(texts);
    expect(vectors).toBeInstanceOf(Float32Array);
    expect(vectors.length).toBe(texts.length * DIMS);
    for (let i = 0; i < texts.length; i++) expect(Math.sqrt(dot(row(vectors, i), row(vectors, i)))).toBeCloseTo(1, 5);
  });

  it('computes the mean of the known GloVe word vectors (specials and padding count as zero)', async () => {
    const glove = JSON.parse(readFileSync(GLOVE, 'utf8')) as Record<string, number[]>;
    const expected = normalizeInPlace(Float32Array.from(glove.film, (x, i) => x + glove.movie[i]));
    // Batched with a longer text, so "film movie" is padded: padding must not change its vector.
    const vectors = await embedder.embedPassages(['film movie', 'the film was a movie about a long war'], {
      batchSize: 2,
    });
    const actual = row(vectors, 0);
    for (let i = 0; i < DIMS; i++) expect(actual[i]).toBeCloseTo(expected[i], 5);
  });

  it('keeps input order although batches are sorted by length', async () => {
    const texts = [
      'car',
      'the bank of the river was full of water and people walked along it in the evening',
      'money',
      'a film about music',
      'the government said on monday that the new law would change how schools are paid for',
      'war',
    ];
    const together = await embedder.embedPassages(texts, { batchSize: 2 });
    for (let i = 0; i < texts.length; i++) {
      const alone = await embedder.embedPassages([texts[i]]);
      for (let d = 0; d < DIMS; d++) expect(row(together, i)[d]).toBeCloseTo(alone[d], 5);
    }
  });

  it('has real semantics: film is closer to movie than car is to bank', async () => {
    const v = await embedder.embedPassages(['film', 'movie', 'car', 'bank']);
    const filmMovie = dot(row(v, 0), row(v, 1));
    const carBank = dot(row(v, 2), row(v, 3));
    expect(filmMovie).toBeGreaterThan(0.85);
    expect(filmMovie).toBeGreaterThan(carBank + 0.3);
  });

  it('gives a zero vector, not NaN, for text with only unknown words or no text', async () => {
    const v = await embedder.embedPassages(['qwxzv blorptastic zzkj', '', 'film']);
    for (const i of [0, 1]) {
      expect(Array.from(row(v, i)).every((x) => x === 0)).toBe(true);
    }
    expect(Array.from(v).every(Number.isFinite)).toBe(true);
  });

  it('returns an empty array for no passages without running the model', async () => {
    const before = embedder.runCount;
    expect((await embedder.embedPassages([])).length).toBe(0);
    expect(embedder.runCount).toBe(before);
  });

  it('truncates passages to maxTokens, keeping the start', async () => {
    const words = Array.from(
      { length: 600 },
      (_, i) => ['film', 'music', 'river', 'money', 'school'][i % 5] + (i < 510 ? '' : ' war'),
    );
    const long = words.join(' ');
    expect(embedder.countTokens(long)).toBeGreaterThan(600);
    const head = words.slice(0, 510).join(' ');
    const [a, b] = [await embedder.embedPassages([long]), await embedder.embedPassages([head])];
    for (let d = 0; d < DIMS; d++) expect(a[d]).toBeCloseTo(b[d], 5);
  });

  it('answers a repeated query from the cache without running the model again', async () => {
    const first = await embedder.embedQuery('a good film about war');
    const runs = embedder.runCount;
    const second = await embedder.embedQuery('a good film about war');
    expect(embedder.runCount).toBe(runs);
    expect(Array.from(second)).toEqual(Array.from(first));
    second.fill(0); // callers get copies: the cache is not corrupted
    expect(Array.from(await embedder.embedQuery('a good film about war'))).toEqual(Array.from(first));
    await embedder.embedQuery('another query');
    expect(embedder.runCount).toBe(runs + 1);
  });

  it('countTokens agrees with the tokenizer (no special tokens)', () => {
    expect(embedder.countTokens('The film, the movie.')).toBe(6);
    expect(embedder.countTokens('')).toBe(0);
    expect(embedder.countTokens("Don't stop-believing!")).toBe(7); // don ' t stop - [UNK] !
  });

  it('estimateTokens is never below the real count on English text', () => {
    const texts = [
      'The quick brown fox jumps over the lazy dog.',
      "It's 2024: the U.S. government didn't publish the report (see page 12, section 3.4).",
      'Photosynthesis converts light energy into chemical energy stored in glucose molecules.',
      'Retrieval-augmented generation combines a search index with a language model; results vary!',
      readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').slice(0, 4000),
    ];
    for (const text of texts) expect(estimateTokens(text)).toBeGreaterThanOrEqual(embedder.countTokens(text));
  });

  it('runs one inference at a time when calls overlap, with the same results as sequential calls', async () => {
    const net = (embedder as unknown as { net: { forward: (inputs: unknown) => Promise<unknown> } }).net;
    const forward = net.forward.bind(net);
    let inFlight = 0;
    let maxInFlight = 0;
    net.forward = async (inputs) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return await forward(inputs);
      } finally {
        inFlight--;
      }
    };
    try {
      const a = ['river bank', 'film music', 'school money war'];
      const b = ['car road', 'government law'];
      const [va, q, vb] = await Promise.all([
        embedder.embedPassages(a, { batchSize: 1 }),
        embedder.embedQuery('music and film'),
        embedder.embedPassages(b, { batchSize: 1 }),
      ]);
      expect(maxInFlight).toBe(1);
      expect(Array.from(va)).toEqual(Array.from(await embedder.embedPassages(a)));
      expect(Array.from(vb)).toEqual(Array.from(await embedder.embedPassages(b)));
      expect(q.length).toBe(DIMS);
    } finally {
      net.forward = forward;
    }
  });

  it('reports progress per batch and stops with CANCELLED when the signal aborts', async () => {
    const texts = ['film', 'movie', 'car', 'bank', 'river', 'money'];
    const progress: number[] = [];
    await embedder.embedPassages(texts, { batchSize: 2, onProgress: (done, total) => progress.push(done / total) });
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBe(3);

    const controller = new AbortController();
    const runs = embedder.runCount;
    const error = await loadError(
      embedder.embedPassages(texts, { batchSize: 2, signal: controller.signal, onProgress: () => controller.abort() }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(embedder.runCount).toBe(runs + 1);
    expect((await loadError(embedder.embedPassages(texts, { signal: controller.signal }))).code).toBe('CANCELLED');
  });

  it('rejects a bad batch size with INVALID_ARGUMENT', async () => {
    expect((await loadError(embedder.embedPassages(['film'], { batchSize: 0 }))).code).toBe('INVALID_ARGUMENT');
  });

  it('reports load progress up to 1, and refuses calls after dispose', async () => {
    const fractions: number[] = [];
    const other = await load({ onProgress: (f) => fractions.push(f) });
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    await other.dispose();
    expect((await loadError(other.embedQuery('film'))).code).toBe('MODEL_UNAVAILABLE');
  });
});

describe('loadTransformersEmbedder errors', () => {
  it('rejects an unknown model id with INVALID_ARGUMENT', async () => {
    const error = await loadError(load({ modelId: 'no-such-model' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('bge-small-en-v1.5');
  });

  it('says plainly that remote models are off and no local copy exists', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'trove-empty-'));
    try {
      const error = await loadError(load({ modelId: 'bge-small-en-v1.5', localModelPath: empty + '/' }));
      expect(error.code).toBe('MODEL_UNAVAILABLE');
      expect(error.message).toContain('remote models are off');
      expect(error.message).toContain(`${empty}/Xenova/bge-small-en-v1.5/`);
      expect(error.message).toContain('config.json');

      const fixture = await loadError(load({ localModelPath: empty + '/', allowRemoteModels: true }));
      expect(fixture.code).toBe('MODEL_UNAVAILABLE');
      expect(fixture.message).toMatch(/only available locally.*make-model-fixture/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('treats an HTML page served for a missing model file (SPA fallback) as missing, not as broken JSON', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Trove</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await loadError(
        load({ modelId: 'bge-small-en-v1.5', localModelPath: `http://127.0.0.1:${port}/models/` }),
      );
      expect(error.code).toBe('MODEL_UNAVAILABLE');
      expect(error.message).toContain('no local copy exists');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fetches only from the local model host and the hub', async () => {
    configureTransformersEnv({ allowRemoteModels: true, localModelPath: modelsDir + '/' });
    await expect(env.fetch('https://example.com/model.onnx')).rejects.toThrow(/refused to fetch/);
  });
});

describe('bagInputs (static model2vec graphs)', () => {
  it('flattens the texts and records where each starts; an empty text is an empty bag', () => {
    const { ids, offsets } = bagInputs([[5, 6, 7], [], [8], [9, 10]]);
    expect(Array.from(ids, Number)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(Array.from(offsets, Number)).toEqual([0, 3, 3, 4]);
  });

  it('is linear: 20k texts of 100 tokens in one pass', () => {
    const texts = Array.from({ length: 20_000 }, (_, i) => Array.from({ length: 100 }, (_, j) => (i + j) % 30_000));
    const { ids, offsets } = bagInputs(texts);
    expect(ids.length).toBe(2_000_000);
    expect(Number(offsets[19_999])).toBe(1_999_900);
  });
});
