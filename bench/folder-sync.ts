// npm run bench -- folder-sync [--files 5000] [--reps 5] [--json]
// Live folders in Node (fake-indexeddb, the GloVe fixture model): a folder of small files generated at run time,
// written to a temp folder on disk, added by a first sync; then the figures the live-folder scan must meet:
//   - a rescan with no change: files listed (stat only), files read (must be 0), seconds (median of --reps);
//   - one paragraph of a long document edited: passages embedded and reused of the document's passages.
import 'fake-indexeddb/auto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { diskFolder } from '../src/cli/folder-source.ts';
import type { FolderSource } from '../src/engine/api/folders.ts';
import type { Embedder } from '../src/engine/embed/embedder.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const TOPICS = ['river water fish', 'mountain snow weather', 'bank money interest', 'kitchen food dinner'];

function paragraphs(count: number, edited?: number): string {
  return Array.from({ length: count }, (_, i) =>
    i === edited
      ? `Paragraph ${i} now speaks of a violin and an orchestra.`
      : `Paragraph ${i} on the ${TOPICS[i % TOPICS.length]}. `.repeat(12),
  ).join('\n\n');
}

/** Counts what a source is asked for. */
function counted(source: FolderSource): FolderSource & { reads: number } {
  const wrapped = {
    reads: 0,
    list: () => source.list(),
    read: (path: string) => {
      wrapped.reads++;
      return source.read(path);
    },
  };
  return wrapped;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { files: { type: 'string' }, reps: { type: 'string' }, json: { type: 'boolean' } },
  });
  const files = Number(values.files ?? 5000);
  const reps = Number(values.reps ?? 5);
  const dir = await mkdtemp(join(tmpdir(), 'trove-folder-sync-'));
  try {
    const paths: string[] = [];
    for (let i = 0; i < files; i++) {
      const sub = join(dir, `part-${Math.floor(i / 250)}`);
      if (i % 250 === 0) await mkdir(sub, { recursive: true });
      const path = join(sub, `note-${i}.md`);
      await writeFile(path, `Note ${i} on the ${TOPICS[i % TOPICS.length]}.`);
      paths.push(path);
    }
    const long = join(dir, 'long.md');
    await writeFile(long, paragraphs(60));
    paths.push(long);

    let embedded = 0;
    const engine = new TroveEngine({
      openStore: ({ onStale }) => IndexedDbStore.open(`bench-folder-sync-${process.pid}`, { onStale }),
      loadEmbedder: async (options) => {
        const embedder: Embedder = await loadTransformersEmbedder({ ...options, device: 'auto' });
        const embedPassages = embedder.embedPassages.bind(embedder);
        return Object.assign(embedder, {
          embedPassages: (texts: string[], opts?: { signal?: AbortSignal }) => {
            embedded += texts.length;
            return embedPassages(texts, opts);
          },
        });
      },
      libraryName: `bench-folder-sync-${process.pid}`,
      channel: { announce: () => undefined, onAnnouncement: () => undefined, close: () => undefined },
    });
    await engine.init({
      modelId: 'glove-50d-static',
      allowRemoteModels: false,
      localModelPath: resolve('public/models') + '/',
    });
    await engine.loadModel();

    let started = performance.now();
    const first = await engine.syncFolder(diskFolder(dir, paths), { root: 'bench' });
    const firstS = (performance.now() - started) / 1000;

    const rescans: number[] = [];
    let readsOnRescan = 0;
    let unchanged = 0;
    for (let r = 0; r < reps; r++) {
      const source = counted(diskFolder(dir, paths));
      started = performance.now();
      const summary = await engine.syncFolder(source, { root: 'bench' });
      rescans.push((performance.now() - started) / 1000);
      readsOnRescan += source.reads;
      unchanged = summary.unchanged;
    }

    const before = (await engine.listDocuments()).find((d) => d.name === 'long.md')!;
    await writeFile(long, paragraphs(60, 30));
    embedded = 0;
    const edit = await engine.syncFolder(diskFolder(dir, paths), { root: 'bench' });
    const after = (await engine.listDocuments()).find((d) => d.name === 'long.md')!;
    const result = {
      files: paths.length,
      firstSyncS: Number(firstS.toFixed(2)),
      firstSyncAdded: first.added.length,
      rescanMedianS: Number(median(rescans).toFixed(3)),
      rescanMaxS: Number(Math.max(...rescans).toFixed(3)),
      rescanUnchanged: unchanged,
      rescanFilesRead: readsOnRescan,
      editPassagesBefore: before.chunkCount,
      editPassagesAfter: after.chunkCount,
      editPassagesEmbedded: embedded,
      editPassagesReused: edit.passagesReused,
      editSummaryEmbedded: edit.passagesEmbedded,
    };
    await engine.close();
    console.log(
      [
        `files                         ${result.files}`,
        `first sync (ingest all)       ${result.firstSyncS} s, ${result.firstSyncAdded} added`,
        `no-change rescan              median ${result.rescanMedianS} s, max ${result.rescanMaxS} s over ${reps} (${result.rescanUnchanged} unchanged, ${result.rescanFilesRead} files read)`,
        `one paragraph edited          ${result.editPassagesEmbedded} of ${result.editPassagesAfter} passages embedded, ${result.editPassagesReused} reused (was ${result.editPassagesBefore})`,
      ].join('\n'),
    );
    if (values.json) console.log(JSON.stringify(result));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
