import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings/settings.ts';
import type { EngineSettings } from '../api/settings.ts';
import {
  cacheUsage,
  cachedModel,
  deleteCachedModel,
  downloadModel,
  fileUrl,
  modelFiles,
  type CacheLike,
  type ModelSource,
} from './model-cache.ts';
import { ModelCacheService } from '../services/model-cache-service.ts';
import { parseModelHost } from './model-host.ts';

/** An in-memory Cache API: what the worker's caches.open('transformers-cache') gives, for Node. */
class FakeCache implements CacheLike {
  readonly entries = new Map<string, { body: Uint8Array; headers: Headers }>();
  async match(url: string) {
    const entry = this.entries.get(url);
    return entry ? new Response(entry.body.slice(), { headers: entry.headers }) : undefined;
  }
  async put(url: string, response: Response) {
    this.entries.set(url, {
      body: new Uint8Array(await response.arrayBuffer()),
      headers: new Headers(response.headers),
    });
  }
  async delete(url: string) {
    return this.entries.delete(url);
  }
  async keys() {
    return [...this.entries.keys()].map((url) => ({ url }));
  }
}

const target = { repo: 'Xenova/bge-small-en-v1.5', revision: 'main', localOnly: false };
const source: ModelSource = {
  host: parseModelHost('https://huggingface.co'),
  allowRemote: true,
  localModelUrl: 'https://trove.test/models/',
};
const HUB = 'https://huggingface.co/Xenova/bge-small-en-v1.5/resolve/main/';

/** A host that serves every requested file as `size` bytes in chunks of 1000, and records what it was asked. */
function fakeHost(size: number, options: { failOn?: string; stall?: string } = {}) {
  const asked: string[] = [];
  const fetchImpl = async (url: string, init?: RequestInit): Promise<Response> => {
    asked.push(`${init?.method ?? 'GET'} ${url}`);
    if (options.failOn && url.endsWith(options.failOn))
      return new Response('nope', { status: 404, statusText: 'Not Found' });
    const headers = { 'content-length': String(size) };
    if (init?.method === 'HEAD') return new Response(null, { headers });
    const stall = options.stall && url.endsWith(options.stall);
    const signal = init?.signal;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (stall && sent >= 1000) {
          await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
          controller.error(new DOMException('aborted', 'AbortError'));
          return;
        }
        const n = Math.min(1000, size - sent);
        if (n <= 0) return controller.close();
        controller.enqueue(new Uint8Array(n).fill(7));
        sent += n;
      },
    });
    return new Response(body, { headers });
  };
  return { asked, fetch: fetchImpl };
}

describe('model cache', () => {
  it('uses the keys transformers.js caches under: the host layout when downloads are on, the self-hosted path otherwise', () => {
    expect(fileUrl(target, 'onnx/model_quantized.onnx', source)).toBe(`${HUB}onnx/model_quantized.onnx`);
    expect(fileUrl(target, 'config.json', { ...source, allowRemote: false })).toBe(
      'https://trove.test/models/Xenova/bge-small-en-v1.5/config.json',
    );
    expect(fileUrl(target, 'config.json', { ...source, host: parseModelHost('self') })).toBe(
      'https://trove.test/models/Xenova/bge-small-en-v1.5/config.json',
    );
    expect(modelFiles('q8')).toContain('onnx/model_quantized.onnx');
    expect(modelFiles('fp32')).toContain('onnx/model.onnx');
  });

  it('downloads every file with progress, then reports the model cached with its size', async () => {
    const cache = new FakeCache();
    const host = fakeHost(25_000);
    const progress: number[] = [];
    const result = await downloadModel(cache, target, 'q8', source, {
      fetch: host.fetch,
      onProgress: (p) => progress.push(p.loaded / p.total),
    });
    expect(result).toEqual({ bytes: 100_000, files: modelFiles('q8') });
    expect(progress.length).toBeGreaterThan(50);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    expect(await cachedModel(cache, target, 'q8', source)).toEqual({ state: 'complete', bytes: 100_000, missing: [] });
    expect(await cachedModel(cache, target, 'fp32', source)).toMatchObject({
      state: 'partial',
      missing: ['onnx/model.onnx'],
    });
    expect(await cacheUsage(cache)).toBe(100_000);
    // Already cached files are not fetched again.
    const again = fakeHost(25_000);
    expect((await downloadModel(cache, target, 'q8', source, { fetch: again.fetch })).files).toEqual([]);
    expect(again.asked.filter((a) => a.startsWith('GET'))).toEqual([]);
  });

  it('a cancelled download leaves no cache entry at all, not even for the files it had finished', async () => {
    const cache = new FakeCache();
    const host = fakeHost(5_000, { stall: 'model_quantized.onnx' });
    const controller = new AbortController();
    const download = downloadModel(cache, target, 'q8', source, {
      fetch: host.fetch,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.file.endsWith('.onnx') && p.loaded > 15_000) controller.abort();
      },
    });
    await expect(download).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(cache.entries.size).toBe(0);
    expect(await cachedModel(cache, target, 'q8', source)).toEqual({
      state: 'none',
      bytes: 0,
      missing: modelFiles('q8'),
    });
  });

  it('a file the host does not have fails the download by name and caches nothing', async () => {
    const cache = new FakeCache();
    const host = fakeHost(2_000, { failOn: 'tokenizer.json' });
    await expect(downloadModel(cache, target, 'q8', source, { fetch: host.fetch })).rejects.toThrow(
      /Xenova\/bge-small-en-v1\.5\/tokenizer\.json could not be downloaded: 404/,
    );
    expect(cache.entries.size).toBe(0);
  });

  it('deletes every cached file of one model (any revision, and its self-hosted copy) and leaves the others', async () => {
    const cache = new FakeCache();
    const put = (url: string, size: number) =>
      cache.put(url, new Response(new Uint8Array(size), { headers: { 'content-length': String(size) } }));
    await put(`${HUB}config.json`, 10);
    await put('https://huggingface.co/Xenova/bge-small-en-v1.5/resolve/abc123/onnx/model.onnx', 300);
    await put('https://trove.test/models/Xenova/bge-small-en-v1.5/tokenizer.json', 20);
    await put('https://huggingface.co/Xenova/bge-small-en-v1.5-other/resolve/main/config.json', 7);
    await put('https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/config.json', 5);
    expect(await deleteCachedModel(cache, target, source)).toBe(330);
    expect([...cache.entries.keys()]).toEqual([
      'https://huggingface.co/Xenova/bge-small-en-v1.5-other/resolve/main/config.json',
      'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/config.json',
    ]);
  });

  it('counts a cached stream without content-length by its bytes', async () => {
    const cache = new FakeCache();
    cache.entries.set(`${HUB}config.json`, { body: new Uint8Array(42), headers: new Headers() });
    expect(await cacheUsage(cache)).toBe(42);
  });

  it('handles a large model (100 MB in 1,000-byte chunks) in linear time', async () => {
    const cache = new FakeCache();
    const host = fakeHost(25_000_000);
    const started = performance.now();
    const result = await downloadModel(cache, target, 'q8', source, { fetch: host.fetch });
    expect(result.bytes).toBe(100_000_000);
    expect(performance.now() - started).toBeLessThan(60_000);
  });
});

