#!/usr/bin/env node
// Builds the offline image–text test model "trove/colour-clip" in the layout transformers.js loads for
// CLIPVisionModelWithProjection and CLIPTextModelWithProjection (config.json, preprocessor_config.json,
// tokenizer.json, tokenizer_config.json, onnx/vision_model.onnx, onnx/text_model.onnx), and a folder of coloured
// pictures for the e2e tests. Tests load it through the same code path as a production CLIP model, remote models off.
//
// The towers are small and honest, so results can be predicted:
//   image_embeds = [mean R, mean G, mean B] of the normalised pixels (ReduceMean) · W + b
//   text_embeds  = Σ over the query's words of the same map applied to the colour a colour word names
// "red" therefore lands on a red picture, and a near-duplicate picture (same colours) lands on its twin.
//
//   node scripts/make-clip-fixture.mjs [OUTPUT_DIR] [PICTURES_DIR]
//     (defaults: public/models/trove/colour-clip, e2e/fixtures/generated/pictures)
//
// Idempotent: a stamp file records the generator version.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zlibSync } from 'fflate';
import protobuf from 'protobufjs';
import { ONNX_SCHEMA, tokenizerConfig, tokenizerJson, writeAtomic } from './make-model-fixture.mjs';

const GENERATOR_VERSION = 2;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CLIP_DIR = path.join(REPO_ROOT, 'public/models/trove/colour-clip');
export const DEFAULT_PICTURES_DIR = path.join(REPO_ROOT, 'e2e/fixtures/generated/pictures');
const STAMP = 'fixture-stamp.json';
const FILES = [
  'config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/vision_model.onnx',
  'onnx/text_model.onnx',
  'README.txt',
  STAMP,
];
/** The side the processor resizes and crops to: small, the graph only averages. */
export const CLIP_FIXTURE_IMAGE_SIZE = 32;
export const CLIP_FIXTURE_DIMS = 4;
const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']; // ids 0..4, as make-model-fixture's vocabulary

/** The colours the text tower knows, as sRGB. */
export const COLOURS = {
  red: [220, 30, 30],
  green: [30, 180, 40],
  blue: [30, 60, 220],
  yellow: [240, 220, 30],
  orange: [245, 140, 20],
  purple: [130, 40, 170],
  pink: [245, 150, 190],
  brown: [120, 70, 30],
  black: [10, 10, 10],
  white: [245, 245, 245],
  grey: [128, 128, 128],
  gray: [128, 128, 128],
  cyan: [30, 200, 210],
  magenta: [210, 30, 200],
};
// Words a query may hold around a colour: known, but they carry no colour (zero vectors).
const FILLER = 'a an the of picture photo photograph image with and in on'.split(' ');

const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const SCHEMA = ONNX_SCHEMA.replace('int64 i = 3;', 'int64 i = 3; repeated int64 ints = 8;');

/** W maps the normalised mean colour to the first three dimensions; b adds a constant fourth (black is not zero). */
const W = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
];
const B = [0, 0, 0, 0.5];
/**
 * "trove/colour-clip-b": the same towers with another constant fourth dimension, so its vectors (and fingerprint)
 * differ from the first model's while "red" still finds the red picture: for tests of switching image models.
 */
export const SECOND_CLIP_DIR = path.join(REPO_ROOT, 'public/models/trove/colour-clip-b');
export const SECOND_BIAS = [0, 0, 0, 1.5];

/** The processor's normalisation: (x / 255 − 0.5) / 0.5. */
const normalise = (channel) => (channel / 255 - 0.5) / 0.5;

/** The embedding a picture of one flat colour gets (the image tower on a uniform image), and a colour word. */
export function colourVector(rgb, bias = B) {
  const mean = rgb.map(normalise);
  return bias.map((bias, j) => bias + mean.reduce((sum, m, i) => sum + m * W[i][j], 0));
}

function f32(values) {
  const buf = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf;
}

function i64(values) {
  const buf = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => buf.writeBigInt64LE(BigInt(v), i * 8));
  return buf;
}

function encodeModel(name, doc, graph) {
  const root = protobuf.parse(SCHEMA).root;
  const ModelProto = root.lookupType('onnx.ModelProto');
  const model = {
    irVersion: 7,
    producerName: 'trove make-clip-fixture',
    producerVersion: String(GENERATOR_VERSION),
    docString: doc,
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name, ...graph },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX model does not fit the schema: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

const node = (opType, input, output, attribute = []) => ({ name: output[0], opType, input, output, attribute });
const floatOut = (name, dims) => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch_size' }, { dimValue: dims }] } } },
});

