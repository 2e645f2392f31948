// The images benchmark's model: a CLIP image tower with ViT-B/32's shape (224 px input, 32 px patches → 49 tokens
// + class token, 12 pre-norm layers, hidden 768, 12 heads, MLP 3072 with quick-GELU, projection to 512) and seeded
// random weights, written as ONNX; beside it a tiny text tower, tokenizer and CLIP preprocessor config, so the
// production loader (loadClipEmbedder) loads it as it loads Xenova/clip-vit-base-patch32. Random weights cost
// exactly the compute of trained ones. Both of the files transformers.js picks by dtype are written: fp32
// (vision_model.onnx, ~350 MB) and q8 (vision_model_quantized.onnx, ~88 MB: each MatMul's weights int8 per tensor,
// its input quantized per call, as onnxruntime's quantize_dynamic writes Xenova's export), into bench/.cache.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizerConfig, tokenizerJson } from '../scripts/make-model-fixture.mjs';
import { CACHE_DIR } from './ann-truth.ts';
import { FLOAT, GraphBuilder, INT64, encodeModel, float, int, ints } from './onnx-writer.ts';

export const IMAGES_MODELS_DIR = join(CACHE_DIR, 'images-models');
export const BENCH_CLIP_REPO = 'bench/clip-vit-b32-random';
export const VIT_B32 = { image: 224, patch: 32, layers: 12, hidden: 768, heads: 12, mlp: 3072, projection: 512 };
const GENERATOR_VERSION = 2;
const TEXT_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'photo', 'of', 'red', 'car'];

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
  return (std: number) => std * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
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

function visionGraph(seed: number, quantized: boolean): Uint8Array {
  const { image, patch, layers, hidden, heads, mlp, projection } = VIT_B32;
  const tokens = (image / patch) ** 2 + 1;
  const headDims = hidden / heads;
  const draw = normals(seed);
  const g = new GraphBuilder();
  const randomData = (dims: number[], std: number) => {
    const data = new Float32Array(dims.reduce((x, y) => x * y, 1));
    for (let i = 0; i < data.length; i++) data[i] = draw(std);
    return data;
  };
  const random = (name: string, dims: number[], std = 0.02) => g.init(name, dims, randomData(dims, std));
  const filled = (name: string, dims: number[], value: number) =>
    g.init(name, dims, new Float32Array(dims.reduce((x, y) => x * y, 1)).fill(value));
  const scalar = (name: string, value: number) => g.init(name, [], new Float32Array([value]));
  const i64 = (name: string, values: number[]) => g.init(name, [values.length], BigInt64Array.from(values.map(BigInt)));
  /** x @ W + b; in the q8 file x is quantized per call and W is int8. */
  const linear = (x: string, name: string, inDims: number, outDims: number) => {
    const bias = filled(`${name}_b`, [outDims], 0);
    if (!quantized) return g.op('Add', [g.op('MatMul', [x, random(`${name}_w`, [inDims, outDims])]), bias]);
    const { q, scale } = quantize(randomData([inDims, outDims], 0.02));
    const wq = g.init(`${name}_w_q`, [inDims, outDims], q);
    const wzp = g.init(`${name}_w_zp`, [], new Int8Array([0]));
    const [xq, xscale, xzp] = g.ops('DynamicQuantizeLinear', [x], [`${name}_xq`, `${name}_xscale`, `${name}_xzp`]);
    const product = g.op('MatMulInteger', [xq, wq, xzp, wzp]);
    const rescale = g.op('Mul', [xscale, scalar(`${name}_w_scale`, scale)]);
    return g.op('Add', [g.op('Mul', [g.op('Cast', [product], [int('to', FLOAT)]), rescale]), bias]);
  };
  const layerNorm = (x: string, name: string) =>
    g.op(
      'LayerNormalization',
      [x, filled(`${name}_g`, [hidden], 1), filled(`${name}_b`, [hidden], 0)],
      [int('axis', -1), float('epsilon', 1e-5)],
    );

  // Patch embedding: a 32×32 stride-32 convolution, flattened to [batch, 49, hidden], the class token in front.
  const conv = g.op(
    'Conv',
    ['pixel_values', random('patch_w', [hidden, 3, patch, patch])],
    [ints('kernel_shape', [patch, patch]), ints('strides', [patch, patch])],
  );
  const flat = g.op(
    'Transpose',
    [g.op('Reshape', [conv, i64('to_patches', [0, hidden, -1])])],
    [ints('perm', [0, 2, 1])],
  );
  const batch = g.op('Slice', [g.op('Shape', ['pixel_values']), i64('s0', [0]), i64('s1', [1])]);
  const clsShape = g.op('Concat', [batch, i64('cls_rest', [1, hidden])], [int('axis', 0)]);
  const cls = g.op('Expand', [random('class_embedding', [1, 1, hidden]), clsShape]);
  let h = g.op('Add', [g.op('Concat', [cls, flat], [int('axis', 1)]), random('positions', [tokens, hidden])]);
  h = layerNorm(h, 'pre_ln');

  const splitHeads = i64('split_heads', [0, 0, heads, headDims]);
  const mergeHeads = i64('merge_heads', [0, 0, hidden]);
  const invSqrt = scalar('inv_sqrt_d', 1 / Math.sqrt(headDims));
  const quick = scalar('quick_gelu', 1.702);
  for (let l = 0; l < layers; l++) {
    const p = `l${l}`;
    const x = layerNorm(h, `${p}_ln1`);
    const heads4 = (y: string, perm: number[]) =>
      g.op('Transpose', [g.op('Reshape', [y, splitHeads])], [ints('perm', perm)]);
    const q = heads4(linear(x, `${p}_q`, hidden, hidden), [0, 2, 1, 3]);
    const k = heads4(linear(x, `${p}_k`, hidden, hidden), [0, 2, 3, 1]);
    const v = heads4(linear(x, `${p}_v`, hidden, hidden), [0, 2, 1, 3]);
    const probs = g.op('Softmax', [g.op('Mul', [g.op('MatMul', [q, k]), invSqrt])], [int('axis', -1)]);
    const context = g.op('Reshape', [
      g.op('Transpose', [g.op('MatMul', [probs, v])], [ints('perm', [0, 2, 1, 3])]),
      mergeHeads,
    ]);
    h = g.op('Add', [h, linear(context, `${p}_o`, hidden, hidden)]);
    const f1 = linear(layerNorm(h, `${p}_ln2`), `${p}_fc1`, hidden, mlp);
    // quick-GELU, as CLIP: x · sigmoid(1.702 x).
    const gelu = g.op('Mul', [f1, g.op('Sigmoid', [g.op('Mul', [f1, quick])])]);
    h = g.op('Add', [h, linear(gelu, `${p}_fc2`, mlp, hidden)]);
  }
  const pooled = layerNorm(
    g.op('Gather', [h, g.init('first', [], BigInt64Array.from([0n]))], [int('axis', 1)]),
    'post_ln',
  );
  g.nodes.push({
    input: [pooled, random('visual_projection', [hidden, projection])],
    output: ['image_embeds'],
    name: 'projection',
    op_type: 'MatMul',
    attribute: [],
  });
  return encodeModel(
    g,
    'clip_vit_b32_random',
    [
      {
        name: 'pixel_values',
        elem: FLOAT,
        dims: [{ dim_param: 'batch' }, { dim_value: 3 }, { dim_value: image }, { dim_value: image }],
      },
    ],
    [{ name: 'image_embeds', elem: FLOAT, dims: [{ dim_param: 'batch' }, { dim_value: projection }] }],
  );
}