describe('ModelCacheService', () => {
  function service(overrides: Partial<EngineSettings> = {}, cache = new FakeCache(), host = fakeHost(1_000)) {
    const settings: EngineSettings = { ...DEFAULT_SETTINGS, ...overrides };
    const caches = { open: async (name: string) => (name === 'transformers-cache' ? cache : new FakeCache()) };
    return {
      cache,
      host,
      svc: new ModelCacheService({
        caches,
        fetch: host.fetch,
        settings: () => settings,
        probeDevice: async () => 'wasm',
        baseUrl: 'https://trove.test/',
      }),
    };
  }

  it('lists every registry embedding model and reranker with the dtype, size and device it would use here', async () => {
    const { svc } = service();
    const overview = await svc.overview();
    const bge = overview.models.find((m) => m.id === 'bge-small-en-v1.5')!;
    expect(bge).toMatchObject({
      kind: 'embedding',
      device: 'wasm',
      dtype: 'q8',
      sizeMB: 34,
      dims: 384,
      inUse: true,
      recommended: true,
      license: 'MIT',
    });
    expect(bge.cache.state).toBe('none');
    expect(overview.models.some((m) => m.kind === 'reranker')).toBe(true);
    expect(overview).toMatchObject({
      usageBytes: 0,
      cacheAvailable: true,
      hostLabel: 'huggingface.co',
      downloadsAllowed: true,
    });
  });

  it('downloads, reports cached, and deletes; cancel stops a download', async () => {
    const { svc, cache } = service();
    const info = await svc.download('embedding', 'all-MiniLM-L6-v2');
    expect(info.cache.state).toBe('complete');
    expect((await svc.overview()).usageBytes).toBe(4_000);
    expect(await svc.remove('embedding', 'all-MiniLM-L6-v2')).toBe(4_000);
    expect(cache.entries.size).toBe(0);

    const stalled = service({}, new FakeCache(), fakeHost(5_000, { stall: '.onnx' }));
    const download = stalled.svc.download('embedding', 'all-MiniLM-L6-v2', (p) => {
      if (p.file.endsWith('.onnx')) stalled.svc.cancel('embedding', 'all-MiniLM-L6-v2');
    });
    await expect(download).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(stalled.cache.entries.size).toBe(0);
  });

  it('refuses to download with downloads off, and a self build downloads from its own models/ folder only', async () => {
    const off = service({ allowRemoteModels: false });
    await expect(off.svc.download('embedding', 'bge-small-en-v1.5')).rejects.toThrow(/downloads are off/);
    expect(off.host.asked).toEqual([]);
    const self = service({ modelHost: 'self' });
    await self.svc.download('embedding', 'bge-small-en-v1.5');
    expect(self.host.asked.every((a) => a.includes('https://trove.test/models/Xenova/bge-small-en-v1.5/'))).toBe(true);
    expect((await self.svc.overview()).downloadsAllowed).toBe(false);
  });

  it('lists the answer models, and downloads one with its generation config and the weights for this device', async () => {
    const { svc, host } = service();
    const qwen = (await svc.overview()).models.find((m) => m.id === 'qwen2.5-0.5b-instruct')!;
    expect(qwen).toMatchObject({ kind: 'generator', device: 'wasm', dtype: 'q4', sizeMB: 786, recommended: true });
    expect(qwen.cache.state).toBe('none');
    const info = await svc.download('generator', 'qwen2.5-0.5b-instruct');
    expect(info.cache.state).toBe('complete');
    const base = 'https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct/resolve/main/';
    expect(host.asked.filter((a) => a.startsWith('GET')).sort()).toEqual(
      ['config.json', 'generation_config.json', 'onnx/model_q4.onnx', 'tokenizer.json', 'tokenizer_config.json']
        .map((file) => `GET ${base}${file}`)
        .sort(),
    );
    expect(await svc.remove('generator', 'qwen2.5-0.5b-instruct')).toBe(5_000);
  });
});
