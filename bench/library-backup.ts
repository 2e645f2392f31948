// Backup through the engine API (what the app calls): exportLibrary on an engine serving a synthetic library
// (default 50,000 passages of 384-d vectors in 500 documents), then importLibrary into an empty engine, on the
// real IndexedDB store code over fake-indexeddb. Checks the round trip (same documents; same keyword results)
// and prints wall and CPU time beside the store-level rows of `npm run bench -- backup` (the peer: the format and
// store alone, without the engine's queue, catalogue reload and index rebuild).
import { parseArgs } from 'node:util';
import 'fake-indexeddb/auto';
import { importBackup } from '../src/engine/backup/read-backup.ts';
import { storeBackupSink, storeBackupSource } from '../src/engine/backup/store-backup.ts';
import { writeSyntheticLibrary } from '../src/engine/testing/synthetic-library.ts';
import { backupToBlob } from '../src/engine/backup/write-backup.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { TroveError } from '../src/engine/core/errors.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function engineOn(db: string): TroveEngine {
  return new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    // No model: the synthetic vectors are served as stored (keyword search answers queries).
    loadEmbedder: () => Promise.reject(new TroveError('MODEL_UNAVAILABLE', 'benchmark: no model')),
    libraryName: db,
    snapshotDelayMs: 3_600_000,
  });
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { passages: { type: 'string' }, dims: { type: 'string' }, json: { type: 'boolean' } },
  });
  const passages = Number(values.passages ?? 50_000);
  const dims = Number(values.dims ?? 384);
  const documents = Math.max(1, Math.round(passages / 100));
  const seed = 7;

  const sourceStore = await IndexedDbStore.open('bench-engine-src', { onStale: () => undefined });
  const { model } = await writeSyntheticLibrary(sourceStore, {
    documents,
    chunksPerDocument: Math.round(passages / documents),
    dims,
    seed,
  });
  // The engine serves the vectors it last served: point it at the synthetic set.
  await sourceStore.putSetting('vector-set', { fingerprint: model.fingerprint, dims });
  sourceStore.close();
  const target = await IndexedDbStore.open('bench-engine-dst', { onStale: () => undefined });
  await target.putSetting('vector-set', { fingerprint: model.fingerprint, dims });
  target.close();

  const source = engineOn('bench-engine-src');
  await source.init({ allowRemoteModels: false });
  // Start-up loads (or, without persisted pages, builds) the vector index in the work queue: wait for it, so the
  // export's time is the export's (an empty setTags is a queued no-op).
  const startup = await timed(() => source.setTags([], [], 'add'));
  const exported = await timed(() => source.exportLibrary());
  const blob = exported.value;

  const destination = engineOn('bench-engine-dst');
  await destination.init({ allowRemoteModels: false });
  await destination.setTags([], [], 'add');
  const imported = await timed(() => destination.importLibrary(blob, { fileName: 'bench.trove' }));

  const [a, b] = [await source.stats(), await destination.stats()];
  const query = 'river bank money';
  const [ra, rb] = [
    await source.search(query, { mode: 'keyword', k: 20 }),
    await destination.search(query, { mode: 'keyword', k: 20 }),
  ];
  const same =
    JSON.stringify(ra.results.map((r) => [r.text, r.scores.bm25])) ===
    JSON.stringify(rb.results.map((r) => [r.text, r.scores.bm25]));
  if (a.documents !== b.documents || a.chunks !== b.chunks || a.vectors !== b.vectors || !same) {
    throw new Error(`round trip differs: ${JSON.stringify({ a, b, same })}`);
  }

  // The peer: the same file through the store alone (no engine).
  const peerStore = await IndexedDbStore.open('bench-engine-peer', { onStale: () => undefined });
  const peerSource = await IndexedDbStore.open('bench-engine-src', { onStale: () => undefined });
  const peerExport = await timed(() => backupToBlob(storeBackupSource(peerSource, { model, includeIndex: true })));
  const peerImport = await timed(() => importBackup(() => blob, storeBackupSink(peerStore)));
  peerStore.close();
  peerSource.close();
  // Releases each engine's BroadcastChannel and timers: without it Node never exits after printing.
  await Promise.all([source.close(), destination.close()]);

  const rows = [
    { step: 'engine start-up: vector index load/build', ...pick(startup), ratio: Number.NaN },
    { step: 'engine.exportLibrary (all)', ...pick(exported), ratio: exported.cpuSeconds / peerExport.cpuSeconds },
    { step: 'store -> .trove (peer)', ...pick(peerExport), ratio: 1 },
    {
      step: 'engine.importLibrary (verify + write + reload)',
      ...pick(imported),
      ratio: imported.cpuSeconds / peerImport.cpuSeconds,
    },
    { step: '.trove -> store (peer)', ...pick(peerImport), ratio: 1 },
  ];
  console.log(
    `${passages.toLocaleString()} passages, ${dims}-d, ${documents} documents; file ${(blob.size / 1e6).toFixed(1)} MB; round trip identical: ${b.documents} documents, ${b.chunks} passages, ${b.vectors} vectors`,
  );
  console.table(
    rows.map((r) => ({
      step: r.step,
      'wall s': r.seconds.toFixed(2),
      'cpu s': r.cpuSeconds.toFixed(2),
      'cpu ratio': Number.isNaN(r.ratio) ? '—' : r.ratio.toFixed(2),
    })),
  );
  if (values.json) console.log(JSON.stringify({ passages, dims, bytes: blob.size, rows }));
}

function pick(t: { seconds: number; cpuSeconds: number }) {
  return { seconds: t.seconds, cpuSeconds: t.cpuSeconds };
}