/** pixel_values [B, 3, S, S] → image_embeds [B, D]. */
function visionOnnx(bias) {
  const size = CLIP_FIXTURE_IMAGE_SIZE;
  return encodeModel('colour_clip_vision', 'Mean colour of the normalised pixels, linearly mapped.', {
    initializer: [
      { name: 'W', dataType: FLOAT, dims: [3, CLIP_FIXTURE_DIMS], rawData: f32(W.flat()) },
      { name: 'b', dataType: FLOAT, dims: [CLIP_FIXTURE_DIMS], rawData: f32(bias) },
    ],
    node: [
      node(
        'ReduceMean',
        ['pixel_values'],
        ['mean'],
        [
          { name: 'axes', type: ATTR_INTS, ints: [2, 3] },
          { name: 'keepdims', type: ATTR_INT, i: 0 },
        ],
      ),
      node('MatMul', ['mean', 'W'], ['mapped']),
      node('Add', ['mapped', 'b'], ['image_embeds']),
    ],
    input: [
      {
        name: 'pixel_values',
        type: {
          tensorType: {
            elemType: FLOAT,
            shape: { dim: [{ dimParam: 'batch_size' }, { dimValue: 3 }, { dimValue: size }, { dimValue: size }] },
          },
        },
      },
    ],
    output: [floatOut('image_embeds', CLIP_FIXTURE_DIMS)],
  });
}

/** input_ids, attention_mask [B, T] → text_embeds [B, D]: the masked sum of each word's colour vector. */
function textOnnx(table, vocabSize) {
  const batchBySeq = {
    tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }] } },
  };
  return encodeModel('colour_clip_text', 'Sum of the colour vectors of the colour words in the query.', {
    initializer: [
      { name: 'colours', dataType: FLOAT, dims: [vocabSize, CLIP_FIXTURE_DIMS], rawData: f32(table) },
      { name: 'axis1', dataType: INT64, dims: [1], rawData: i64([1]) },
      { name: 'axis2', dataType: INT64, dims: [1], rawData: i64([2]) },
    ],
    node: [
      node('Gather', ['colours', 'input_ids'], ['vectors'], [{ name: 'axis', type: ATTR_INT, i: 0 }]),
      node('Cast', ['attention_mask'], ['mask'], [{ name: 'to', type: ATTR_INT, i: FLOAT }]),
      node('Unsqueeze', ['mask', 'axis2'], ['mask3']),
      node('Mul', ['vectors', 'mask3'], ['masked']),
      node('ReduceSum', ['masked', 'axis1'], ['text_embeds'], [{ name: 'keepdims', type: ATTR_INT, i: 0 }]),
    ],
    input: [
      { name: 'input_ids', type: batchBySeq },
      { name: 'attention_mask', type: batchBySeq },
    ],
    output: [floatOut('text_embeds', CLIP_FIXTURE_DIMS)],
  });
}

function vocabulary(bias) {
  const words = [...Object.keys(COLOURS), ...FILLER];
  const vocab = [...SPECIAL_TOKENS, ...words];
  const table = new Float32Array(vocab.length * CLIP_FIXTURE_DIMS);
  vocab.forEach((word, id) => {
    if (Object.hasOwn(COLOURS, word)) table.set(colourVector(COLOURS[word], bias), id * CLIP_FIXTURE_DIMS);
  });
  return { vocab, table };
}

const modelConfig = (vocabSize) => ({
  architectures: ['CLIPModel'],
  model_type: 'clip',
  projection_dim: CLIP_FIXTURE_DIMS,
  text_config: {
    model_type: 'clip_text_model',
    vocab_size: vocabSize,
    hidden_size: CLIP_FIXTURE_DIMS,
    max_position_embeddings: 16,
  },
  vision_config: {
    model_type: 'clip_vision_model',
    image_size: CLIP_FIXTURE_IMAGE_SIZE,
    patch_size: CLIP_FIXTURE_IMAGE_SIZE,
    hidden_size: CLIP_FIXTURE_DIMS,
  },
  // Only the fp32 files exist: without this, transformers.js asks for *_quantized.onnx on wasm.
  'transformers.js_config': { dtype: 'fp32' },
  trove_fixture: { source: 'generated colour map', license: 'CC0-1.0', generator: GENERATOR_VERSION },
});

const preprocessorConfig = {
  image_processor_type: 'CLIPImageProcessor',
  do_convert_rgb: true,
  do_resize: true,
  size: { shortest_edge: CLIP_FIXTURE_IMAGE_SIZE },
  resample: 3,
  do_center_crop: true,
  crop_size: { height: CLIP_FIXTURE_IMAGE_SIZE, width: CLIP_FIXTURE_IMAGE_SIZE },
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
};