/** A text tower that only has to load and answer the self-check: summed random word vectors. */
function textGraph(seed: number): Uint8Array {
  const draw = normals(seed);
  const g = new GraphBuilder();
  const table = new Float32Array(TEXT_VOCAB.length * VIT_B32.projection).map(() => draw(1));
  const gathered = g.op('Gather', [g.init('words', [TEXT_VOCAB.length, VIT_B32.projection], table), 'input_ids']);
  g.op('ReduceSum', [gathered, g.init('axis1', [1], BigInt64Array.from([1n]))], [int('keepdims', 0)], 'text_embeds');
  const dims = [{ dim_param: 'batch' }, { dim_param: 'sequence' }];
  return encodeModel(
    g,
    'clip_text_random',
    [{ name: 'input_ids', elem: INT64, dims }],
    [{ name: 'text_embeds', elem: FLOAT, dims: [{ dim_param: 'batch' }, { dim_value: VIT_B32.projection }] }],
    13,
  );
}

/** Writes the model into bench/.cache unless it is there; returns its folder. */
export function ensureBenchClip(): string {
  const dir = join(IMAGES_MODELS_DIR, BENCH_CLIP_REPO);
  const stamp = join(dir, 'stamp.json');
  if (existsSync(stamp) && JSON.parse(readFileSync(stamp, 'utf8')).generator === GENERATOR_VERSION) return dir;
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx/vision_model.onnx'), visionGraph(7, false));
  writeFileSync(join(dir, 'onnx/vision_model_quantized.onnx'), visionGraph(7, true));
  // The text tower is not timed: one small graph serves both dtypes' file names.
  writeFileSync(join(dir, 'onnx/text_model.onnx'), textGraph(8));
  writeFileSync(join(dir, 'onnx/text_model_quantized.onnx'), textGraph(8));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(TEXT_VOCAB)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
  writeFileSync(
    join(dir, 'preprocessor_config.json'),
    JSON.stringify({
      image_processor_type: 'CLIPImageProcessor',
      do_convert_rgb: true,
      do_resize: true,
      size: { shortest_edge: VIT_B32.image },
      resample: 3,
      do_center_crop: true,
      crop_size: { height: VIT_B32.image, width: VIT_B32.image },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.48145466, 0.4578275, 0.40821073],
      image_std: [0.26862954, 0.26130258, 0.27577711],
    }),
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      architectures: ['CLIPModel'],
      model_type: 'clip',
      projection_dim: VIT_B32.projection,
      text_config: { model_type: 'clip_text_model', vocab_size: TEXT_VOCAB.length, hidden_size: 512 },
      vision_config: {
        model_type: 'clip_vision_model',
        image_size: VIT_B32.image,
        patch_size: VIT_B32.patch,
        hidden_size: VIT_B32.hidden,
        num_hidden_layers: VIT_B32.layers,
        num_attention_heads: VIT_B32.heads,
        intermediate_size: VIT_B32.mlp,
      },
      'transformers.js_config': { dtype: 'fp32' },
    }),
  );
  writeFileSync(stamp, JSON.stringify({ generator: GENERATOR_VERSION }));
  return dir;
}
