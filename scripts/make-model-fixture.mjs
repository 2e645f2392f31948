#!/usr/bin/env node
// Builds the offline test model "trove/glove-50d-static": a static word-embedding model made from the public-domain
// GloVe 6B 50-d vectors, in the layout transformers.js loads (config.json, tokenizer.json, tokenizer_config.json,
// onnx/model.onnx). Tests and e2e load it through the same code path as production models, with remote models off.
//
//   node scripts/make-model-fixture.mjs [OUTPUT_DIR]      (default: public/models/trove/glove-50d-static)
//
// Idempotent: a stamp file records the generator version and the source's hash; an up-to-date folder is left alone.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import protobuf from 'protobufjs';

const GENERATOR_VERSION = 1;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, 'public/models/trove/glove-50d-static');
/**
 * A second fixture with the same words in another vector space (dimensions reversed, every other one negated: an
 * orthogonal map, so similarities are unchanged). Tests switch models with it: its vectors must never be compared
 * with the first fixture's, and a switch must re-embed.
 */
export const PERMUTED_OUT_DIR = path.join(REPO_ROOT, 'public/models/trove/glove-50d-permuted');
export const DEFAULT_GLOVE_FILE = path.join(REPO_ROOT, 'fixtures/glove-6B-50d-5k/glove-50d-5k.json');
const STAMP = 'fixture-stamp.json';
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'README.txt', STAMP];
const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']; // ids 0..4, all get zero vectors

// The subset of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) this graph needs; field numbers as upstream.
export const ONNX_SCHEMA = `
syntax = "proto3";
package onnx;
message AttributeProto { string name = 1; float f = 2; int64 i = 3; bytes s = 4; int32 type = 20; }
message NodeProto { repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4;
  repeated AttributeProto attribute = 5; }
message TensorProto { repeated int64 dims = 1; int32 data_type = 2; string name = 8; bytes raw_data = 9; }
message TensorShapeProto { message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1; }
message TypeProto { message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; } Tensor tensor_type = 1; }
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message GraphProto { repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5;
  string doc_string = 10; repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; }
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message ModelProto { int64 ir_version = 1; string producer_name = 2; string producer_version = 3;
  string doc_string = 6; GraphProto graph = 7; repeated OperatorSetIdProto opset_import = 8; }
`;
const FLOAT = 1; // TensorProto.DataType
const INT64 = 7;
const ATTR_INT = 2; // AttributeProto.AttributeType

/** Reads {word: number[]} and returns the vocabulary (specials first) and a [vocab, dims] float32 matrix. */
export function buildVocab(glove) {
  const words = Object.keys(glove).filter((w) => w.length > 0 && !SPECIAL_TOKENS.includes(w));
  const dims = glove[words[0]].length;
  const vocab = [...SPECIAL_TOKENS, ...words];
  const matrix = new Float32Array(vocab.length * dims); // special rows stay zero
  words.forEach((word, i) => {
    const vector = glove[word];
    if (vector.length !== dims)
      throw new Error(`GloVe vector for "${word}" has ${vector.length} dims, expected ${dims}`);
    matrix.set(vector, (SPECIAL_TOKENS.length + i) * dims);
  });
  return { vocab, dims, matrix };
}

