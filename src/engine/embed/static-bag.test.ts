// The static (model2vec) path end to end in Node: a model2vec-shaped ONNX graph (flat input_ids + offsets →
// EmbeddingBag mean → "embeddings"), loaded through loadTransformersEmbedder with a static-bag registry entry.
// The vectors are known in advance, so the test sees exactly which tokens were averaged.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenizerJson } from '../../../bench/embed-model.ts';
import { FLOAT, GraphBuilder, INT64, encodeModel, int } from '../../../bench/onnx-writer.ts';
import { loadTransformersEmbedder, type TransformersEmbedder } from './transformers-embedder.ts';
import type { ModelSpec } from '../api/model-spec.ts';

const DIMS = 5;
// 'search' lets the loader's self-check sentence ('How do search engines rank documents?') have a known token.
const WORDS = ['cat', 'dog', 'fish', 'bird', 'search'];
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS];
const SPEC: ModelSpec = {
  id: 'test-static-bag',
  repo: 'test/static-bag',
  revision: 'local',
  dims: DIMS,
  architecture: 'static-bag',
  pooling: 'mean',
  normalize: true,
  queryPrefix: '',
  passagePrefix: '',
  maxTokens: 512,
  dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
  sizeMB: { fp32: 1 },
  localOnly: true,
  testFixture: true,
  license: 'none',
  languages: ['en'],
  summary: 'test',
  quality: 'test',
};

/** Word i gets the unit vector e_i; [CLS] and [SEP] get a large vector that would dominate if they were fed. */
function table(): Float32Array {
  const t = new Float32Array(VOCAB.length * DIMS);
  WORDS.forEach((_, i) => (t[(5 + i) * DIMS + i] = 1));
  for (const special of [2, 3]) t.fill(100, special * DIMS, special * DIMS + DIMS);
  return t;
}

/** embeddings[b] = mean of table[input_ids[offsets[b] .. offsets[b+1])], zero for an empty bag. */
function staticBagGraph(): Uint8Array {
  const g = new GraphBuilder();
  const i64 = (name: string, values: bigint[], dims = [values.length]) =>
    g.init(name, dims, BigInt64Array.from(values));
  const tokens = g.op('Gather', [g.init('table', [VOCAB.length, DIMS], table()), 'input_ids']); // [N, D]
  const count = g.op('Shape', ['input_ids']); // [1]
  const positions = g.op('Range', [
    i64('zero', [0n], []),
    g.op('Squeeze', [count, i64('ax0', [0n])]),
    i64('one', [1n], []),
  ]);
  const ends = g.op(
    'Concat',
    [g.op('Slice', ['offsets', i64('s1', [1n]), i64('sEnd', [BigInt(Number.MAX_SAFE_INTEGER)])]), count],
    [int('axis', 0)],
  );
  const column = g.op('Unsqueeze', [positions, i64('ax1', [1n])]); // [N, 1]
  const inBag = g.op('And', [
    g.op('GreaterOrEqual', [column, g.op('Unsqueeze', ['offsets', i64('ax0b', [0n])])]),
    g.op('Less', [column, g.op('Unsqueeze', [ends, i64('ax0c', [0n])])]),
  ]); // [N, B] bool
  const weights = g.op(
    'Transpose',
    [g.op('Cast', [inBag], [int('to', FLOAT)])],
    [{ name: 'perm', type: 7, ints: [1, 0] }],
  ); // [B, N]
  const sums = g.op('MatMul', [weights, tokens]); // [B, D]
  const counts = g.op('Max', [
    g.op('ReduceSum', [weights, i64('ax1b', [1n])], [int('keepdims', 1)]),
    g.init('onef', [], new Float32Array([1])),
  ]);
  g.op('Div', [sums, counts], [], 'embeddings');
  return encodeModel(
    g,
    'static_bag',
    [
      { name: 'input_ids', elem: INT64, dims: [{ dim_param: 'tokens' }] },
      { name: 'offsets', elem: INT64, dims: [{ dim_param: 'texts' }] },
    ],
    [{ name: 'embeddings', elem: FLOAT, dims: [{ dim_param: 'texts' }, { dim_value: DIMS }] }],
  );
}

let dir: string;
let embedder: TransformersEmbedder;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'trove-static-bag-'));
  const model = path.join(dir, 'test/static-bag');
  mkdirSync(path.join(model, 'onnx'), { recursive: true });
  writeFileSync(path.join(model, 'onnx/model.onnx'), staticBagGraph());
  writeFileSync(
    path.join(model, 'config.json'),
    JSON.stringify({ model_type: 'model2vec', architectures: ['StaticModel'], hidden_dim: DIMS }),
  );
  writeFileSync(path.join(model, 'tokenizer.json'), JSON.stringify(tokenizerJson(VOCAB)));
  writeFileSync(
    path.join(model, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512 }),
  );
  embedder = await loadTransformersEmbedder({
    modelId: SPEC.id,
    spec: SPEC,
    allowRemoteModels: false,
    localModelPath: `${dir}/`,
    device: 'auto',
  });
});

afterAll(async () => {
  await embedder?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('static-bag (model2vec) models through the embedder', () => {
  it("averages only the text's own tokens (no [CLS]/[SEP]) and normalises; an empty text is a zero row", async () => {
    const vectors = await embedder.embedPassages(['cat', 'cat dog', 'zebra', 'bird bird fish']);
    const row = (i: number) => Array.from(vectors.subarray(i * DIMS, (i + 1) * DIMS), (x) => Number(x.toFixed(4)));
    expect(row(0)).toEqual([1, 0, 0, 0, 0]);
    const h = Number(Math.SQRT1_2.toFixed(4));
    expect(row(1)).toEqual([h, h, 0, 0, 0]);
    expect(row(2)).toEqual([0, 0, 0, 0, 0]); // only [UNK], whose vector is zero
    const a = Number((1 / Math.sqrt(5)).toFixed(4));
    const b = Number((2 / Math.sqrt(5)).toFixed(4));
    expect(row(3)).toEqual([0, 0, a, b, 0]);
  });

  it('keeps input order across length-sorted batches, and queries use the same path', async () => {
    const texts = Array.from({ length: 50 }, (_, i) => (i % 2 ? 'dog fish bird cat' : 'cat'));
    const vectors = await embedder.embedPassages(texts, { batchSize: 7 });
    expect(vectors[0]).toBeCloseTo(1, 5);
    expect(vectors[DIMS]).toBeCloseTo(0.5, 5);
    expect(Array.from(await embedder.embedQuery('cat'))).toEqual([1, 0, 0, 0, 0]);
    expect(embedder.maxPassageTokens).toBe(512);
  });
});
