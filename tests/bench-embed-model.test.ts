// The embed benchmark's generated BERT must be a working model, or its speed numbers mean nothing: it runs in
// onnxruntime-node, padding does not leak into real tokens (the attention mask works), and the int8 file computes
// the same function as the fp32 one (dynamic quantization error only).
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { bertOnnx, buildVocab, type BertShape } from '../bench/embed-model.ts';

const TINY: BertShape = { layers: 2, hidden: 32, heads: 4, ffn: 64, vocab: 200, positions: 64, types: 2 };

async function run(bytes: Uint8Array, rows: number[][]): Promise<{ data: Float32Array; seq: number }> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const seq = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * seq);
  const mask = new BigInt64Array(rows.length * seq);
  rows.forEach((r, i) => r.forEach((id, j) => ((ids[i * seq + j] = BigInt(id)), (mask[i * seq + j] = 1n))));
  const dims = [rows.length, seq];
  const out = await session.run({
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), dims),
  });
  await session.release();
  expect(out.last_hidden_state.dims).toEqual([rows.length, seq, TINY.hidden]);
  return { data: out.last_hidden_state.data as Float32Array, seq };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

describe('bench/embed-model.ts', () => {
  const { fp32, q8 } = bertOnnx(TINY, 7);
  const short = [2, 17, 42, 99, 3];
  const long = [2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 3];

  it('padding never changes the real tokens: a short row alone equals the same row padded in a batch', async () => {
    const alone = await run(fp32, [short]);
    const batched = await run(fp32, [long, short]);
    const row = batched.data.subarray(
      batched.seq * TINY.hidden,
      batched.seq * TINY.hidden + short.length * TINY.hidden,
    );
    const expected = alone.data.subarray(0, short.length * TINY.hidden);
    for (let i = 0; i < expected.length; i++) expect(row[i]).toBeCloseTo(expected[i], 4);
  });

  it('the q8 file computes the same function as fp32, within quantization error', async () => {
    const a = await run(fp32, [long]);
    const b = await run(q8, [long]);
    for (let t = 0; t < long.length; t++) {
      const span = [t * TINY.hidden, (t + 1) * TINY.hidden] as const;
      expect(cosine(a.data.subarray(...span), b.data.subarray(...span))).toBeGreaterThan(0.98);
    }
    expect(q8.length).toBeLessThan(fp32.length);
  });

  it('different tokens give different vectors (the weights are not degenerate)', async () => {
    const { data } = await run(fp32, [
      [2, 50, 3],
      [2, 51, 3],
    ]);
    const h = TINY.hidden;
    expect(cosine(data.subarray(h, 2 * h), data.subarray(3 * h + h, 3 * h + 2 * h))).toBeLessThan(0.99);
  });

  it('buildVocab keeps specials first, every character as a word and a "##" piece, then frequent words', () => {
    const vocab = buildVocab(['the cat sat', 'the dog']);
    expect(vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(vocab).toContain('##t');
    expect(vocab.indexOf('the')).toBeLessThan(vocab.indexOf('cat'));
    expect(vocab.length).toBe(30522);
    expect(new Set(vocab).size).toBe(vocab.length);
  });
});
