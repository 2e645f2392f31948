#!/usr/bin/env node
// Builds the offline cross-encoder test model "trove/glove-50d-cross-encoder" in the layout transformers.js loads
// for AutoModelForSequenceClassification (config.json with id2label, tokenizer.json, tokenizer_config.json,
// onnx/model.onnx). Tests load it through the same code path as a production reranker, with remote models off.
//
// The graph is small and honest: it reads a [CLS] query [SEP] passage [SEP] pair (token_type_ids tell the segments
// apart), looks up GloVe 6B 50-d vectors (stop words and punctuation zeroed), and returns one logit per pair:
//   logits = cos(Σ query vectors, Σ passage vectors) + (query words found in the passage) / (query words)
// so a passage that shares meaning but few words can beat one that repeats a query word: not BM25's order.
//
//   node scripts/make-reranker-fixture.mjs [OUTPUT_DIR]   (default: public/models/trove/glove-50d-cross-encoder)
//
// Idempotent: a stamp file records the generator version and the source's hash.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import protobuf from 'protobufjs';
import {
  DEFAULT_GLOVE_FILE,
  ONNX_SCHEMA,
  buildVocab,
  tokenizerConfig,
  tokenizerJson,
  writeAtomic,
} from './make-model-fixture.mjs';

const GENERATOR_VERSION = 1;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_RERANKER_DIR = path.join(REPO_ROOT, 'public/models/trove/glove-50d-cross-encoder');
const STAMP = 'fixture-stamp.json';
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'README.txt', STAMP];
// Lucene's English stop set plus frequent function words: their vectors would dominate every mean.
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this ' +
    'to was will with he she his her i we you has have had were been which who what from its would could can do did ' +
    "said also about than so them him us our your my me 's n't"
  ).split(' '),
);
const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;
// AttributeProto.ints (field 8) is the one field the embedding fixture's schema lacks.
const SCHEMA = ONNX_SCHEMA.replace('int64 i = 3;', 'int64 i = 3; repeated int64 ints = 8;');

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

