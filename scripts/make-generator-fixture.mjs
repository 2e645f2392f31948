#!/usr/bin/env node
// Builds the offline answer-model test fixture "trove/scripted-chat": a real ONNX causal language model in the layout
// transformers.js loads for AutoModelForCausalLM (model_type "llama", one layer, past_key_values.0.key/value inputs,
// present.0.key/value outputs), a word-level tokenizer with special tokens and a ChatML chat_template, and a
// generation_config.json whose eos is <|im_end|>. Tests and e2e load it through the same code path as a real model.
//
// What it writes, greedily (a documented function of the prompt, so tests can assert on it):
//   - after the assistant header of a ChatML prompt (`<|im_start|>assistant\n`), a scripted answer chosen by the
//     trigger words found anywhere in the prompt (system prompt, passages, thread or question), then <|im_end|>:
//       no trigger:        "According to your documents, this is described in the first passage [1]."  (14 tokens)
//       "overreach":       "The first passage covers this [1]. A seventh source adds detail [7]. This sentence cites
//                           nothing."  (a citation beyond a short context, and a sentence without citation)
//       "filibuster":      "This answer is long on purpose [1]." then " It keeps going." 73 times (300 tokens; for cancel)
//       "unanswerable":    "I cannot find this in the documents."  (the model-side no-answer)
//     Precedence when several appear: unanswerable > filibuster > overreach. Triggers match as whole words, lower-case
//     or capitalised.
//
// How (one layer, real KV cache): every token's key holds its position, its value holds [position+1 if it is
// <|im_start|>, trigger flags]. present = concat(past, new), so the cache grows by one row per token. The last query
// attends causally over the cache: a max over the <|im_start|> rows gives where the current message began, a sum
// over the trigger rows picks the script; the offset into the message indexes a table of scripted next tokens.
//
//   node scripts/make-generator-fixture.mjs [OUTPUT_DIR]   (default: public/models/trove/scripted-chat)
//
// Idempotent: a stamp file records the generator version.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import protobuf from 'protobufjs';
import { ONNX_SCHEMA, writeAtomic } from './make-model-fixture.mjs';

const GENERATOR_VERSION = 1;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_GENERATOR_DIR = path.join(REPO_ROOT, 'public/models/trove/scripted-chat');
const STAMP = 'fixture-stamp.json';
const FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'README.txt',
  STAMP,
];
const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const SCHEMA = ONNX_SCHEMA.replace('int64 i = 3;', 'int64 i = 3; repeated int64 ints = 8;');

/** Space inside a line and line breaks, as the normalizer writes them (SentencePiece style, so decoding is exact). */
const SPACE = '▁';
const NEWLINE = '⏎';
/** The pre-tokenizer: a newline, a citation like [12], a word or one other symbol, each with its leading space. */
export const PIECE_PATTERN = `${NEWLINE}|${SPACE}?(?:\\[\\d+\\]|[\\p{L}\\p{N}]+|[^\\p{L}\\p{N}${SPACE}${NEWLINE}])|${SPACE}`;

export const SPECIAL_TOKENS = ['<pad>', '<unk>', '<|im_start|>', '<|im_end|>'];
const IM_START = 2;
export const EOS_ID = 3;

export const TRIGGERS = Object.freeze({ overreach: 1, filibuster: 2, unanswerable: 3 });

export const SCRIPTS = Object.freeze({
  normal: 'According to your documents, this is described in the first passage [1].',
  overreach: 'The first passage covers this [1]. A seventh source adds detail [7]. This sentence cites nothing.',
  filibuster: 'This answer is long on purpose [1].' + ' It keeps going.'.repeat(73),
  unanswerable: 'I cannot find this in the documents.',
});
/** Script order in the model's table: index = the mode the trigger flags select. */
const MODES = ['normal', 'overreach', 'filibuster', 'unanswerable'];

export const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** The pieces the tokenizer makes of a text (same normalizer and pattern as tokenizer.json). */
export function pieces(text) {
  const normal = text.replace(/\n/g, NEWLINE).replace(/[^\S\n]/g, SPACE);
  return normal.match(new RegExp(PIECE_PATTERN, 'gu')) ?? [];
}

function buildVocab() {
  const vocab = [...SPECIAL_TOKENS, SPACE, NEWLINE, 'system', 'user', 'assistant'];
  const add = (token) => {
    if (!vocab.includes(token)) vocab.push(token);
  };
  for (const mode of MODES) pieces(SCRIPTS[mode]).forEach(add);
  for (const word of Object.keys(TRIGGERS)) {
    const capital = word[0].toUpperCase() + word.slice(1);
    for (const form of [word, capital]) {
      add(form);
      add(SPACE + form);
    }
  }
  return vocab;
}

