// The library health report through the engine API: each red flag found when planted, and the duplicate fix.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInput, HealthReport } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { inProcessLock } from '../src/engine/library/writer-lock.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { healthReport } from '../src/engine/services/health.ts';
import type { DocumentRecord, Store } from '../src/engine/store/store.ts';
import type { VectorSet } from '../src/engine/library/vector-set.ts';

const localModelPath = resolve('public/models') + '/';

function file(name: string, text: string): FileInput {
  return { jobId: `job-${name}`, name, type: 'text/plain', data: new TextEncoder().encode(text).buffer as ArrayBuffer };
}

let counter = 0;
async function openEngine(chunkTokens: number) {
  const name = `health-${++counter}`;
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(name, { onStale }),
    loadEmbedder: (o) => loadTransformersEmbedder({ ...o, device: 'auto' }),
    libraryName: name,
    lock: inProcessLock(name),
  });
  await engine.init({
    modelId: 'glove-50d-static',
    allowRemoteModels: false,
    localModelPath,
    chunkTokens,
    chunkOverlapTokens: 0,
  });
  await engine.loadModel();
  return engine;
}

const check = (report: HealthReport, id: string) => report.checks.find((c) => c.id === id)!;

describe('health report', () => {
  it('a clean library: normalised vectors, no duplicates, the impossible flags explained', async () => {
    const engine = await openEngine(64);
    await engine.ingest(
      [file('a.txt', 'the river flows past the mill'), file('b.txt', 'snow falls on the mountain')],
      () => undefined,
    );
    const report = await engine.health();
    expect(report.passages).toBe(2);
    expect(check(report, 'unnormalised-vectors').status).toBe('ok');
    expect(check(report, 'duplicate-passages').status).toBe('ok');
    expect(check(report, 'over-token-budget').status).toBe('ok');
    expect(check(report, 'mixed-fingerprints').status).toBe('impossible');
    expect(check(report, 'mixed-fingerprints').detail).toMatch(/fingerprint/);
    expect(check(report, 'missing-source').status).toBe('impossible');
    expect(check(report, 'no-evaluation').status).toBe('warning');
  });

  it('finds duplicate passages and deletes the documents that only repeat others with one fix', async () => {
    const engine = await openEngine(64);
    const text = 'the river flows past the mill and fish swim in the cold water';
    await engine.ingest(
      [file('a.txt', text), file('copy.txt', text.toUpperCase()), file('c.txt', 'snow falls on the mountain')],
      () => undefined,
    );
    const report = await engine.health();
    const dup = check(report, 'duplicate-passages');
    expect(dup.status).toBe('warning');
    expect(dup.count).toBe(1);
    expect(dup.fix?.id).toBe('delete-duplicate-documents');
    const deleted = await engine.fixHealth('delete-duplicate-documents');
    const names = (await engine.listDocuments()).map((d) => d.name).sort();
    expect(deleted).toHaveLength(1);
    expect(names).toEqual(['a.txt', 'c.txt']);
    expect(check(await engine.health(), 'duplicate-passages').status).toBe('ok');
  });

  // Ingest caps passages at the model's budget, so this happens after a switch to a model with a shorter one;
  // the report is checked directly with such a model and a planted unnormalised vector.
  it('finds passages longer than the serving model takes, and unnormalised stored vectors', async () => {
    const chunk = (id: number, docId: number, tokenCount: number) => ({
      id,
      docId,
      text: `passage ${id}`,
      tokenCount,
      start: 0,
      end: 1,
      headingPath: [],
    });
    const chunks = [chunk(1, 1, 50), chunk(2, 1, 300), chunk(3, 2, 20)];
    const store = {
      getChunks: async (ids: readonly number[]) => chunks.filter((c) => ids.includes(c.id)),
      vectorBatchesOf: async (docId: number) =>
        docId === 1
          ? [
              {
                docId,
                fingerprint: 'f',
                dims: 2,
                chunkIds: new Uint32Array([1, 2]),
                vectors: new Float32Array([0.6, 0.8, 1, 1]),
              },
            ]
          : [],
    } as unknown as Store;
    const docs = new Map([
      [1, { id: 1, name: 'a.txt' }],
      [2, { id: 2, name: 'b.txt' }],
    ]) as unknown as Map<number, DocumentRecord>;
    const report = await healthReport({
      store,
      docs,
      chunksOf: (id) => chunks.filter((c) => c.docId === id).map((c) => c.id),
      serving: { embedder: { maxPassageTokens: 100 } as Embedder, set: { fingerprint: 'f' } as VectorSet },
      lastEvaluatedFingerprint: 'f',
    });
    const over = check(report, 'over-token-budget');
    expect(over.status).toBe('warning');
    expect(over.count).toBe(1);
    expect(over.documentIds).toEqual([1]);
    expect(over.detail).toMatch(/truncated/);
    const norms = check(report, 'unnormalised-vectors');
    expect(norms.status).toBe('warning');
    expect(norms.count).toBe(1);
    expect(check(report, 'no-evaluation').status).toBe('ok');
  });
});