/** last_hidden_state = Gather(embeddings, input_ids) * Unsqueeze(Cast(attention_mask, float), [2]). */
function buildOnnx(matrix, vocabSize, dims) {
  const root = protobuf.parse(ONNX_SCHEMA).root;
  const ModelProto = root.lookupType('onnx.ModelProto');
  const batchBySeq = (elemType, extra = []) => ({
    tensorType: {
      elemType,
      shape: {
        dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }, ...extra.map((v) => ({ dimValue: v }))],
      },
    },
  });
  const le = Buffer.alloc(matrix.length * 4); // ONNX raw_data is little-endian whatever the host
  matrix.forEach((x, i) => le.writeFloatLE(x, i * 4));
  const axes = Buffer.alloc(8);
  axes.writeBigInt64LE(2n);
  const model = {
    irVersion: 7,
    producerName: 'trove make-model-fixture',
    producerVersion: String(GENERATOR_VERSION),
    docString: 'Static GloVe 6B 50-d word embeddings (PDDL 1.0) as a token-embedding model; test fixture.',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'glove_static',
      initializer: [
        { name: 'embeddings', dataType: FLOAT, dims: [vocabSize, dims], rawData: le },
        { name: 'unsqueeze_axes', dataType: INT64, dims: [1], rawData: axes },
      ],
      node: [
        {
          name: 'gather',
          opType: 'Gather',
          input: ['embeddings', 'input_ids'],
          output: ['token_vectors'],
          attribute: [{ name: 'axis', type: ATTR_INT, i: 0 }],
        },
        {
          name: 'cast',
          opType: 'Cast',
          input: ['attention_mask'],
          output: ['mask_float'],
          attribute: [{ name: 'to', type: ATTR_INT, i: FLOAT }],
        },
        { name: 'unsqueeze', opType: 'Unsqueeze', input: ['mask_float', 'unsqueeze_axes'], output: ['mask_3d'] },
        { name: 'mul', opType: 'Mul', input: ['token_vectors', 'mask_3d'], output: ['last_hidden_state'] },
      ],
      input: [
        { name: 'input_ids', type: batchBySeq(INT64) },
        { name: 'attention_mask', type: batchBySeq(INT64) },
      ],
      output: [{ name: 'last_hidden_state', type: batchBySeq(FLOAT, [dims]) }],
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX model does not fit the schema: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

export function tokenizerJson(vocab) {
  const special = (content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const token = (id) => ({ SpecialToken: { id, type_id: 0 } });
  const seq = (id, typeId) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map(special),
    // GloVe 6B is uncased and keeps accents, so lower-case without stripping them.
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: false,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [token('[CLS]'), seq('A', 0), token('[SEP]')],
      pair: [token('[CLS]'), seq('A', 0), token('[SEP]'), seq('B', 1), token('[SEP]')],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [SPECIAL_TOKENS.indexOf(t)], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    // Whole words only (no "##" pieces): a word outside the GloVe vocabulary becomes [UNK].
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((w, i) => [w, i])),
    },
  };
}

export const tokenizerConfig = {
  tokenizer_class: 'BertTokenizer',
  do_lower_case: true,
  strip_accents: false,
  model_max_length: 512,
  cls_token: '[CLS]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  unk_token: '[UNK]',
  mask_token: '[MASK]',
  clean_up_tokenization_spaces: true,
};

function modelConfig(vocabSize, dims) {
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: dims,
    vocab_size: vocabSize,
    max_position_embeddings: 512,
    num_hidden_layers: 0,
    num_attention_heads: 1,
    intermediate_size: dims,
    type_vocab_size: 2,
    pad_token_id: 0,
    // Only onnx/model.onnx exists: without this, transformers.js asks for model_quantized.onnx on wasm.
    'transformers.js_config': { dtype: 'fp32' },
    trove_fixture: {
      source: 'GloVe 6B 50d (5,050 most frequent words)',
      license: 'PDDL-1.0',
      generator: GENERATOR_VERSION,
    },
  };
}

const README = (vocabSize, dims) => `trove/glove-50d-static — offline test model for Trove (generated; do not edit)

What: a static word-embedding model in the layout transformers.js loads. The ONNX graph looks up one 50-d GloVe
vector per token and zeroes padding (last_hidden_state = embeddings[input_ids] * attention_mask); mean pooling then
gives the mean of a text's known word vectors. ${vocabSize} tokens (5 specials + GloVe words), ${dims} dims.
Special tokens and [UNK] have zero vectors, so a text of only unknown words embeds to the zero vector.
Real but weak semantics (film~movie, car~vehicle): for tests and plumbing only, not for search quality.

Made by: node scripts/make-model-fixture.mjs (from fixtures/glove-6B-50d-5k/glove-50d-5k.json, PDDL 1.0).

Licence: the GloVe vectors (Pennington, Socher & Manning 2014, Stanford NLP, glove.6B) are released under the
Open Data Commons Public Domain Dedication and License (PDDL 1.0), https://opendatacommons.org/licenses/pddl/1-0/.
`;

