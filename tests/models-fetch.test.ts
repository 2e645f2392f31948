// scripts/models-fetch.mjs against a local stand-in for the Hugging Face hub (model info API, resolve URLs that
// redirect to a CDN host for large files, as the real hub does).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchModels } from '../scripts/models-fetch.mjs';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const ONNX_BYTES = Buffer.alloc(300_000, 7); // stands in for a model file

interface FakeRepo {
  files: Record<string, Buffer | string>;
}
const repos: Record<string, FakeRepo> = {
  'Xenova/bge-small-en-v1.5': {
    files: {
      'config.json': JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: 384 }),
      'tokenizer.json': '{"model":{}}',
      'tokenizer_config.json': '{}',
      'special_tokens_map.json': '{}',
      'onnx/model.onnx': Buffer.alloc(10, 1),
      'onnx/model_quantized.onnx': ONNX_BYTES,
    },
  },
  'someone/custom-bert': {
    files: {
      'config.json': JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: 256 }),
      'tokenizer.json': '{}',
      'tokenizer_config.json': '{}',
      '1_Pooling/config.json': JSON.stringify({ pooling_mode_cls_token: true }),
      'onnx/model.onnx': Buffer.alloc(1000, 3),
    },
  },
  'someone/gpt': {
    files: {
      'config.json': JSON.stringify({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] }),
      'tokenizer.json': '{}',
    },
  },
};

let server: Server;
let hub: string;
let out: string;
const requests: string[] = [];
let cutConnectionFor: string | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    requests.push(url);
    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/(.+)$/.exec(url);
    if (info) {
      const repo = repos[info[1]];
      if (!repo) return void res.writeHead(404).end('{"error":"Repository not found"}');
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          id: info[1],
          sha: SHA,
          siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })),
        }),
      );
    }
    const file = /^\/(?:cdn\/)?([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url);
    if (file && file[2] === SHA && repos[file[1]]?.files[file[3]] !== undefined) {
      // Big files redirect to another path, like the hub's LFS CDN.
      if (file[3].endsWith('.onnx') && !url.startsWith('/cdn/'))
        return void res.writeHead(302, { location: `/cdn${url}` }).end();
      const body = Buffer.from(repos[file[1]].files[file[3]]);
      if (cutConnectionFor === file[3]) {
        res.writeHead(200, { 'content-length': String(body.length) });
        res.write(body.subarray(0, 100));
        return void res.destroy();
      }
      res.writeHead(200, { 'content-length': String(body.length) });
      return void res.end(body);
    }
    res.writeHead(404).end('Entry not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

beforeEach(() => {
  out = mkdtempSync(path.join(tmpdir(), 'trove-models-fetch-'));
  requests.length = 0;
  cutConnectionFor = undefined;
  return () => rmSync(out, { recursive: true, force: true });
});

const quiet = () => undefined;

describe('models:fetch', () => {
  it('fetches a registry model into <out>/<repo>/ at the resolved commit: config, tokenizer and the q8 file it runs with', async () => {
    const [result] = await fetchModels(['bge-small-en-v1.5'], { outDir: out, hub, log: quiet });
    const dir = path.join(out, 'Xenova/bge-small-en-v1.5');
    expect(result.revision).toBe(SHA);
    expect(readFileSync(path.join(dir, 'onnx/model_quantized.onnx')).equals(ONNX_BYTES)).toBe(true);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    // bge-small runs q8 on WASM/CPU and fp32 on WebGPU: both files.
    expect(existsSync(path.join(dir, 'onnx/model.onnx'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'trove-source.json'), 'utf8'))).toMatchObject({
      repo: 'Xenova/bge-small-en-v1.5',
      revision: SHA,
    });
    expect(requests.some((r) => r.includes(`/resolve/${SHA}/`))).toBe(true);
    expect(requests.some((r) => r.includes('/resolve/main/'))).toBe(false);
  });

  it('--dtype limits the ONNX files; a second run skips what is there', async () => {
    await fetchModels(['bge-small-en-v1.5'], { outDir: out, hub, dtypes: ['q8'], log: quiet });
    expect(existsSync(path.join(out, 'Xenova/bge-small-en-v1.5/onnx/model.onnx'))).toBe(false);
    const [again] = await fetchModels(['bge-small-en-v1.5'], { outDir: out, hub, dtypes: ['q8'], log: quiet });
    expect(again.fetched).toEqual([]);
    expect(again.skipped).toContain('onnx/model_quantized.onnx');
  });

  it('checks a hub repo that is not in the registry before downloading its model file', async () => {
    const [result] = await fetchModels(['someone/custom-bert'], { outDir: out, hub, log: quiet });
    expect(result.fetched).toContain('onnx/model.onnx');
    expect(result.fetched).toContain('1_Pooling/config.json');
    await expect(fetchModels(['someone/gpt'], { outDir: out, hub, log: quiet })).rejects.toThrow(
      /cannot be used as an embedding model: .*text generator/,
    );
    expect(requests.some((r) => r.startsWith('/someone/gpt/resolve') && r.endsWith('.onnx'))).toBe(false);
  });

  it('says which model, file and URL failed; an unknown id names the valid ones', async () => {
    await expect(fetchModels(['nobody/nothing'], { outDir: out, hub, log: quiet })).rejects.toThrow(
      /api\/models\/nobody\/nothing.*404/,
    );
    await expect(fetchModels(['bge-smol'], { outDir: out, hub, log: quiet })).rejects.toThrow(
      /Unknown model "bge-smol".*bge-small-en-v1\.5/,
    );
    await expect(fetchModels(['glove-50d-static'], { outDir: out, hub, log: quiet })).rejects.toThrow(
      /local-only fixture/,
    );
    await expect(fetchModels([], { outDir: out, hub, log: quiet })).rejects.toThrow(/at least one model/);
  });

  it('never leaves a truncated model file when the connection is cut', async () => {
    cutConnectionFor = 'onnx/model_quantized.onnx';
    await expect(fetchModels(['bge-small-en-v1.5'], { outDir: out, hub, dtypes: ['q8'], log: quiet })).rejects.toThrow(
      /could not download onnx\/model_quantized\.onnx/,
    );
    const dir = path.join(out, 'Xenova/bge-small-en-v1.5/onnx');
    expect(existsSync(path.join(dir, 'model_quantized.onnx'))).toBe(false);
    expect(existsSync(path.join(dir, 'model_quantized.onnx.partial'))).toBe(false);
  });
});
