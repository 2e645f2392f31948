// A cross-encoder with the shape of ms-marco-MiniLM-L-6-v2 (BERT: 6 layers, hidden 384, 12 heads, FFN 1536,
// vocab 30522, 512 positions, one logit) and seeded random weights, written as ONNX with protobufjs: the same
// compute as the real model, for honest timings, without downloading it. ~90 MB: generated into bench/.cache/, never
// committed. Tokenizer: whole-word "w<id>" tokens, so a benchmark can build pairs of an exact token length.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { ONNX_SCHEMA, tokenizerConfig, tokenizerJson } from '../scripts/make-model-fixture.mjs';
import { CACHE_DIR } from './ann-truth.ts';

export const RERANK_MODELS_DIR = join(CACHE_DIR, 'rerank-models');
export const BENCH_RERANKER_REPO = 'bench/minilm-l6-cross-encoder';
const GENERATOR_VERSION = 1;
const SHAPE = { layers: 6, hidden: 384, heads: 12, ffn: 1536, vocab: 30522, positions: 512 };
const SPECIALS = 5; // [PAD] [UNK] [CLS] [SEP] [MASK], ids 0..4 (make-model-fixture's tokenizer layout)

const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const SCHEMA = ONNX_SCHEMA.replace('int64 i = 3;', 'int64 i = 3; repeated int64 ints = 8;');

/** mulberry32 + Box-Muller: N(0, std) floats, deterministic per seed. */
function normals(count: number, std: number, seed: number, mean = 0): Buffer {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform() + 1e-12));
    const theta = 2 * Math.PI * uniform();
    out[i] = mean + std * r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = mean + std * r * Math.sin(theta);
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength); // little-endian on every host we run
}

function i64(values: number[]): Buffer {
  const buf = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => buf.writeBigInt64LE(BigInt(v), i * 8));
  return buf;
}