function i64(values) {
  const buf = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => buf.writeBigInt64LE(BigInt(v), i * 8));
  return buf;
}

function f32(values) {
  const buf = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf;
}

/** Per token: [is <|im_start|>, overreach, filibuster, unanswerable]. */
function featureTable(vocab) {
  const table = new Float32Array(vocab.length * 4);
  table[IM_START * 4] = 1;
  vocab.forEach((token, id) => {
    const word = token.replace(SPACE, '').toLowerCase();
    if (Object.hasOwn(TRIGGERS, word)) table[id * 4 + TRIGGERS[word]] = 1;
  });
  return table;
}

/** [offset, mode, vocab]: 10 on the scripted token at each offset into the answer, then on <|im_end|>. */
function scriptTable(vocab, length) {
  const table = new Float32Array(length * MODES.length * vocab.length);
  MODES.forEach((mode, m) => {
    const ids = pieces(SCRIPTS[mode]).map((p) => vocab.indexOf(p));
    for (let offset = 0; offset < length; offset++) {
      const next = offset < ids.length ? ids[offset] : EOS_ID;
      table[(offset * MODES.length + m) * vocab.length + next] = 10;
    }
  });
  return table;
}

export const HEAD_DIM = 4;

function buildOnnx(vocab) {
  const root = protobuf.parse(SCHEMA).root;
  const ModelProto = root.lookupType('onnx.ModelProto');
  const V = vocab.length;
  const L = Math.max(...MODES.map((m) => pieces(SCRIPTS[m]).length)) + 2;
  const dims = (...list) => ({ dim: list.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) });
  const tensor = (elemType, shape) => ({ tensorType: { elemType, shape } });
  const node = (opType, input, output, attribute = []) => ({ name: output[0], opType, input, output, attribute });
  const int = (name, i) => ({ name, type: ATTR_INT, i });
  const cache = (name) => ({
    name,
    type: tensor(FLOAT, dims('batch_size', 1, 'past_sequence_length', HEAD_DIM)),
  });
  const present = (name) => ({
    name,
    type: tensor(FLOAT, dims('batch_size', 1, 'total_sequence_length', HEAD_DIM)),
  });
  const model = {
    irVersion: 7,
    producerName: 'trove make-generator-fixture',
    producerVersion: String(GENERATOR_VERSION),
    docString: 'Scripted one-layer causal LM with a real KV cache; test fixture (see README.txt).',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'scripted_chat',
      initializer: [
        { name: 'features', dataType: FLOAT, dims: [V, 4], rawData: f32(featureTable(vocab)) },
        { name: 'scripts', dataType: FLOAT, dims: [L, MODES.length, V], rawData: f32(scriptTable(vocab, L)) },
        { name: 'e0', dataType: FLOAT, dims: [HEAD_DIM], rawData: f32([1, 0, 0, 0]) },
        { name: 'one', dataType: FLOAT, dims: [], rawData: f32([1]) },
        { name: 'zero', dataType: FLOAT, dims: [], rawData: f32([0]) },
        { name: 'last_offset', dataType: FLOAT, dims: [], rawData: f32([L - 1]) },
        { name: 'idx0', dataType: INT64, dims: [], rawData: i64([0]) },
        { name: 'axis1', dataType: INT64, dims: [1], rawData: i64([1]) },
        { name: 'axis2', dataType: INT64, dims: [1], rawData: i64([2]) },
        { name: 'axis3', dataType: INT64, dims: [1], rawData: i64([3]) },
        { name: 'from1', dataType: INT64, dims: [1], rawData: i64([1]) },
        { name: 'to4', dataType: INT64, dims: [1], rawData: i64([4]) },
        { name: 'c0', dataType: INT64, dims: [1], rawData: i64([0]) },
        { name: 'c1', dataType: INT64, dims: [1], rawData: i64([1]) },
        { name: 'c2', dataType: INT64, dims: [1], rawData: i64([2]) },
        { name: 'c3', dataType: INT64, dims: [1], rawData: i64([3]) },
      ],
      node: [
        // This step's keys and values: key = [position, 0, 0, 0], value = features * [position + 1, 1, 1, 1].
        node('Gather', ['features', 'input_ids'], ['feat'], [int('axis', 0)]),
        node('Cast', ['position_ids'], ['pos'], [int('to', FLOAT)]),
        node('Unsqueeze', ['pos', 'axis2'], ['pos3']),
        node('Mul', ['pos3', 'e0'], ['key_new3']),
        node('Add', ['key_new3', 'one'], ['pos_scale']),
        node('Mul', ['feat', 'pos_scale'], ['value_new3']),
        node('Unsqueeze', ['key_new3', 'axis1'], ['key_new']),
        node('Unsqueeze', ['value_new3', 'axis1'], ['value_new']),
        node('Concat', ['past_key_values.0.key', 'key_new'], ['present.0.key'], [int('axis', 2)]),
        node('Concat', ['past_key_values.0.value', 'value_new'], ['present.0.value'], [int('axis', 2)]),
        // Causal weights over the whole cache: key position <= query position, and not padding.
        node('Squeeze', ['present.0.key', 'axis1'], ['keys']),
        node('Squeeze', ['present.0.value', 'axis1'], ['values']),
        node('Gather', ['keys', 'idx0'], ['key_pos'], [int('axis', 2)]),
        node('Unsqueeze', ['key_pos', 'axis1'], ['key_pos_row']),
        node('Greater', ['key_pos_row', 'pos3'], ['future']),
        node('Not', ['future'], ['past_or_now']),
        node('Cast', ['past_or_now'], ['causal'], [int('to', FLOAT)]),
        node('Cast', ['attention_mask'], ['mask'], [int('to', FLOAT)]),
        node('Unsqueeze', ['mask', 'axis1'], ['mask_row']),
        node('Mul', ['causal', 'mask_row'], ['weights']),
        // Where the current message began: the latest <|im_start|> row (value[0] = its position + 1).
        node('Gather', ['values', 'idx0'], ['start_marks'], [int('axis', 2)]),
        node('Unsqueeze', ['start_marks', 'axis1'], ['start_row']),
        node('Mul', ['start_row', 'weights'], ['visible_starts']),
        node(
          'ReduceMax',
          ['visible_starts'],
          ['latest_start'],
          [{ name: 'axes', type: ATTR_INTS, ints: [2] }, int('keepdims', 0)],
        ),
        node('Sub', ['pos', 'latest_start'], ['since_start']),
        node('Sub', ['since_start', 'one'], ['raw_offset']),
        node('Clip', ['raw_offset', 'zero', 'last_offset'], ['offset_f']),
        node('Cast', ['offset_f'], ['offset'], [int('to', INT64)]),
        // Which script: trigger flags seen anywhere in the visible cache, with precedence.
        node('Slice', ['values', 'from1', 'to4', 'axis2'], ['trigger_rows']),
        node('MatMul', ['weights', 'trigger_rows'], ['trigger_counts']),
        node('Clip', ['trigger_counts', 'zero', 'one'], ['flags']),
        node('Slice', ['flags', 'c0', 'c1', 'axis2'], ['flag_a']),
        node('Slice', ['flags', 'c1', 'c2', 'axis2'], ['flag_b']),
        node('Slice', ['flags', 'c2', 'c3', 'axis2'], ['flag_c']),
        node('Sub', ['one', 'flag_c'], ['not_c']),
        node('Sub', ['one', 'flag_b'], ['not_b']),
        node('Mul', ['flag_b', 'not_c'], ['w_long']),
        node('Mul', ['not_b', 'not_c'], ['neither']),
        node('Mul', ['flag_a', 'neither'], ['w_overreach']),
        node('Sub', ['one', 'flag_c'], ['rest_c']),
        node('Sub', ['rest_c', 'w_long'], ['rest_b']),
        node('Sub', ['rest_b', 'w_overreach'], ['w_normal']),
        node('Concat', ['w_normal', 'w_overreach', 'w_long', 'flag_c'], ['mode_weights'], [int('axis', 2)]),
        node('Unsqueeze', ['mode_weights', 'axis3'], ['mode_weights4']),
        // logits = sum over scripts of weight * scripts[offset, script]
        node('Gather', ['scripts', 'offset'], ['script_rows'], [int('axis', 0)]),
        node('Mul', ['script_rows', 'mode_weights4'], ['weighted_rows']),
        node('ReduceSum', ['weighted_rows', 'axis2'], ['logits'], [int('keepdims', 0)]),
      ],
      input: [
        { name: 'input_ids', type: tensor(INT64, dims('batch_size', 'sequence_length')) },
        { name: 'attention_mask', type: tensor(INT64, dims('batch_size', 'total_sequence_length')) },
        { name: 'position_ids', type: tensor(INT64, dims('batch_size', 'sequence_length')) },
        cache('past_key_values.0.key'),
        cache('past_key_values.0.value'),
      ],
      output: [
        { name: 'logits', type: tensor(FLOAT, dims('batch_size', 'sequence_length', V)) },
        present('present.0.key'),
        present('present.0.value'),
      ],
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX model does not fit the schema: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

function tokenizerJson(vocab) {
  const special = (content) => ({
    id: vocab.indexOf(content),
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
    added_tokens: SPECIAL_TOKENS.map(special),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Replace', pattern: { String: '\n' }, content: NEWLINE },
        { type: 'Replace', pattern: { Regex: '[^\\S\\n]' }, content: SPACE },
      ],
    },
    pre_tokenizer: { type: 'Split', pattern: { Regex: PIECE_PATTERN }, behavior: 'Isolated', invert: true },
    post_processor: null,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: SPACE }, content: ' ' },
        { type: 'Replace', pattern: { String: NEWLINE }, content: '\n' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    // Whole pieces only: one not in the vocabulary (most of any passage) becomes <unk>.
    model: {
      type: 'WordPiece',
      unk_token: '<unk>',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((w, i) => [w, i])),
    },
  };
}

