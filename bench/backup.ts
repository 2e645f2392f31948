// Backup benchmark: export and import of a synthetic library (default 50,000 passages of 384-d vectors, 500
// documents) in Node, on the real IndexedDB store code over fake-indexeddb (an in-memory IndexedDB in JS, so the
// store columns measure that, not a browser's database). Rows:
//   store -> .trove / .trove -> fresh store  the whole export and import (import = verify pass + write pass)
//   format only                              the same entries encoded/decoded from memory (no store)
// Wall and CPU time are both shown (CPU time suffers less from other processes on a shared machine); ratios use CPU.
//   JSON per document (peer)                 the obvious alternative: each document's records and vectors as
//                                            JSON (vectors as number arrays), stringified and parsed back
//   Qdrant JSONL / pgvector SQL              the exports, streamed from the .trove bytes
import { parseArgs } from 'node:util';
import 'fake-indexeddb/auto';
import type { BackupEntry, BackupSource } from '../src/engine/backup/backup-types.ts';
import { openPassages } from '../src/engine/backup/passages.ts';
import { pgvectorSql } from '../src/engine/backup/pgvector-export.ts';
import { qdrantJsonLines } from '../src/engine/backup/qdrant-export.ts';
import { BackupReader, importBackup, verifyBackup } from '../src/engine/backup/read-backup.ts';
import { storeBackupSink, storeBackupSource } from '../src/engine/backup/store-backup.ts';
import { writeSyntheticLibrary } from '../src/engine/testing/synthetic-library.ts';
import { backupToBytes } from '../src/engine/backup/write-backup.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

interface Row {
  step: string;
  seconds: number;
  /** CPU time of this process (user + system): less sensitive than wall time to other load on a shared machine. */
  cpuSeconds: number;
  bytes: number;
  /** seconds / seconds of the format-only row of the same direction. */
  ratio?: number;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { passages: { type: 'string' }, dims: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const passages = Number(values.passages ?? 50_000);
  const dims = Number(values.dims ?? 384);
  const perDocument = 100;
  const documents = Math.ceil(passages / perDocument);

  const source = await IndexedDbStore.open(`bench-backup-${process.pid}`);
  const fill = await timed(() =>
    writeSyntheticLibrary(source, { documents, chunksPerDocument: perDocument, dims, seed: 1 }),
  );
  const { model } = fill.value;
  console.error(
    `library: ${documents} documents, ${documents * perDocument} passages × ${dims} dims (written in ${fill.seconds.toFixed(1)} s)`,
  );

  const rows: Row[] = [];
  const exported = await timed(() => backupToBytes(storeBackupSource(source, { model })));
  const bytes = exported.value;
  rows.push({
    step: 'export: store -> .trove',
    seconds: exported.seconds,
    cpuSeconds: exported.cpuSeconds,
    bytes: bytes.byteLength,
  });

  // The same entries from memory: the format's own cost.
  const entries: BackupEntry[] = [];
  const reader = await BackupReader.open(bytes);
  for await (const entry of reader.entries()) entries.push(entry);
  const memory: BackupSource = {
    describe: async () => reader.manifest,
    entries: async function* () {
      yield* entries;
    },
  };
  const encoded = await timed(() => backupToBytes(memory));
  rows.push({
    step: 'export: format only (memory -> .trove)',
    seconds: encoded.seconds,
    cpuSeconds: encoded.cpuSeconds,
    bytes: encoded.value.byteLength,
  });

  const jsonOut = await timed(async () => {
    const pieces: string[] = [];
    for (const entry of entries) {
      pieces.push(
        JSON.stringify(
          entry.kind === 'vectors'
            ? { ...entry.batch, chunkIds: Array.from(entry.batch.chunkIds), vectors: Array.from(entry.batch.vectors) }
            : entry,
        ),
      );
    }
    return pieces;
  });
  const jsonBytes = jsonOut.value.reduce((sum, piece) => sum + Buffer.byteLength(piece), 0);
  rows.push({
    step: 'export: JSON per document (peer)',
    seconds: jsonOut.seconds,
    cpuSeconds: jsonOut.cpuSeconds,
    bytes: jsonBytes,
    ratio: jsonOut.cpuSeconds / encoded.cpuSeconds,
  });
  rows[1].ratio = 1;

  const verified = await timed(() => verifyBackup(bytes));
  rows.push({
    step: 'verify: .trove (checksums, structure)',
    seconds: verified.seconds,
    cpuSeconds: verified.cpuSeconds,
    bytes: bytes.byteLength,
    ratio: 1,
  });
  const jsonIn = await timed(async () => {
    let floats = 0;
    for (const piece of jsonOut.value) {
      const value = JSON.parse(piece) as { vectors?: number[] };
      if (value.vectors) floats += Float32Array.from(value.vectors).length;
    }
    return floats;
  });
  rows.push({
    step: 'read: JSON per document (peer)',
    seconds: jsonIn.seconds,
    cpuSeconds: jsonIn.cpuSeconds,
    bytes: jsonBytes,
    ratio: jsonIn.cpuSeconds / verified.cpuSeconds,
  });

  const target = await IndexedDbStore.open(`bench-backup-target-${process.pid}`);
  const imported = await timed(() => importBackup(() => bytes, storeBackupSink(target)));
  rows.push({
    step: 'import: .trove -> fresh store',
    seconds: imported.seconds,
    cpuSeconds: imported.cpuSeconds,
    bytes: bytes.byteLength,
  });

  const qdrant = await timed(async () => {
    let size = 0;
    for await (const line of qdrantJsonLines((await openPassages(bytes)).passages)) size += Buffer.byteLength(line);
    return size;
  });
  rows.push({
    step: 'export: .trove -> Qdrant JSONL',
    seconds: qdrant.seconds,
    cpuSeconds: qdrant.cpuSeconds,
    bytes: qdrant.value,
  });
  const pg = await timed(async () => {
    let size = 0;
    const opened = await openPassages(bytes);
    for await (const piece of pgvectorSql(opened.passages, { dims: opened.dims })) size += Buffer.byteLength(piece);
    return size;
  });
  rows.push({
    step: 'export: .trove -> pgvector SQL',
    seconds: pg.seconds,
    cpuSeconds: pg.cpuSeconds,
    bytes: pg.value,
  });

  const check = (await target.listDocuments()).length === documents;
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
  console.log(
    `\nBackup of ${documents * perDocument} passages × ${dims} dims (${documents} documents), Node ${process.version}; imported documents match: ${check}`,
  );
  console.log('| step | wall s | CPU s | MB | MB per CPU s | CPU ratio vs .trove format |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const rate = (row.bytes / (1024 * 1024) / row.cpuSeconds).toFixed(0);
    console.log(
      `| ${row.step} | ${row.seconds.toFixed(2)} | ${row.cpuSeconds.toFixed(2)} | ${mb(row.bytes)} | ${rate} | ${row.ratio === undefined ? '' : row.ratio.toFixed(2)} |`,
    );
  }
  if (values.json)
    console.log(
      JSON.stringify({ passages: documents * perDocument, dims, documents, fillSeconds: fill.seconds, rows }),
    );
  source.close();
  target.close();
}
