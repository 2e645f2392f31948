// The embed benchmark's model: a BERT with MiniLM-L6's shape (6 layers, hidden 384, 12 heads, FFN 1536, vocabulary
// 30522, 512 positions) and seeded random weights, written as ONNX with protobufjs. Random weights cost exactly the
// compute of trained ones, which is all a speed benchmark needs. Two files, as transformers.js expects them:
// onnx/model.onnx (fp32) and onnx/model_quantized.onnx (q8: the six weight matrices of every layer int8, activations
// quantized on the fly with DynamicQuantizeLinear + MatMulInteger, the graph onnxruntime's quantize_dynamic writes).
// ~90 + ~58 MB, so generated into bench/.cache (git-ignored), never committed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FLOAT, GraphBuilder, INT64, encodeModel, float, int, ints } from './onnx-writer.ts';

export const SHAPE = { layers: 6, hidden: 384, heads: 12, ffn: 1536, vocab: 30522, positions: 512, types: 2 };
export type BertShape = typeof SHAPE;
const GENERATOR_VERSION = 2;

/** mulberry32 + Box-Muller: deterministic normal draws. */
function normals(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (std: number, mean = 0) =>
    mean + std * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

interface Weights {
  [name: string]: { dims: number[]; data: Float32Array };
}

/** All parameters, drawn once from one seed so fp32 and q8 files hold the same model. */
function drawWeights(seed: number, shape: BertShape): Weights {
  const draw = normals(seed);
  const { layers, hidden, ffn, vocab, positions, types } = shape;
  const weights: Weights = {};
  const add = (name: string, dims: number[], std: number, mean = 0) => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = draw(std, mean);
    weights[name] = { dims, data };
  };
  add('word_embeddings', [vocab, hidden], 0.02);
  add('position_embeddings', [positions, hidden], 0.02);
  add('token_type_embeddings', [types, hidden], 0.02);
  add('emb_ln_g', [hidden], 0.02, 1);
  add('emb_ln_b', [hidden], 0.02);
  for (let l = 0; l < layers; l++) {
    for (const m of ['q', 'k', 'v', 'o']) {
      add(`l${l}_${m}_w`, [hidden, hidden], 0.02);
      add(`l${l}_${m}_b`, [hidden], 0.02);
    }
    add(`l${l}_ff1_w`, [hidden, ffn], 0.02);
    add(`l${l}_ff1_b`, [ffn], 0.02);
    add(`l${l}_ff2_w`, [ffn, hidden], 0.02);
    add(`l${l}_ff2_b`, [hidden], 0.02);
    for (const n of ['ln1', 'ln2']) {
      add(`l${l}_${n}_g`, [hidden], 0.02, 1);
      add(`l${l}_${n}_b`, [hidden], 0.02);
    }
  }
  return weights;
}

/** Per-tensor symmetric int8 (zero point 0), as quantize_dynamic does for weights by default. */
function quantize(w: Float32Array): { q: Int8Array; scale: number } {
  let max = 0;
  for (const x of w) max = Math.max(max, Math.abs(x));
  const scale = max / 127 || 1;
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i] / scale)));
  return { q, scale };
}