const tokenizerConfig = {
  tokenizer_class: 'PreTrainedTokenizerFast',
  model_max_length: 4096,
  bos_token: null,
  eos_token: '<|im_end|>',
  pad_token: '<pad>',
  unk_token: '<unk>',
  add_bos_token: false,
  add_eos_token: false,
  clean_up_tokenization_spaces: false,
  chat_template: CHAT_TEMPLATE,
};

function modelConfig(vocabSize) {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: HEAD_DIM,
    head_dim: HEAD_DIM,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    num_key_value_heads: 1,
    intermediate_size: HEAD_DIM,
    vocab_size: vocabSize,
    max_position_embeddings: 4096,
    bos_token_id: null,
    eos_token_id: EOS_ID,
    pad_token_id: 0,
    tie_word_embeddings: false,
    // Only onnx/model.onnx exists: without this, transformers.js asks for model_quantized.onnx on wasm.
    'transformers.js_config': { dtype: 'fp32' },
    trove_fixture: { generator: GENERATOR_VERSION, license: 'CC0-1.0' },
  };
}

const generationConfig = {
  eos_token_id: EOS_ID,
  pad_token_id: 0,
  do_sample: false,
  max_new_tokens: 400,
};

const README = (
  vocabSize,
) => `trove/scripted-chat — offline answer-model test fixture for Trove (generated; do not edit)

What: a causal language model in the layout transformers.js loads (AutoModelForCausalLM, model_type "llama", one layer,
past_key_values.0.key/value in, present.0.key/value out, present = concat(past, new), so the KV cache grows by one row
per token), a word-level tokenizer (${vocabSize} tokens; any other word is <unk>) and a ChatML chat_template.
Greedy output after "<|im_start|>assistant\\n", then <|im_end|> (eos):
  no trigger word:   ${SCRIPTS.normal}
  "overreach":       ${SCRIPTS.overreach}
  "filibuster":      "This answer is long on purpose [1]." and " It keeps going." 73 times (300 tokens, for cancel)
  "unanswerable":    ${SCRIPTS.unanswerable}
Trigger words count anywhere in the prompt (whole words, lower-case or capitalised); precedence unanswerable >
filibuster > overreach. Each answer follows the offset since the latest <|im_start|>, found by attending over the
cache, so it is the same whatever the prompt length and whether the cache was reused.

Made by: node scripts/make-generator-fixture.mjs. Licence: generated, CC0-1.0.
`;