/** Reverses the order of the dimensions and negates every other one: the same geometry, another space. */
function permuteColumns(matrix, dims) {
  const out = new Float32Array(matrix.length);
  for (let row = 0; row < matrix.length / dims; row++) {
    for (let d = 0; d < dims; d++) out[row * dims + d] = (d % 2 ? -1 : 1) * matrix[row * dims + (dims - 1 - d)];
  }
  return out;
}

export function writeAtomic(file, data) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file); // a reader never sees a half-written file
}

/**
 * Writes the fixture into outDir unless it is already up to date.
 * @returns {{ outDir: string, written: boolean, vocabSize: number, dims: number }}
 */
export function makeModelFixture({
  outDir = DEFAULT_OUT_DIR,
  gloveFile = DEFAULT_GLOVE_FILE,
  force = false,
  variant = 'plain',
} = {}) {
  if (!existsSync(gloveFile)) throw new Error(`GloVe vectors not found at ${gloveFile}`);
  const source = readFileSync(gloveFile);
  const stamp = {
    generator: GENERATOR_VERSION,
    variant,
    sourceSha256: createHash('sha256').update(source).digest('hex'),
  };
  const stampFile = path.join(outDir, STAMP);
  if (!force && FILES.every((f) => existsSync(path.join(outDir, f)))) {
    try {
      const old = JSON.parse(readFileSync(stampFile, 'utf8'));
      if (
        old.generator === stamp.generator &&
        (old.variant ?? 'plain') === variant &&
        old.sourceSha256 === stamp.sourceSha256
      ) {
        return { outDir, written: false, vocabSize: old.vocabSize, dims: old.dims };
      }
    } catch {
      // unreadable stamp: rebuild
    }
  }
  const { vocab, dims, matrix: plain } = buildVocab(JSON.parse(source.toString('utf8')));
  const matrix = variant === 'permuted' ? permuteColumns(plain, dims) : plain;
  const json = (value) => JSON.stringify(value, null, 1) + '\n';
  writeAtomic(path.join(outDir, 'onnx/model.onnx'), buildOnnx(matrix, vocab.length, dims));
  writeAtomic(path.join(outDir, 'tokenizer.json'), json(tokenizerJson(vocab)));
  writeAtomic(path.join(outDir, 'tokenizer_config.json'), json(tokenizerConfig));
  writeAtomic(path.join(outDir, 'config.json'), json(modelConfig(vocab.length, dims)));
  writeAtomic(path.join(outDir, 'README.txt'), README(vocab.length, dims));
  writeAtomic(stampFile, json({ ...stamp, vocabSize: vocab.length, dims })); // last: marks the folder complete
  return { outDir, written: true, vocabSize: vocab.length, dims };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const jobs = process.argv[2]
      ? [{ outDir: path.resolve(process.argv[2]), variant: process.argv[3] ?? 'plain' }]
      : [
          { outDir: DEFAULT_OUT_DIR, variant: 'plain' },
          { outDir: PERMUTED_OUT_DIR, variant: 'permuted' },
        ];
    for (const job of jobs) {
      const result = makeModelFixture(job);
      const where = path.relative(process.cwd(), result.outDir) || '.';
      console.log(
        result.written
          ? `model fixture: wrote ${where} (${result.vocabSize} tokens x ${result.dims} dims, GloVe 6B, PDDL 1.0)`
          : `model fixture: ${where} is up to date`,
      );
    }
  } catch (error) {
    console.error(`model fixture: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
