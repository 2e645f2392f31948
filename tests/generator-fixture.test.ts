// The scripted answer-model fixture loads in Node through transformers.js as a real causal LM: its greedy answers are
// the documented scripts, they stream token by token, and its KV cache grows and can be passed back in.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  TextStreamer,
  env,
  type DynamicCache,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEAD_DIM, SCRIPTS, SPECIAL_TOKENS, pieces } from '../scripts/make-generator-fixture.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODELS = path.join(REPO_ROOT, 'public/models') + '/'; // made by tests/global-setup.ts
const REPO = 'trove/scripted-chat';

let tokenizer: PreTrainedTokenizer;
let model: PreTrainedModel;

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = MODELS;
  tokenizer = await AutoTokenizer.from_pretrained(REPO, { local_files_only: true });
  model = await AutoModelForCausalLM.from_pretrained(REPO, { local_files_only: true, device: 'cpu', dtype: 'fp32' });
});

type Message = { role: 'system' | 'user' | 'assistant'; content: string };
type Cache = DynamicCache;

function encode(messages: Message[]) {
  const text = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false }) as string;
  return tokenizer(text) as { input_ids: Tensor; attention_mask: Tensor };
}

async function answer(messages: Message[], options: { past?: Cache; maxNewTokens?: number } = {}) {
  const inputs = encode(messages);
  const chunks: string[] = [];
  let tokenCalls = 0;
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    skip_special_tokens: true,
    callback_function: (text: string) => void chunks.push(text),
    token_callback_function: () => void tokenCalls++,
  });
  const out = (await model.generate({
    ...inputs,
    max_new_tokens: options.maxNewTokens ?? 400,
    streamer,
    return_dict_in_generate: true,
    ...(options.past && { past_key_values: options.past }),
  })) as unknown as { sequences: Tensor; past_key_values: Cache };
  const promptLength = inputs.input_ids.dims[1];
  const ids = (out.sequences.tolist() as bigint[][])[0].slice(promptLength);
  return {
    text: tokenizer.decode(ids, { skip_special_tokens: true }),
    ids,
    chunks: chunks.filter((c) => c !== ''),
    tokenCalls,
    promptLength,
    past: out.past_key_values,
  };
}

const ask = (question: string): Message[] => [
  { role: 'system', content: 'Answer from the numbered passages and cite them like [1].' },
  { role: 'user', content: `Context:\n[1] notes.txt\nThe kiln fires at dawn.\n\nQuestion: ${question}` },
];

describe('scripted-chat generator fixture', () => {
  it('decodes each script exactly as the tokenizer encodes it (no <unk>, no lost spaces)', () => {
    for (const script of Object.values(SCRIPTS)) {
      const ids = tokenizer.encode(script, { add_special_tokens: false });
      expect(ids).toHaveLength(pieces(script).length);
      expect(ids).not.toContain(SPECIAL_TOKENS.indexOf('<unk>'));
      expect(tokenizer.decode(ids)).toBe(script);
    }
  });

  it('answers an ordinary question with the sentence citing [1], streamed over several chunks, then stops at eos', async () => {
    const result = await answer(ask('When does the kiln fire?'));
    expect(result.text).toBe(SCRIPTS.normal);
    expect(result.ids).toHaveLength(pieces(SCRIPTS.normal).length + 1); // + <|im_end|>
    expect(result.ids.at(-1)).toBe(BigInt(tokenizer.eos_token_id!));
    expect(result.tokenCalls).toBe(result.ids.length);
    expect(result.chunks.length).toBeGreaterThan(3);
    expect(result.chunks.join('')).toBe(SCRIPTS.normal);
  });

  it('switches script on each documented trigger word, with the documented precedence', async () => {
    expect((await answer(ask('Can you overreach a bit?'))).text).toBe(SCRIPTS.overreach);
    expect((await answer(ask('Unanswerable, surely?'))).text).toBe(SCRIPTS.unanswerable);
    const long = await answer(ask('filibuster please'));
    expect(long.text).toBe(SCRIPTS.filibuster);
    expect(long.ids.length).toBeGreaterThanOrEqual(300);
    expect((await answer(ask('overreach or filibuster, unanswerable'))).text).toBe(SCRIPTS.unanswerable);
    expect((await answer(ask('overreach or filibuster'))).text).toBe(SCRIPTS.filibuster);
  });

  it('stops at max_new_tokens when asked for fewer tokens than the script has', async () => {
    const result = await answer(ask('filibuster'), { maxNewTokens: 5 });
    expect(result.ids).toHaveLength(5);
  });

  it('keeps a KV cache that grows by one row per token and gives the same answer when passed back in', async () => {
    const first = await answer(ask('When does the kiln fire?'));
    const key = first.past['past_key_values.0.key'];
    const value = first.past['past_key_values.0.value'];
    // Every token but the last generated one has been through the model.
    const seen = first.promptLength + first.ids.length - 1;
    expect(key.dims).toEqual([1, 1, seen, HEAD_DIM]);
    expect(value.dims).toEqual([1, 1, seen, HEAD_DIM]);
    // Row i of the key holds position i: the cache was appended to, in order.
    const keys = key.data as Float32Array;
    for (const row of [0, 7, seen - 1]) expect(keys[row * HEAD_DIM]).toBe(row);

    const thread: Message[] = [
      ...ask('When does the kiln fire?'),
      { role: 'assistant', content: first.text },
      { role: 'user', content: 'And the answer again, overreach this time?' },
    ];
    const fresh = await answer(thread);
    const reused = await answer(thread, { past: first.past });
    expect(reused.text).toBe(fresh.text);
    expect(reused.text).toBe(SCRIPTS.overreach);
    expect(reused.past['past_key_values.0.key'].dims[2]).toBe(reused.promptLength + reused.ids.length - 1);
  });
});