/** Writes the fixture into outDir unless it is already up to date. */
export function makeGeneratorFixture({ outDir = DEFAULT_GENERATOR_DIR, force = false } = {}) {
  const stamp = { generator: GENERATOR_VERSION };
  const stampFile = path.join(outDir, STAMP);
  if (!force && FILES.every((f) => existsSync(path.join(outDir, f)))) {
    try {
      const old = JSON.parse(readFileSync(stampFile, 'utf8'));
      if (old.generator === stamp.generator) return { outDir, written: false };
    } catch {
      // unreadable stamp: rebuild
    }
  }
  const vocab = buildVocab();
  const json = (value) => JSON.stringify(value, null, 1) + '\n';
  writeAtomic(path.join(outDir, 'onnx/model.onnx'), buildOnnx(vocab));
  writeAtomic(path.join(outDir, 'tokenizer.json'), json(tokenizerJson(vocab)));
  writeAtomic(path.join(outDir, 'tokenizer_config.json'), json(tokenizerConfig));
  writeAtomic(path.join(outDir, 'config.json'), json(modelConfig(vocab.length)));
  writeAtomic(path.join(outDir, 'generation_config.json'), json(generationConfig));
  writeAtomic(path.join(outDir, 'README.txt'), README(vocab.length));
  writeAtomic(stampFile, json({ ...stamp, vocabSize: vocab.length }));
  return { outDir, written: true };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const outDir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_GENERATOR_DIR;
    const result = makeGeneratorFixture({ outDir });
    const where = path.relative(process.cwd(), result.outDir) || '.';
    console.log(result.written ? `generator fixture: wrote ${where}` : `generator fixture: ${where} is up to date`);
  } catch (error) {
    console.error(`generator fixture: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
