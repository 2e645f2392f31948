import { describe, expect, it } from 'vitest';
import { checkCustomModel, repoIdProblem, type RepoFacts } from './custom-model.ts';

const BERT_FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'onnx/model_quantized.onnx',
];
// Abridged from Xenova/bge-small-en-v1.5 and Xenova/multilingual-e5-small config.json.
const BGE_SMALL_CONFIG = {
  architectures: ['BertModel'],
  model_type: 'bert',
  hidden_size: 384,
  max_position_embeddings: 512,
  vocab_size: 30522,
};
const E5_CONFIG = {
  architectures: ['BertModel'],
  model_type: 'bert',
  hidden_size: 384,
  max_position_embeddings: 512,
  tokenizer_class: 'XLMRobertaTokenizer',
};

function facts(overrides: Partial<RepoFacts>): RepoFacts {
  return { repo: 'Xenova/bge-small-en-v1.5', config: BGE_SMALL_CONFIG, files: BERT_FILES, ...overrides };
}

describe('repoIdProblem', () => {
  it('accepts owner/name and rejects URLs, paths and traversal', () => {
    expect(repoIdProblem('Xenova/bge-small-en-v1.5')).toBeUndefined();
    expect(repoIdProblem('https://huggingface.co/Xenova/bge-small-en-v1.5')).toMatch(/not a Hugging Face repo id/);
    expect(repoIdProblem('bge-small')).toMatch(/owner\/name/);
    expect(repoIdProblem('a/b/c')).toBeDefined();
    expect(repoIdProblem('a/..')).toBeDefined();
  });
});

describe('checkCustomModel', () => {
  it('builds an entry for a BERT sentence-transformers export: dims from hidden_size, pooling from 1_Pooling, q8 on WASM', () => {
    const check = checkCustomModel(
      facts({ revision: 'abc123', poolingConfig: { pooling_mode_cls_token: true, pooling_mode_mean_tokens: false } }),
    );
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.spec).toMatchObject({
      id: 'hub:Xenova/bge-small-en-v1.5',
      revision: 'abc123',
      dims: 384,
      pooling: 'cls',
      architecture: 'transformer',
      maxTokens: 512,
      dtype: { wasm: 'q8', cpu: 'q8', webgpu: 'fp32' },
    });
  });

  it('assumes mean pooling without a pooling config, and says so', () => {
    const check = checkCustomModel(facts({ repo: 'Xenova/multilingual-e5-small', config: E5_CONFIG }));
    expect(check.spec?.pooling).toBe('mean');
    expect(check.notes.join(' ')).toMatch(/mean pooling assumed/);
  });

  it('rejects a text generator', () => {
    const check = checkCustomModel(
      facts({ repo: 'Xenova/gpt2', config: { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_embd: 768 } }),
    );
    expect(check.ok).toBe(false);
    expect(check.problems.join(' ')).toMatch(/text generator/);
    expect(check.problems.join(' ')).toMatch(/model_type "gpt2" is not an encoder/);
  });

  it('rejects a cross-encoder and points to the reranker setting', () => {
    const config = { architectures: ['BertForSequenceClassification'], model_type: 'bert', hidden_size: 384 };
    const check = checkCustomModel(facts({ repo: 'Xenova/ms-marco-MiniLM-L-6-v2', config }));
    expect(check.ok).toBe(false);
    expect(check.problems[0]).toMatch(/cross-encoder.*reranker/);
  });

  it('names a missing hidden size, tokenizer.json and ONNX export, all at once', () => {
    const check = checkCustomModel(
      facts({
        config: { model_type: 'bert', architectures: ['BertModel'] },
        files: ['config.json', 'vocab.txt', 'model.safetensors'],
      }),
    );
    expect(check.ok).toBe(false);
    expect(check.problems).toHaveLength(3);
    expect(check.problems.join('\n')).toMatch(/no vector size \(hidden_size\)/);
    expect(check.problems.join('\n')).toMatch(/no tokenizer\.json/);
    expect(check.problems.join('\n')).toMatch(/no ONNX export/);
  });

  it('rejects a missing or unparsable config.json and an absurd vector size', () => {
    expect(checkCustomModel(facts({ config: undefined })).problems[0]).toMatch(/no readable config\.json/);
    expect(checkCustomModel(facts({ config: { model_type: 'bert', hidden_size: 3 } })).problems[0]).toMatch(
      /vector size 3 is outside/,
    );
    expect(checkCustomModel(facts({ config: { hidden_size: 384 } })).problems[0]).toMatch(/no model_type/);
  });

  it('accepts a model2vec repo as a static bag model with its hidden_dim, fp32 only', () => {
    const config = { model_type: 'model2vec', architectures: ['StaticModel'], hidden_dim: 256, normalize: true };
    const check = checkCustomModel(
      facts({
        repo: 'minishlab/potion-base-8M',
        config,
        files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'],
      }),
    );
    expect(check.problems).toEqual([]);
    expect(check.spec).toMatchObject({
      architecture: 'static-bag',
      dims: 256,
      dtype: { wasm: 'fp32', webgpu: 'fp32', cpu: 'fp32' },
    });
  });

  it('warns when only a quantized file exists (WebGPU then depends on the self-check)', () => {
    const check = checkCustomModel(
      facts({ files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'] }),
    );
    expect(check.ok).toBe(true);
    expect(check.spec?.dtype.webgpu).toBe('q8');
    expect(check.notes.join(' ')).toMatch(/only q8 files/);
  });

  it('rejects a malformed repo id before looking at anything else', () => {
    const check = checkCustomModel(facts({ repo: '../../etc/passwd' }));
    expect(check.ok).toBe(false);
    expect(check.problems).toHaveLength(1);
  });
});