function buildGraph(weights: Weights, quantized: boolean, shape: BertShape): Uint8Array {
  const { layers, hidden, heads } = shape;
  const headDims = hidden / heads;
  const g = new GraphBuilder();
  const w = (name: string) => g.init(name, weights[name].dims, weights[name].data);
  const scalar = (name: string, value: number) => g.init(name, [], new Float32Array([value]));
  const i64 = (name: string, values: number[]) => g.init(name, [values.length], BigInt64Array.from(values.map(BigInt)));

  /** x @ W + b; in the q8 file x is quantized per call and W is int8. */
  const linear = (x: string, name: string) => {
    const bias = w(`${name}_b`);
    if (!quantized) return g.op('Add', [g.op('MatMul', [x, w(`${name}_w`)]), bias]);
    const { q, scale } = quantize(weights[`${name}_w`].data);
    const wq = g.init(`${name}_w_q`, weights[`${name}_w`].dims, q);
    const wzp = g.init(`${name}_w_zp`, [], new Int8Array([0]));
    const wscale = scalar(`${name}_w_scale`, scale);
    const [xq, xscale, xzp] = g.ops('DynamicQuantizeLinear', [x], [`${name}_xq`, `${name}_xscale`, `${name}_xzp`]);
    const product = g.op('MatMulInteger', [xq, wq, xzp, wzp]);
    const rescale = g.op('Mul', [xscale, wscale]);
    return g.op('Add', [g.op('Mul', [g.op('Cast', [product], [int('to', FLOAT)]), rescale]), bias]);
  };
  const layerNorm = (x: string, prefix: string) =>
    g.op('LayerNormalization', [x, w(`${prefix}_g`), w(`${prefix}_b`)], [int('axis', -1), float('epsilon', 1e-12)]);

  // Embeddings: word + position + token type, then LayerNorm.
  const seqLen = g.op(
    'Gather',
    [g.op('Shape', ['input_ids']), g.init('one_idx', [], BigInt64Array.from([1n]))],
    [int('axis', 0)],
  );
  const positions = g.op('Range', [
    g.init('zero_i64', [], BigInt64Array.from([0n])),
    seqLen,
    g.init('one_i64', [], BigInt64Array.from([1n])),
  ]);
  let h = g.op('Add', [
    g.op('Add', [
      g.op('Gather', [w('word_embeddings'), 'input_ids']),
      g.op('Gather', [w('position_embeddings'), positions]),
    ]),
    g.op('Gather', [w('token_type_embeddings'), 'token_type_ids']),
  ]);
  h = layerNorm(h, 'emb_ln');

  // Additive attention mask: 0 for tokens, -10000 for padding, shaped [batch, 1, 1, seq].
  const maskFloat = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], [int('to', FLOAT)]), i64('mask_axes', [1, 2])]);
  const maskBias = g.op('Mul', [g.op('Sub', [scalar('one_f', 1), maskFloat]), scalar('neg_big', -10000)]);
  const splitHeads = i64('split_heads', [0, 0, heads, headDims]);
  const mergeHeads = i64('merge_heads', [0, 0, hidden]);
  const invSqrt = scalar('inv_sqrt_d', 1 / Math.sqrt(headDims));
  const half = scalar('half', 0.5);
  const sqrt2 = scalar('sqrt2', Math.SQRT2);
  const one = 'one_f';

  for (let l = 0; l < layers; l++) {
    const p = `l${l}`;
    const heads4 = (x: string, perm: number[]) =>
      g.op('Transpose', [g.op('Reshape', [x, splitHeads])], [ints('perm', perm)]);
    const q = heads4(linear(h, `${p}_q`), [0, 2, 1, 3]);
    const k = heads4(linear(h, `${p}_k`), [0, 2, 3, 1]);
    const v = heads4(linear(h, `${p}_v`), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, k]), invSqrt]), maskBias]);
    const probs = g.op('Softmax', [scores], [int('axis', -1)]);
    const context = g.op('Reshape', [
      g.op('Transpose', [g.op('MatMul', [probs, v])], [ints('perm', [0, 2, 1, 3])]),
      mergeHeads,
    ]);
    const h1 = layerNorm(g.op('Add', [linear(context, `${p}_o`), h]), `${p}_ln1`);
    const f1 = linear(h1, `${p}_ff1`);
    // GELU (erf form, as BERT): 0.5 x (1 + erf(x / sqrt 2)).
    const gelu = g.op('Mul', [g.op('Mul', [f1, half]), g.op('Add', [g.op('Erf', [g.op('Div', [f1, sqrt2])]), one])]);
    h = layerNorm(g.op('Add', [linear(gelu, `${p}_ff2`), h1]), `${p}_ln2`);
  }
  g.nodes.push({ input: [h], output: ['last_hidden_state'], name: 'output', op_type: 'Identity', attribute: [] });

  const dims = [{ dim_param: 'batch' }, { dim_param: 'sequence' }];
  return encodeModel(
    g,
    'minilm_l6_random',
    ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, elem: INT64, dims })),
    [{ name: 'last_hidden_state', elem: FLOAT, dims: [...dims, { dim_value: hidden }] }],
  );
}

/** The fp32 and q8 ONNX files of one randomly initialised BERT of the given shape (same weights in both). */
export function bertOnnx(shape: BertShape, seed: number): { fp32: Uint8Array; q8: Uint8Array } {
  const weights = drawWeights(seed, shape);
  return { fp32: buildGraph(weights, false, shape), q8: buildGraph(weights, true, shape) };
}

/** A WordPiece tokenizer.json (BERT uncased normalisation) over the given vocabulary. */
export function tokenizerJson(vocab: string[]): object {
  const ids = Object.fromEntries(vocab.map((token, id) => [token, id]));
  const special = (content: string) => ({
    id: ids[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [ids[t]], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}

/**
 * A 30522-token vocabulary from the benchmark's own corpus: the most frequent words, plus every character as a
 * word and as a "##" continuation, so rare words split into pieces as in BERT and token counts stay realistic.
 */
export function buildVocab(texts: string[]): string[] {
  const counts = new Map<string, number>();
  const chars = new Set<string>();
  for (const text of texts) {
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
      for (const ch of word) chars.add(ch);
    }
  }
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const seen = new Set(vocab);
  const push = (t: string) => {
    if (!seen.has(t) && vocab.length < SHAPE.vocab) {
      seen.add(t);
      vocab.push(t);
    }
  };
  for (const ch of [...chars].sort()) {
    push(ch);
    push(`##${ch}`);
  }
  for (const [word] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) push(word);
  for (let i = 0; vocab.length < SHAPE.vocab; i++) push(`[unused${i}]`);
  return vocab;
}

/**
 * Writes the model folder (config.json, tokenizer files, onnx/model.onnx, onnx/model_quantized.onnx) unless an
 * up-to-date copy exists. Returns the folder.
 */
export function makeBenchModel(dir: string, vocab: string[], seed = 42): { dir: string; written: boolean } {
  const stampFile = path.join(dir, 'stamp.json');
  const stamp = JSON.stringify({
    GENERATOR_VERSION,
    seed,
    vocab: vocab.length,
    first: vocab.slice(0, 50),
    last: vocab.slice(-5),
  });
  if (
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    existsSync(path.join(dir, 'onnx/model_quantized.onnx'))
  ) {
    return { dir, written: false };
  }
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const { fp32, q8 } = bertOnnx(SHAPE, seed);
  writeFileSync(path.join(dir, 'onnx/model.onnx'), fp32);
  writeFileSync(path.join(dir, 'onnx/model_quantized.onnx'), q8);
  const { layers, hidden, heads, ffn, positions, types } = SHAPE;
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({
      architectures: ['BertModel'],
      model_type: 'bert',
      hidden_size: hidden,
      num_hidden_layers: layers,
      num_attention_heads: heads,
      intermediate_size: ffn,
      max_position_embeddings: positions,
      type_vocab_size: types,
      vocab_size: vocab.length,
      hidden_act: 'gelu',
      layer_norm_eps: 1e-12,
      pad_token_id: 0,
    }),
  );
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    }),
  );
  writeFileSync(stampFile, stamp);
  return { dir, written: true };
}
