// A decoder with the shape of SmolLM2-135M (Llama: 30 layers, hidden 576, 9 query heads sharing 3 key-value heads,
// head 64, SwiGLU FFN 1536, vocab 49152, RMSNorm) and seeded random weights, written with bench/onnx-writer.ts: the
// same matrix work per token as the real model in fp32, for honest timings without downloading it. Attention is
// real, over a KV cache (past_key_values.{i}.key/value in, present.{i}.key/value out, grouped-query), with a causal
// mask for the prompt. Rotary position embeddings are left out (elementwise work, small beside the matmuls); logits
// are computed for the last position only, as transformers.js asks of exported models (num_logits_to_keep = 1).
// ~540 MB: generated into bench/.cache/, never committed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './ann-truth.ts';
import { FLOAT, GraphBuilder, INT64, encodeModel, int, ints, type GraphIO } from './onnx-writer.ts';

export const GENERATE_MODELS_DIR = join(CACHE_DIR, 'generate-models');
export const GENERATE_MODEL_FILE = 'smollm2-135m-shaped.onnx';
export const SHAPE = Object.freeze({
  layers: 30,
  hidden: 576,
  heads: 9,
  kvHeads: 3,
  headDim: 64,
  ffn: 1536,
  vocab: 49152,
});
const GENERATOR_VERSION = 1;

/** mulberry32 + Box-Muller: N(0, std) floats, deterministic per seed. */
function normals(count: number, std: number, seed: number, mean = 0): Float32Array {
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
  return out;
}

