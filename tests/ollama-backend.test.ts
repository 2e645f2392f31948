// The Ollama backend wired into the engine: turning it on in the settings re-embeds the library through the server
// (the old vectors answer meanwhile), the status names the server's model, and a server that is not running leaves
// keyword search working with a message that says what to do.
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { inProcessLock } from '../src/engine/library/writer-lock.ts';

const localModelPath = resolve('public/models') + '/';
const DIMS = 24;

/** Bag-of-words vectors: texts sharing words are close (a stand-in that makes semantic search meaningful). */
function bagVector(text: string): number[] {
  const v = new Array<number>(DIMS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    let h = 0;
    for (const c of word) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    v[h % DIMS] += 1;
  }
  return v;
}

const inputs: string[][] = [];
let server: Server;
async function startOllama(): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const { model, input } = JSON.parse(body) as { model: string; input: string[] };
      if (model !== 'all-minilm:latest') {
        res
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: `model "${model}" not found, try pulling it first` }));
        return;
      }
      inputs.push(input);
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ model, embeddings: input.map(bagVector) }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(() => new Promise((done) => server?.close(done)));

const file = (name: string, text: string): FileInput => ({
  jobId: `job-${name}`,
  name,
  type: 'text/plain',
  data: new TextEncoder().encode(text).buffer as ArrayBuffer,
});
const corpus = Array.from(
  { length: 60 },
  (_, i) =>
    [
      `Note ${i}: the bank raised interest rates and investors bought bonds.`,
      `Note ${i}: the team won the football game.`,
      `Note ${i}: the chef cooked dinner in the kitchen.`,
    ][i % 3],
).join('\n\n');

function engineFor(db: string): TroveEngine {
  return new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
    lock: inProcessLock(db),
  });
}

describe('the Ollama backend in the engine', () => {
  it('turning it on re-embeds the library through the server, then searches with it', async () => {
    const origin = await startOllama();
    const engine = engineFor('ollama-1');
    await engine.init({ modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath });
    await engine.loadModel();
    await engine.updateSettings({ chunkTokens: 16, chunkOverlapTokens: 0 });
    await engine.ingest([file('notes.txt', corpus)], () => undefined);
    const chunks = (await engine.stats()).chunks;

    await engine.updateSettings({ ollamaEnabled: true, ollamaOrigin: origin, ollamaModel: 'all-minilm' });
    await expect
      .poll(
        async () => {
          const s = await engine.modelStatus();
          return {
            id: s.modelId,
            state: s.state,
            previous: s.previousModelId,
            pending: s.pendingVectors,
            dims: s.dims,
          };
        },
        { timeout: 30_000 },
      )
      .toEqual({ id: 'ollama:all-minilm:latest', state: 'ready', previous: undefined, pending: 0, dims: DIMS });
    // Every passage went to the server once (after the dims probe), in batches.
    const sent = inputs.slice(1).flat();
    expect(sent).toHaveLength(chunks);
    expect((await engine.stats()).vectors).toBe(chunks);
    const answer = await engine.search('interest rates bonds', { mode: 'semantic', k: 3 });
    expect(answer.notice).toBeUndefined();
    expect(answer.results[0].text).toMatch(/bank raised interest/);
    // The server answers queries too; the old model's vectors are gone.
    expect(inputs.at(-1)).toEqual(['interest rates bonds']);
    const store = await IndexedDbStore.open('ollama-1');
    expect(await store.vectorBatches(`ollama/all-minilm:latest|${DIMS}|l2`)).not.toHaveLength(0);
    expect(await store.vectorBatches('trove/glove-50d-static@local|fp32|50|mean')).toHaveLength(0);
    store.close();
  });

  it('a model the server has not pulled: keyword search keeps working and the status says to pull it', async () => {
    const origin = server ? `http://127.0.0.1:${(server.address() as AddressInfo).port}` : await startOllama();
    const engine = engineFor('ollama-2');
    await engine.init({ allowRemoteModels: false, localModelPath, modelId: 'glove-50d-static' });
    await engine.updateSettings({ ollamaEnabled: true, ollamaOrigin: origin, ollamaModel: 'nomic-embed-text' });
    await engine.loadModel();
    // The settings change reloads the model in the work queue: wait for that load's outcome.
    await expect.poll(async () => (await engine.modelStatus()).state, { timeout: 20_000 }).toBe('unavailable');
    const status = await engine.modelStatus();
    expect(status.modelId).toBe('ollama:nomic-embed-text:latest');
    expect(status.error).toContain('ollama pull nomic-embed-text:latest');
    await engine.ingest([file('notes.txt', corpus)], () => undefined);
    const answer = await engine.search('football', { mode: 'hybrid', k: 3 });
    expect(answer.mode).toBe('keyword');
    expect(answer.results[0].text).toMatch(/football/);
  });

  it('refuses settings that are not an Ollama origin or model name', async () => {
    const engine = engineFor('ollama-3');
    await engine.init({ allowRemoteModels: false, localModelPath, modelId: 'glove-50d-static' });
    await expect(engine.updateSettings({ ollamaOrigin: 'localhost:11434' })).rejects.toThrow(/http:\/\/ or https:\/\//);
    await expect(engine.updateSettings({ ollamaModel: 'two words' })).rejects.toThrow(/spaces/);
    expect((await engine.getSettings()).ollamaEnabled).toBe(false);
  });
});