const README = `trove/colour-clip — offline image–text test model for Trove (generated; do not edit)

What: a CLIP-shaped pair of towers in the layout transformers.js loads (CLIPVisionModelWithProjection,
CLIPTextModelWithProjection, CLIPImageProcessor, a WordPiece tokenizer).
  onnx/vision_model.onnx: pixel_values [B,3,${CLIP_FIXTURE_IMAGE_SIZE},${CLIP_FIXTURE_IMAGE_SIZE}] → image_embeds [B,${CLIP_FIXTURE_DIMS}] = mean colour · W + b
  onnx/text_model.onnx:   input_ids, attention_mask → text_embeds [B,${CLIP_FIXTURE_DIMS}] = Σ colour words' vectors
Colour words: ${Object.keys(COLOURS).join(', ')}. Other words embed to zero.
For tests and plumbing only: it sees colours, nothing else.

Made by: node scripts/make-clip-fixture.mjs. Licence: CC0-1.0 (generated, no source data).
`;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * An 8-bit RGB PNG filled with `rgb`, with an optional rectangle of another colour, and optional extra chunks
 * before the image data (e.g. an eXIf chunk, to check that thumbnails drop it).
 */
export function colourPng({ width, height, rgb, mark, extraChunks = [] }) {
  const raw = new Uint8Array(height * (width * 3 + 1));
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const inMark = mark && x >= mark.x && x < mark.x + mark.width && y >= mark.y && y < mark.y + mark.height;
      raw.set(inMark ? mark.rgb : rgb, row + 1 + x * 3);
    }
  }
  const chunk = (type, data) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(Buffer.from(type, 'latin1'), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, adaptive filtering, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extraChunks.map(([type, data]) => chunk(type, data)),
    chunk('IDAT', zlibSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  return new Uint8Array(Buffer.concat(parts)); // its own buffer: a Buffer may be a view of a shared pool
}

/**
 * The e2e picture folder: one picture per colour, named without colour words (so only the image model can find
 * them by colour), and a near-duplicate of the blue one (other size, a small white mark) an image query must find.
 */
export function pictureFixtures() {
  const flat = (name, width, height, mark) => colourPng({ width, height, rgb: COLOURS[name], mark });
  return {
    'kite.png': flat('red', 96, 64),
    'meadow.png': flat('green', 80, 80),
    'lake.png': flat('blue', 120, 90, { x: 10, y: 10, width: 12, height: 8, rgb: [255, 255, 255] }),
    'door.png': flat('yellow', 64, 96),
    'lake-again.png': flat('blue', 100, 75, { x: 8, y: 8, width: 10, height: 7, rgb: [250, 250, 250] }),
  };
}

/** Writes the model into outDir (unless up to date) and the pictures into picturesDir. */
export function makeClipFixture({
  outDir = DEFAULT_CLIP_DIR,
  picturesDir = DEFAULT_PICTURES_DIR,
  force = false,
  bias = B,
} = {}) {
  const stampFile = path.join(outDir, STAMP);
  const pictures = pictureFixtures();
  for (const [name, bytes] of Object.entries(pictures)) {
    const file = path.join(picturesDir, name);
    if (force || !existsSync(file)) writeAtomic(file, bytes);
  }
  if (!force && FILES.every((f) => existsSync(path.join(outDir, f)))) {
    try {
      if (JSON.parse(readFileSync(stampFile, 'utf8')).generator === GENERATOR_VERSION)
        return { outDir, written: false };
    } catch {
      // unreadable stamp: rebuild
    }
  }
  const { vocab, table } = vocabulary(bias);
  const json = (value) => JSON.stringify(value, null, 1) + '\n';
  writeAtomic(path.join(outDir, 'onnx/vision_model.onnx'), visionOnnx(bias));
  writeAtomic(path.join(outDir, 'onnx/text_model.onnx'), textOnnx(table, vocab.length));
  writeAtomic(path.join(outDir, 'tokenizer.json'), json(tokenizerJson(vocab)));
  writeAtomic(path.join(outDir, 'tokenizer_config.json'), json({ ...tokenizerConfig, model_max_length: 16 }));
  writeAtomic(path.join(outDir, 'preprocessor_config.json'), json(preprocessorConfig));
  writeAtomic(path.join(outDir, 'config.json'), json(modelConfig(vocab.length)));
  writeAtomic(path.join(outDir, 'README.txt'), README);
  writeAtomic(stampFile, json({ generator: GENERATOR_VERSION, vocabSize: vocab.length, dims: CLIP_FIXTURE_DIMS }));
  return { outDir, written: true };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const outDir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_CLIP_DIR;
    const picturesDir = process.argv[3] ? path.resolve(process.argv[3]) : DEFAULT_PICTURES_DIR;
    const results = [makeClipFixture({ outDir, picturesDir })];
    // The second model, for switching between image models, is written beside the default one only.
    if (!process.argv[2]) results.push(makeClipFixture({ outDir: SECOND_CLIP_DIR, picturesDir, bias: SECOND_BIAS }));
    for (const result of results) {
      const where = path.relative(process.cwd(), result.outDir) || '.';
      console.log(result.written ? `clip fixture: wrote ${where}` : `clip fixture: ${where} is up to date`);
    }
  } catch (error) {
    console.error(`clip fixture: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