function buildGraph(): Uint8Array {
  const { layers, hidden: H, heads, kvHeads, headDim: D, ffn, vocab } = SHAPE;
  const group = heads / kvHeads;
  const g = new GraphBuilder();
  let seed = 1;
  const weight = (name: string, dims: number[], std = 0.02, mean = 0) =>
    g.init(
      name,
      dims,
      normals(
        dims.reduce((a, b) => a * b, 1),
        std,
        seed++,
        mean,
      ),
    );
  const i64 = (name: string, values: number[], dims = [values.length]) =>
    g.init(name, dims, BigInt64Array.from(values, BigInt));
  const f32 = (name: string, value: number) => g.init(name, [], new Float32Array([value]));
  const rmsNorm = (x: string, prefix: string) => {
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], [ints('axes', [-1]), int('keepdims', 1)]);
    const scale = g.op('Sqrt', [g.op('Add', [meanSquare, 'eps'])]);
    return g.op('Mul', [g.op('Div', [x, scale]), weight(`${prefix}.g`, [H], 0.02, 1)]);
  };

  f32('eps', 1e-5);
  f32('scale', 1 / Math.sqrt(D));
  f32('neg_inf', -1e9);
  f32('zero_f', 0);
  i64('zero', [0], []);
  i64('one', [1], []);
  i64('idx1', [1], []);
  i64('idx2', [2], []);
  i64('ax0', [0]);
  i64('ax1', [1]);
  i64('ax2', [2]);
  i64('q_shape', [0, 0, kvHeads, group, D]);
  i64('kv_shape', [0, 0, kvHeads, D]);
  i64('merge', [0, 0, H]);

  // Causal mask [S, T]: query i (at past + i) sees keys 0..past + i.
  const seqLen = g.op('Gather', [g.op('Shape', ['input_ids']), 'idx1'], [int('axis', 0)]);
  const pastLen = g.op('Gather', [g.op('Shape', ['past_key_values.0.key']), 'idx2'], [int('axis', 0)]);
  const total = g.op('Add', [pastLen, seqLen]);
  const queryPos = g.op('Unsqueeze', [g.op('Range', [pastLen, total, 'one']), 'ax1']);
  const keyPos = g.op('Unsqueeze', [g.op('Range', ['zero', total, 'one']), 'ax0']);
  const mask = g.op('Where', [g.op('Greater', [keyPos, queryPos]), 'neg_inf', 'zero_f']);

  let x = g.op('Gather', [weight('embed', [vocab, H]), 'input_ids'], [int('axis', 0)]);
  for (let l = 0; l < layers; l++) {
    const p = `l${l}`;
    const h = rmsNorm(x, `${p}.attn_norm`);
    // q: [1, S, kv, group, D] -> [1, kv, group, S, D]
    const q = g.op(
      'Transpose',
      [g.op('Reshape', [g.op('MatMul', [h, weight(`${p}.q`, [H, H])]), 'q_shape'])],
      [ints('perm', [0, 2, 3, 1, 4])],
    );
    const kvNew = (name: string) =>
      g.op(
        'Transpose',
        [g.op('Reshape', [g.op('MatMul', [h, weight(`${p}.${name}`, [H, kvHeads * D])]), 'kv_shape'])],
        [ints('perm', [0, 2, 1, 3])],
      );
    const key = g.op('Concat', [`past_key_values.${l}.key`, kvNew('k')], [int('axis', 2)], `present.${l}.key`);
    const value = g.op('Concat', [`past_key_values.${l}.value`, kvNew('v')], [int('axis', 2)], `present.${l}.value`);
    // Grouped-query attention by broadcasting: each kv head serves `group` query heads without copying it.
    const keyT = g.op('Transpose', [g.op('Unsqueeze', [key, 'ax2'])], [ints('perm', [0, 1, 2, 4, 3])]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, keyT]), 'scale']), mask]);
    const attn = g.op('MatMul', [g.op('Softmax', [scores], [int('axis', -1)]), g.op('Unsqueeze', [value, 'ax2'])]);
    const merged = g.op('Reshape', [g.op('Transpose', [attn], [ints('perm', [0, 3, 1, 2, 4])]), 'merge']);
    x = g.op('Add', [x, g.op('MatMul', [merged, weight(`${p}.o`, [H, H])])]);
    const m = rmsNorm(x, `${p}.mlp_norm`);
    const gate = g.op('MatMul', [m, weight(`${p}.gate`, [H, ffn])]);
    const up = g.op('MatMul', [m, weight(`${p}.up`, [H, ffn])]);
    const silu = g.op('Mul', [gate, g.op('Sigmoid', [gate])]);
    x = g.op('Add', [x, g.op('MatMul', [g.op('Mul', [silu, up]), weight(`${p}.down`, [ffn, H])])]);
  }
  const last = g.op('Gather', [rmsNorm(x, 'final_norm'), g.op('Sub', [seqLen, 'one'])], [int('axis', 1)]);
  g.op('MatMul', [last, weight('lm_head', [H, vocab])], [], 'logits');

  const dim = (d: string | number) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d });
  const cache = (name: string, length: string): GraphIO => ({
    name,
    elem: FLOAT,
    dims: [dim('batch_size'), dim(kvHeads), dim(length), dim(D)],
  });
  const inputs: GraphIO[] = [{ name: 'input_ids', elem: INT64, dims: [dim('batch_size'), dim('sequence_length')] }];
  const outputs: GraphIO[] = [{ name: 'logits', elem: FLOAT, dims: [dim('batch_size'), dim(vocab)] }];
  for (let l = 0; l < layers; l++) {
    inputs.push(cache(`past_key_values.${l}.key`, 'past_sequence_length'));
    inputs.push(cache(`past_key_values.${l}.value`, 'past_sequence_length'));
    outputs.push(cache(`present.${l}.key`, 'total_sequence_length'));
    outputs.push(cache(`present.${l}.value`, 'total_sequence_length'));
  }
  return encodeModel(g, 'smollm2_135m_shaped', inputs, outputs, 17);
}

/** Writes the benchmark decoder unless the cached one is current; returns its path. */
export function ensureBenchDecoder(): string {
  const file = join(GENERATE_MODELS_DIR, GENERATE_MODEL_FILE);
  const stampFile = join(GENERATE_MODELS_DIR, 'stamp.json');
  const stamp = JSON.stringify({ generator: GENERATOR_VERSION, shape: SHAPE });
  if (existsSync(file) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return file;
  mkdirSync(GENERATE_MODELS_DIR, { recursive: true });
  writeFileSync(file, buildGraph());
  writeFileSync(stampFile, stamp);
  return file;
}