function buildGraph(): Uint8Array {
  const { layers, hidden: H, heads, ffn, vocab, positions } = SHAPE;
  const headDim = H / heads;
  const initializer: object[] = [];
  const node: object[] = [];
  let seed = 1;
  const weight = (name: string, dims: number[], std = 0.02, mean = 0) => {
    initializer.push({
      name,
      dataType: FLOAT,
      dims,
      rawData: normals(
        dims.reduce((a, b) => a * b, 1),
        std,
        seed++,
        mean,
      ),
    });
    return name;
  };
  const constI64 = (name: string, values: number[], dims = [values.length]) => {
    initializer.push({ name, dataType: INT64, dims, rawData: i64(values) });
    return name;
  };
  const constF = (name: string, value: number) => {
    initializer.push({ name, dataType: FLOAT, dims: [], rawData: Buffer.from(new Float32Array([value]).buffer) });
    return name;
  };
  const op = (opType: string, input: string[], output: string, attribute: object[] = []) => {
    node.push({ name: output, opType, input, output: [output], attribute });
    return output;
  };
  const layerNorm = (x: string, prefix: string) =>
    op(
      'LayerNormalization',
      [x, weight(`${prefix}.gamma`, [H], 0.02, 1), weight(`${prefix}.beta`, [H])],
      `${prefix}.out`,
      [
        { name: 'axis', type: ATTR_INT, i: -1 },
        { name: 'epsilon', type: ATTR_FLOAT, f: 1e-12 },
      ],
    );
  const dense = (x: string, prefix: string, inDim: number, outDim: number) =>
    op(
      'Add',
      [op('MatMul', [x, weight(`${prefix}.w`, [inDim, outDim])], `${prefix}.mm`), weight(`${prefix}.b`, [outDim])],
      `${prefix}.out`,
    );

  // Embeddings: word + position + token type, then LayerNorm.
  constI64('zero_i', [0], []);
  constI64('one_i', [1], []);
  constI64('idx1', [1], []);
  const shape = op('Shape', ['input_ids'], 'ids_shape');
  const seqLen = op('Gather', [shape, 'idx1'], 'seq_len', [{ name: 'axis', type: ATTR_INT, i: 0 }]);
  const positionIds = op('Range', ['zero_i', seqLen, 'one_i'], 'position_ids');
  const words = op('Gather', [weight('emb.word', [vocab, H]), 'input_ids'], 'emb.words');
  const pos = op('Gather', [weight('emb.pos', [positions, H]), positionIds], 'emb.positions');
  const types = op('Gather', [weight('emb.type', [2, H]), 'token_type_ids'], 'emb.types');
  let x = layerNorm(op('Add', [op('Add', [words, pos], 'emb.sum1'), types], 'emb.sum'), 'emb.ln');

  // Additive attention mask: 0 for tokens, -10000 for padding, shaped [B, 1, 1, S].
  const maskF = op('Cast', ['attention_mask'], 'mask_f', [{ name: 'to', type: ATTR_INT, i: FLOAT }]);
  const inverted = op('Sub', [constF('one_f', 1), maskF], 'mask_inv');
  const bias = op(
    'Unsqueeze',
    [op('Mul', [inverted, constF('neg_big', -10000)], 'mask_bias2'), constI64('axes12', [1, 2])],
    'mask_bias',
  );
  const splitHeads = constI64('split_heads', [0, 0, heads, headDim]);
  const mergeHeads = constI64('merge_heads', [0, 0, H]);
  const scale = constF('scale', 1 / Math.sqrt(headDim));
  const sqrt2 = constF('sqrt2', Math.SQRT2);
  const half = constF('half', 0.5);

  for (let l = 0; l < layers; l++) {
    const p = `l${l}`;
    const heads4 = (name: string, perm: number[]) =>
      op(
        'Transpose',
        [op('Reshape', [dense(x, `${p}.${name}`, H, H), splitHeads], `${p}.${name}.split`)],
        `${p}.${name}.t`,
        [{ name: 'perm', type: ATTR_INTS, ints: perm }],
      );
    const q = heads4('q', [0, 2, 1, 3]);
    const k = heads4('k', [0, 2, 3, 1]);
    const v = heads4('v', [0, 2, 1, 3]);
    const scores = op(
      'Add',
      [op('Mul', [op('MatMul', [q, k], `${p}.qk`), scale], `${p}.qk_scaled`), bias],
      `${p}.scores`,
    );
    const probs = op('Softmax', [scores], `${p}.probs`, [{ name: 'axis', type: ATTR_INT, i: -1 }]);
    const context = op('Transpose', [op('MatMul', [probs, v], `${p}.ctx4`)], `${p}.ctx_t`, [
      { name: 'perm', type: ATTR_INTS, ints: [0, 2, 1, 3] },
    ]);
    const merged = op('Reshape', [context, mergeHeads], `${p}.ctx`);
    const attended = layerNorm(op('Add', [dense(merged, `${p}.o`, H, H), x], `${p}.res1`), `${p}.ln1`);
    const h = dense(attended, `${p}.ffn1`, H, ffn);
    // GELU (erf form, as BERT).
    const gelu = op(
      'Mul',
      [
        op('Mul', [h, half], `${p}.h_half`),
        op('Add', [op('Erf', [op('Div', [h, sqrt2], `${p}.h_s`)], `${p}.erf`), constF(`${p}.one`, 1)], `${p}.erf1`),
      ],
      `${p}.gelu`,
    );
    x = layerNorm(op('Add', [dense(gelu, `${p}.ffn2`, ffn, H), attended], `${p}.res2`), `${p}.ln2`);
  }
  // Pooler on [CLS], then the one-logit classifier.
  const cls = op('Gather', [x, 'zero_i'], 'cls', [{ name: 'axis', type: ATTR_INT, i: 1 }]);
  const pooled = op('Tanh', [dense(cls, 'pooler', H, H)], 'pooled');
  node.push({
    name: 'logits',
    opType: 'Add',
    input: [op('MatMul', [pooled, weight('cls.w', [H, 1])], 'cls.mm'), weight('cls.b', [1])],
    output: ['logits'],
    attribute: [],
  });

  const batchBySeq = {
    tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }] } },
  };
  const model = {
    irVersion: 8,
    producerName: 'trove bench/rerank-model.ts',
    producerVersion: String(GENERATOR_VERSION),
    docString: 'MiniLM-L6-shaped BERT cross-encoder with seeded random weights: for speed measurements only.',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'minilm_l6_cross_encoder_random',
      initializer,
      node,
      input: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, type: batchBySeq })),
      output: [
        {
          name: 'logits',
          type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch_size' }, { dimValue: 1 }] } } },
        },
      ],
    },
  };
  const ModelProto = protobuf.parse(SCHEMA).root.lookupType('onnx.ModelProto');
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX model does not fit the schema: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** Writes the model folder (transformers.js layout) unless it is there already. Returns its repo folder. */
export function ensureBenchReranker(): string {
  const dir = join(RERANK_MODELS_DIR, BENCH_RERANKER_REPO);
  const stamp = join(dir, 'stamp.json');
  if (existsSync(stamp) && JSON.parse(readFileSync(stamp, 'utf8')).generator === GENERATOR_VERSION) return dir;
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const vocab = [
    '[PAD]',
    '[UNK]',
    '[CLS]',
    '[SEP]',
    '[MASK]',
    ...Array.from({ length: SHAPE.vocab - SPECIALS }, (_, i) => `w${i + SPECIALS}`),
  ];
  writeFileSync(join(dir, 'onnx/model.onnx'), buildGraph());
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      architectures: ['BertForSequenceClassification'],
      model_type: 'bert',
      hidden_size: SHAPE.hidden,
      num_hidden_layers: SHAPE.layers,
      num_attention_heads: SHAPE.heads,
      intermediate_size: SHAPE.ffn,
      vocab_size: SHAPE.vocab,
      max_position_embeddings: SHAPE.positions,
      type_vocab_size: 2,
      pad_token_id: 0,
      id2label: { 0: 'LABEL_0' },
      label2id: { LABEL_0: 0 },
      'transformers.js_config': { dtype: 'fp32' },
    }),
  );
  writeFileSync(stamp, JSON.stringify({ generator: GENERATOR_VERSION }));
  return dir;
}

/** A query of `queryTokens` and passages that make pairs of exactly `pairTokens` tokens ([CLS] q [SEP] p [SEP]). */
export function benchPairs(count: number, pairTokens: number, queryTokens = 16): { query: string; passages: string[] } {
  const word = (i: number) => `w${SPECIALS + (i % (SHAPE.vocab - SPECIALS))}`;
  const query = Array.from({ length: queryTokens }, (_, i) => word(1000 + i * 37)).join(' ');
  const passageTokens = pairTokens - queryTokens - 3;
  const passages = Array.from({ length: count }, (_, p) =>
    Array.from({ length: passageTokens }, (_, i) => word(p * 7919 + i * 13)).join(' '),
  );
  return { query, passages };
}