/** The scoring graph described at the top. Opset 13: ReduceSum takes axes as an input, ReduceMax as an attribute. */
function buildOnnx(matrix, vocabSize, dims) {
  const root = protobuf.parse(SCHEMA).root;
  const ModelProto = root.lookupType('onnx.ModelProto');
  const batchBySeq = (elemType) => ({
    tensorType: { elemType, shape: { dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }] } },
  });
  const node = (opType, input, output, attribute = []) => ({ name: output[0], opType, input, output, attribute });
  const sum = (input, output, axis, keep) =>
    node('ReduceSum', [input, axis], [output], [{ name: 'keepdims', type: ATTR_INT, i: keep }]);
  const model = {
    irVersion: 7,
    producerName: 'trove make-reranker-fixture',
    producerVersion: String(GENERATOR_VERSION),
    docString: 'GloVe 6B 50-d (PDDL 1.0) cross-encoder test fixture: cosine of segment sums + query-word overlap.',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'glove_cross_encoder',
      initializer: [
        { name: 'embeddings', dataType: FLOAT, dims: [vocabSize, dims], rawData: f32(matrix) },
        { name: 'axis1', dataType: INT64, dims: [1], rawData: i64([1]) },
        { name: 'axis2', dataType: INT64, dims: [1], rawData: i64([2]) },
        { name: 'zero', dataType: FLOAT, dims: [], rawData: f32([0]) },
        { name: 'eps', dataType: FLOAT, dims: [], rawData: f32([1e-6]) },
      ],
      node: [
        node('Gather', ['embeddings', 'input_ids'], ['vectors'], [{ name: 'axis', type: ATTR_INT, i: 0 }]),
        node('Cast', ['attention_mask'], ['mask'], [{ name: 'to', type: ATTR_INT, i: FLOAT }]),
        node('Cast', ['token_type_ids'], ['segment'], [{ name: 'to', type: ATTR_INT, i: FLOAT }]),
        // known: tokens with a non-zero vector (not special, not [UNK], not a stop word)
        node('Mul', ['vectors', 'vectors'], ['squares']),
        sum('squares', 'norm2', 'axis2', 0),
        node('Greater', ['norm2', 'zero'], ['known_bool']),
        node('Cast', ['known_bool'], ['known'], [{ name: 'to', type: ATTR_INT, i: FLOAT }]),
        node('Mul', ['mask', 'known'], ['content']),
        node('Mul', ['content', 'segment'], ['passage_mask']),
        node('Sub', ['content', 'passage_mask'], ['query_mask']),
        // cosine of the two segments' summed vectors
        node('Unsqueeze', ['query_mask', 'axis2'], ['query_mask3']),
        node('Unsqueeze', ['passage_mask', 'axis2'], ['passage_mask3']),
        node('Mul', ['vectors', 'query_mask3'], ['query_vectors']),
        node('Mul', ['vectors', 'passage_mask3'], ['passage_vectors']),
        sum('query_vectors', 'query_sum', 'axis1', 0),
        sum('passage_vectors', 'passage_sum', 'axis1', 0),
        node('Mul', ['query_sum', 'passage_sum'], ['qp']),
        sum('qp', 'dot', 'axis1', 1),
        node('Mul', ['query_sum', 'query_sum'], ['qq']),
        sum('qq', 'query_norm2', 'axis1', 1),
        node('Mul', ['passage_sum', 'passage_sum'], ['pp']),
        sum('pp', 'passage_norm2', 'axis1', 1),
        node('Mul', ['query_norm2', 'passage_norm2'], ['norms2']),
        node('Sqrt', ['norms2'], ['norms']),
        node('Add', ['norms', 'eps'], ['norms_eps']),
        node('Div', ['dot', 'norms_eps'], ['cosine']),
        // share of the query's known words that occur in the passage: [B,S,S] token equality, masked
        node('Unsqueeze', ['input_ids', 'axis2'], ['ids_rows']),
        node('Unsqueeze', ['input_ids', 'axis1'], ['ids_cols']),
        node('Equal', ['ids_rows', 'ids_cols'], ['same_bool']),
        node('Cast', ['same_bool'], ['same'], [{ name: 'to', type: ATTR_INT, i: FLOAT }]),
        node('Unsqueeze', ['passage_mask', 'axis1'], ['passage_cols']),
        node('Mul', ['same', 'passage_cols'], ['same_in_passage']),
        node(
          'ReduceMax',
          ['same_in_passage'],
          ['found'],
          [
            { name: 'axes', type: ATTR_INTS, ints: [2] },
            { name: 'keepdims', type: ATTR_INT, i: 0 },
          ],
        ),
        node('Mul', ['found', 'query_mask'], ['query_found']),
        sum('query_found', 'found_count', 'axis1', 1),
        sum('query_mask', 'query_count', 'axis1', 1),
        node('Add', ['query_count', 'eps'], ['query_count_eps']),
        node('Div', ['found_count', 'query_count_eps'], ['overlap']),
        node('Add', ['cosine', 'overlap'], ['logits']),
      ],
      input: [
        { name: 'input_ids', type: batchBySeq(INT64) },
        { name: 'attention_mask', type: batchBySeq(INT64) },
        { name: 'token_type_ids', type: batchBySeq(INT64) },
      ],
      output: [
        {
          name: 'logits',
          type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch_size' }, { dimValue: 1 }] } } },
        },
      ],
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX model does not fit the schema: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

function modelConfig(vocabSize, dims) {
  return {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    hidden_size: dims,
    vocab_size: vocabSize,
    max_position_embeddings: 512,
    num_hidden_layers: 0,
    num_attention_heads: 1,
    intermediate_size: dims,
    type_vocab_size: 2,
    pad_token_id: 0,
    id2label: { 0: 'LABEL_0' },
    label2id: { LABEL_0: 0 },
    'transformers.js_config': { dtype: 'fp32' },
    trove_fixture: {
      source: 'GloVe 6B 50d (5,050 most frequent words)',
      license: 'PDDL-1.0',
      generator: GENERATOR_VERSION,
    },
  };
}

const README = `trove/glove-50d-cross-encoder — offline cross-encoder test model for Trove (generated; do not edit)

What: a sequence-classification model in the layout transformers.js loads. Input: a [CLS] query [SEP] passage [SEP]
pair (token_type_ids 0 = query, 1 = passage). Output: logits [batch, 1] =
  cosine(sum of the query's GloVe vectors, sum of the passage's) + share of the query's words found in the passage.
Stop words, punctuation, special tokens and [UNK] have zero vectors and count in neither term.
Real but weak relevance: for tests and plumbing only, not for search quality.

Made by: node scripts/make-reranker-fixture.mjs (from fixtures/glove-6B-50d-5k/glove-50d-5k.json, PDDL 1.0).
Licence: GloVe vectors (Pennington, Socher & Manning 2014), PDDL 1.0, https://opendatacommons.org/licenses/pddl/1-0/.
`;

/** Writes the fixture into outDir unless it is already up to date. */
export function makeRerankerFixture({
  outDir = DEFAULT_RERANKER_DIR,
  gloveFile = DEFAULT_GLOVE_FILE,
  force = false,
} = {}) {
  if (!existsSync(gloveFile)) throw new Error(`GloVe vectors not found at ${gloveFile}`);
  const source = readFileSync(gloveFile);
  const stamp = { generator: GENERATOR_VERSION, sourceSha256: createHash('sha256').update(source).digest('hex') };
  const stampFile = path.join(outDir, STAMP);
  if (!force && FILES.every((f) => existsSync(path.join(outDir, f)))) {
    try {
      const old = JSON.parse(readFileSync(stampFile, 'utf8'));
      if (old.generator === stamp.generator && old.sourceSha256 === stamp.sourceSha256)
        return { outDir, written: false };
    } catch {
      // unreadable stamp: rebuild
    }
  }
  const { vocab, dims, matrix } = buildVocab(JSON.parse(source.toString('utf8')));
  vocab.forEach((word, id) => {
    if (STOP_WORDS.has(word) || !/[\p{L}\p{N}]/u.test(word)) matrix.fill(0, id * dims, (id + 1) * dims);
  });
  const json = (value) => JSON.stringify(value, null, 1) + '\n';
  writeAtomic(path.join(outDir, 'onnx/model.onnx'), buildOnnx(matrix, vocab.length, dims));
  writeAtomic(path.join(outDir, 'tokenizer.json'), json(tokenizerJson(vocab)));
  writeAtomic(path.join(outDir, 'tokenizer_config.json'), json(tokenizerConfig));
  writeAtomic(path.join(outDir, 'config.json'), json(modelConfig(vocab.length, dims)));
  writeAtomic(path.join(outDir, 'README.txt'), README);
  writeAtomic(stampFile, json({ ...stamp, vocabSize: vocab.length, dims }));
  return { outDir, written: true };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const outDir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_RERANKER_DIR;
    const result = makeRerankerFixture({ outDir });
    const where = path.relative(process.cwd(), result.outDir) || '.';
    console.log(
      result.written
        ? `reranker fixture: wrote ${where} (GloVe 6B, PDDL 1.0)`
        : `reranker fixture: ${where} is up to date`,
    );
  } catch (error) {
    console.error(`reranker fixture: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
