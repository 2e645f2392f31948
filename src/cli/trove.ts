// The command line: the same engine as the app (parsers, chunker, models, IndexedDB store code on
// fake-indexeddb), reading and writing .trove library files.
//   trove ingest <folder> --out lib.trove [--model id] [--models-path dir] [--remote]
//   trove sync <folder> lib.trove [--keep-deleted] [--model id] [--models-path dir] [--remote]
//   trove search lib.trove "query" [--mode hybrid|semantic|keyword] [--k 10] [--json]
//   trove export lib.trove --format qdrant|pgvector --out path [--table name] [--pg-data insert|copy]
//   trove info lib.trove [--json]
import 'fake-indexeddb/auto';
import { readdir, readFile, mkdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BackupModel } from '../engine/backup/backup-types.ts';
import { openPassages } from '../engine/backup/passages.ts';
import { pgvectorSql } from '../engine/backup/pgvector-export.ts';
import { qdrantCollectionConfig, qdrantJsonLines } from '../engine/backup/qdrant-export.ts';
import { importBackup, verifyBackup } from '../engine/backup/read-backup.ts';
import { storeBackupSink, storeBackupSource } from '../engine/backup/store-backup.ts';
import { writeBackup } from '../engine/backup/write-backup.ts';
import type { Embedder } from '../engine/embed/embedder.ts';
import { DEFAULT_MODEL_ID, MODEL_REGISTRY, TEST_MODEL_ID, getModelSpec } from '../engine/models/model-registry.ts';
import type { TroveEngine } from '../engine/engine.ts';
import { TroveError } from '../engine/core/errors.ts';
import { IndexedDbStore } from '../engine/store/indexeddb-store.ts';
import type { SearchMode } from '../engine/core/types.ts';
import { diskFolder } from './folder-source.ts';
import { libraryInput, writePieces } from './library-file.ts';
import type { BackupProgress } from '../engine/api/backup.ts';
import { terminalJson, terminalText as t } from './terminal-text.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const APP_VERSION = '0.1.0';
/** Every file the command line writes is plain (it has no passphrase option): said after each write. */
const PLAIN_FILE_NOTE = "Not encrypted: anyone who has the file can read the library's text.\n";
const USAGE = `usage:
  trove ingest <folder> --out lib.trove [--model id] [--models-path dir] [--remote]
  trove sync <folder> lib.trove [--keep-deleted] [--model id] [--models-path dir] [--remote]
  trove search lib.trove "query" [--mode hybrid|semantic|keyword] [--k 10] [--json] [--models-path dir] [--remote]
  trove export lib.trove --format qdrant|pgvector --out path [--table trove_passages] [--pg-data insert|copy]
  trove info lib.trove [--json]

Search by meaning needs an embedding model; without one, a library is searched by keyword only.
  --model id          ${Object.values(MODEL_REGISTRY)
    .filter((spec) => !spec.testFixture)
    .map((spec) => spec.id)
    .join(', ')}
  --models-path dir   where model folders are read from (default: the repo's public/models)
  --remote            download the model from the Hugging Face hub when it is not in --models-path
A real model, offline afterwards:  npm run models:fetch -- ${DEFAULT_MODEL_ID}
                                   npx trove ingest ./folder --out lib.trove --model ${DEFAULT_MODEL_ID}
Without --model, ingest uses the test model ${TEST_MODEL_ID} when \`npm run fixtures\` has built it, and
otherwise indexes for keyword search only.`;

class UsageError extends Error {}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress redraws one line) or a log (one line per file). */
  tty: boolean;
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: Boolean(process.stderr.isTTY),
};

/** Runs one command; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'ingest':
        return await ingest(rest, io);
      case 'sync':
        return await sync(rest, io);
      case 'search':
        return await search(rest, io);
      case 'export':
        return await exportLibrary(rest, io);
      case 'info':
        return await info(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command “${command}”`);
    }
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    const message = t(error instanceof Error ? error.message : error);
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`trove: ${message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof TroveError) io.err(`trove: ${message} (${error.code})\n`);
    else if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) io.err(`trove: ${message}\n`);
    // Anything else is a bug or a file the engine did not expect: one line, the stack only when asked for.
    else if (process.env.TROVE_DEBUG)
      io.err(`trove: ${t(String((error as Error)?.stack ?? error), { multiline: true })}\n`);
    else io.err(`trove: internal error: ${message || 'unknown'} (INTERNAL; set TROVE_DEBUG=1 for details)\n`);
    return 1;
  }
}

const modelOptions = {
  model: { type: 'string' },
  'models-path': { type: 'string' },
  remote: { type: 'boolean' },
} as const;

function expectPositionals<T extends { positionals: string[] }>(parsed: T, count: number): T {
  if (parsed.positionals.length !== count) {
    throw new UsageError(`expected ${count} argument${count === 1 ? '' : 's'}, got ${parsed.positionals.length}`);
  }
  return parsed;
}

/** One engine per command, on its own in-memory database. */
let databases = 0;
async function openEngine(
  values: { model?: string; 'models-path'?: string; remote?: boolean },
  dbName = `trove-cli-${process.pid}-${++databases}`,
): Promise<{ engine: TroveEngine; embedder?: Embedder; dbName: string }> {
  // No model asked for: the test model when it was built, else keyword search only (a first run after `npm ci`
  // should index the folder, not stop at a missing test fixture). A model asked for by name must load.
  const chosen = values.model !== undefined;
  const modelId = values.model ?? TEST_MODEL_ID;
  getModelSpec(modelId); // unknown ids fail here, naming the valid ones
  // Loaded on demand: transformers.js, ONNX Runtime and the parsers take seconds to import; info and export need none.
  const [{ TroveEngine }, { loadTransformersEmbedder }] = await Promise.all([
    import('../engine/engine.ts'),
    import('../engine/embed/transformers-embedder.ts'),
  ]);
  let embedder: Embedder | undefined;
  const engine = new TroveEngine({
    openStore: (options) => IndexedDbStore.open(dbName, options),
    libraryName: dbName,
    // One process, one engine: no other tab to tell (a BroadcastChannel would also keep Node from exiting).
    channel: { announce: () => undefined, onAnnouncement: () => undefined, close: () => undefined },
    loadEmbedder: async (options) => (embedder = await loadTransformersEmbedder({ ...options, device: 'auto' })),
  });
  await engine.init({
    modelId,
    allowRemoteModels: values.remote ?? false,
    localModelPath: resolve(values['models-path'] ?? join(REPO_ROOT, 'public/models')) + '/',
  });
  const status = await engine.loadModel();
  if (status.state === 'ready' && embedder) return { engine, embedder, dbName };
  if (!chosen) return { engine, dbName };
  throw new TroveError(
    'MODEL_UNAVAILABLE',
    `The model “${modelId}” could not be loaded: ${status.error ?? 'unknown error'}. Check --models-path, or allow downloads with --remote (trove --help).`,
  );
}

/** The one line said when no model was asked for and the test model is not there. */
const KEYWORD_ONLY_NOTE =
  'No embedding model: indexing for keyword search only. For search by meaning, see `trove --help` (--model).';

function modelOf(embedder: Embedder): BackupModel {
  return { id: embedder.model.id, fingerprint: embedder.fingerprint, dims: embedder.model.dims };
}

async function ingest(args: string[], io: Io): Promise<number> {
  const { values, positionals } = expectPositionals(
    parseArgs({ args, options: { ...modelOptions, out: { type: 'string' } }, allowPositionals: true, strict: true }),
    1,
  );
  if (!values.out) throw new UsageError('ingest needs --out lib.trove');
  const folder = resolve(positionals[0]);
  const files = await findDocuments(folder);
  if (files.length === 0)
    throw new TroveError('NOT_FOUND', `No supported documents (.txt .md .html .pdf) in ${folder}.`);
  const { engine, embedder, dbName } = await openEngine(values);
  io.err(
    embedder
      ? `Model ${t(embedder.model.id)} (${embedder.device}, ${embedder.dtype}, ${embedder.model.dims} dims). ${files.length} files.\n`
      : `${KEYWORD_ONLY_NOTE} ${files.length} files.\n`,
  );
  const limitMB = (await engine.getSettings()).maxFileMB;
  let failed = 0;
  let skipped = 0;
  for (const [n, path] of files.entries()) {
    const name = relative(folder, path);
    const prefix = `[${n + 1}/${files.length}] ${t(name)}`;
    // Size first, so an oversized file is never read (a 3 GB one cannot even be: ERR_FS_FILE_TOO_LARGE), and a
    // file that cannot be read fails on its own: the others are still ingested.
    let data: Buffer;
    try {
      const { size } = await stat(path);
      if (size > limitMB * 1024 * 1024)
        throw new TroveError(
          'FILE_TOO_LARGE',
          `too large to read (${(size / (1024 * 1024)).toFixed(0)} MB; the limit is ${limitMB} MB, setting maxFileMB).`,
        );
      data = await readFile(path);
    } catch (error) {
      failed++;
      const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
      io.err(`${prefix}: failed: ${t(error instanceof Error ? error.message : error)}${code ? ` (${t(code)})` : ''}\n`);
      continue;
    }
    const [result] = await engine.ingest(
      [
        {
          jobId: `cli-${n}`,
          name,
          type: '',
          data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
        },
      ],
      (p) => io.tty && io.err(`\r\x1b[K${prefix} ${t(p.stage)} ${Math.round(p.fraction * 100)}%`),
    );
    if (io.tty) io.err('\r\x1b[K');
    if (result.stage === 'done')
      io.err(`${prefix}: ${result.chunksTotal} passage${result.chunksTotal === 1 ? '' : 's'}\n`);
    else if (result.stage === 'skipped') {
      skipped++;
      io.err(`${prefix}: skipped: ${t(result.note ?? 'not added')}\n`);
    } else {
      failed++;
      const reason = result.error ? `${t(result.error.message)} (${t(result.error.code)})` : t(result.note ?? '');
      io.err(`${prefix}: ${t(result.stage)}: ${reason || 'no reason given'}\n`);
    }
  }
  const stats = await engine.stats();
  await engine.close(); // its writes are done; the model, timers and store are released
  const store = await IndexedDbStore.open(dbName);
  const source = storeBackupSource(store, {
    model: embedder && modelOf(embedder),
    appVersion: APP_VERSION,
    includeIndex: true,
  });
  const bytes = await writePieces(
    resolve(values.out),
    writeBackup(source, { onProgress: progressLine(io, 'Writing') }),
  );
  if (io.tty) io.err('\r\x1b[K');
  io.err(
    `Wrote ${t(values.out)}: ${stats.documents} documents, ${stats.chunks} passages, ${stats.vectors} vectors, ${formatBytes(bytes)}${skipped ? `; ${skipped} skipped` : ''}${failed ? `; ${failed} failed` : ''}.\n${PLAIN_FILE_NOTE}`,
  );
  store.close();
  return failed > 0 && failed + skipped === files.length ? 1 : 0;
}

/**
 * Brings a library file in line with a folder (created when absent): new files added, changed ones replaced
 * reusing unchanged passages' vectors, moved ones re-pathed, deleted ones removed (or kept). Documents are named by
 * their path in the folder, as `trove ingest` names them.
 */
async function sync(args: string[], io: Io): Promise<number> {
  const { values, positionals } = expectPositionals(
    parseArgs({
      args,
      options: { ...modelOptions, 'keep-deleted': { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    }),
    2,
  );
  const folder = resolve(positionals[0]);
  const file = resolve(positionals[1]);
  const files = await findDocuments(folder);
  const exists = await stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
  const dbName = `trove-cli-${process.pid}-${++databases}`;
  let model = values.model;
  if (exists) {
    const input = await libraryInput(file);
    const manifest = await verifyBackup(input, { fileName: basename(file) });
    const store = await IndexedDbStore.open(dbName);
    await importBackup(() => input, storeBackupSink(store), { fileName: basename(file) });
    store.close();
    model ??= manifest.model?.id;
    const { engine, embedder } = await openEngine({ ...values, model }, dbName);
    if (manifest.model && embedder && manifest.model.fingerprint !== embedder.fingerprint) {
      await engine.close();
      throw new TroveError(
        'MODEL_MISMATCH',
        `${basename(file)} was built with “${manifest.model.fingerprint}”, not “${embedder.fingerprint}”: sync it with --model ${manifest.model.id ?? '(that model)'}.`,
      );
    }
    return syncInto(engine, embedder, dbName, folder, files, file, values['keep-deleted'] ?? false, io);
  }
  const { engine, embedder } = await openEngine(values, dbName);
  return syncInto(engine, embedder, dbName, folder, files, file, values['keep-deleted'] ?? false, io);
}

async function syncInto(
  engine: TroveEngine,
  embedder: Embedder | undefined,
  dbName: string,
  folder: string,
  files: string[],
  out: string,
  keepDeleted: boolean,
  io: Io,
): Promise<number> {
  io.err(
    embedder
      ? `Model ${t(embedder.model.id)} (${embedder.device}, ${embedder.dtype}, ${embedder.model.dims} dims). ${files.length} files.\n`
      : `${KEYWORD_ONLY_NOTE} ${files.length} files.\n`,
  );
  const summary = await engine.syncFolder(diskFolder(folder, files), {
    keepDeleted,
    onProgress: (p) => io.tty && io.err(`\r\x1b[K${t(p.phase)} ${p.done}/${p.total}${p.path ? ` ${t(p.path)}` : ''}`),
  });
  if (io.tty) io.err('\r\x1b[K');
  for (const path of summary.added) io.err(`added: ${t(path)}\n`);
  for (const path of summary.changed) io.err(`changed: ${t(path)}\n`);
  for (const { from, to } of summary.renamed) io.err(`moved: ${t(from)} → ${t(to)}\n`);
  for (const path of summary.deleted) io.err(`removed: ${t(path)}\n`);
  for (const path of summary.keptDeleted) io.err(`kept (deleted from the folder): ${t(path)}\n`);
  for (const { path, reason } of summary.skipped) io.err(`skipped: ${t(path)}: ${t(reason)}\n`);
  for (const { path, error } of summary.failed) io.err(`failed: ${t(path)}: ${t(error.message)} (${t(error.code)})\n`);
  io.err(
    `${summary.added.length} added, ${summary.changed.length} changed, ${summary.renamed.length} moved, ` +
      `${summary.deleted.length} removed, ${summary.unchanged} unchanged; ${summary.filesRead} files read, ` +
      `${summary.passagesEmbedded} passages embedded, ${summary.passagesReused} reused.\n`,
  );
  const stats = await engine.stats();
  await engine.close();
  const store = await IndexedDbStore.open(dbName);
  const source = storeBackupSource(store, {
    model: embedder && modelOf(embedder),
    appVersion: APP_VERSION,
    includeIndex: true,
  });
  const bytes = await writePieces(out, writeBackup(source, { onProgress: progressLine(io, 'Writing') }));
  if (io.tty) io.err('\r\x1b[K');
  io.err(
    `Wrote ${t(out)}: ${stats.documents} documents, ${stats.chunks} passages, ${stats.vectors} vectors, ${formatBytes(bytes)}.\n${PLAIN_FILE_NOTE}`,
  );
  store.close();
  return summary.failed.length > 0 ? 1 : 0;
}

/** Supported files under a folder, in a stable order; hidden files and folders skipped. */
async function findDocuments(folder: string): Promise<string[]> {
  const { SUPPORTED_EXTENSIONS } = await import('../engine/ingest/parsers/index.ts');
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => {
    throw new TroveError('NOT_FOUND', `No folder at ${folder}.`);
  });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter(
      (path) =>
        !relative(folder, path)
          .split(/[\\/]/)
          .some((part) => part.startsWith('.')),
    )
    .filter((path) => (SUPPORTED_EXTENSIONS as readonly string[]).some((ext) => path.toLowerCase().endsWith(ext)))
    .sort();
}

async function search(args: string[], io: Io): Promise<number> {
  const { values, positionals } = expectPositionals(
    parseArgs({
      args,
      options: { ...modelOptions, mode: { type: 'string' }, k: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    }),
    2,
  );
  const [file, query] = positionals;
  const mode = (values.mode ?? 'hybrid') as SearchMode;
  if (!['hybrid', 'semantic', 'keyword'].includes(mode))
    throw new UsageError(`--mode must be hybrid, semantic or keyword, got “${mode}”`);
  const k = values.k === undefined ? 10 : Number(values.k);
  const input = await libraryInput(file);
  const manifest = await verifyBackup(input, { fileName: basename(file) });
  const dbName = `trove-cli-${process.pid}-${++databases}`;
  const store = await IndexedDbStore.open(dbName);
  await importBackup(() => input, storeBackupSink(store), { fileName: basename(file) });
  store.close();
  const { engine, embedder } = await openEngine({ ...values, model: values.model ?? manifest.model?.id }, dbName);
  if (manifest.model && embedder && manifest.model.fingerprint !== embedder.fingerprint) {
    throw new TroveError(
      'MODEL_MISMATCH',
      `${basename(file)} was built with “${manifest.model.fingerprint}”, not “${embedder.fingerprint}”: search it with --model ${manifest.model.id ?? '(that model)'}.`,
    );
  }
  const response = await engine.search(query, { mode, k });
  if (values.json) io.out(terminalJson(response) + '\n');
  else {
    if (response.notice) io.err(`${t(response.notice)}\n`);
    if (response.results.length === 0) io.out('No results.\n');
    response.results.forEach((result, i) => {
      const where =
        [result.documentName, ...(Array.isArray(result.headingPath) ? result.headingPath : [])]
          .map((part) => t(part))
          .join(' › ') + (result.page ? ` (page ${t(result.page)})` : '');
      const { scores } = result;
      const parts = [`score ${scores.score.toFixed(4)}`];
      if (scores.bm25Rank) parts.push(`keyword #${scores.bm25Rank}`);
      if (scores.vectorRank) parts.push(`meaning #${scores.vectorRank} (cosine ${scores.cosine?.toFixed(3)})`);
      const text = t(result.text).replace(/\s+/g, ' ').trim();
      io.out(`${i + 1}. ${where}  [${parts.join(', ')}]\n   ${text.length > 300 ? text.slice(0, 297) + '…' : text}\n`);
    });
  }
  await engine.close();
  return 0;
}

async function exportLibrary(args: string[], io: Io): Promise<number> {
  const { values, positionals } = expectPositionals(
    parseArgs({
      args,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        table: { type: 'string' },
        'pg-data': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }),
    1,
  );
  const [file] = positionals;
  if (!values.out) throw new UsageError('export needs --out');
  const pgData = values['pg-data'] ?? 'insert';
  if (pgData !== 'insert' && pgData !== 'copy')
    throw new UsageError(`--pg-data must be insert or copy, got “${pgData}”`);
  const input = await libraryInput(file);
  // Verified first, so a damaged library never leaves a partial export behind.
  await verifyBackup(input, { fileName: basename(file) });
  // Every field was checked when the file was read (store/record-schema.ts) and the exporters check what they write.
  const { manifest, dims, passages } = await openPassages(input, { fileName: basename(file) });
  const out = resolve(values.out);
  if (values.format === 'qdrant') {
    await mkdir(out, { recursive: true });
    await writePieces(join(out, 'collection.json'), [JSON.stringify(qdrantCollectionConfig(dims), null, 2) + '\n']);
    const bytes = await writePieces(join(out, 'points.jsonl'), qdrantJsonLines(passages));
    io.err(
      `Wrote ${t(join(values.out, 'collection.json'))} and ${t(join(values.out, 'points.jsonl'))} (${t(manifest.counts.vectors)} points, ${formatBytes(bytes)}). Loading: docs/qdrant-pgvector.md.\n${PLAIN_FILE_NOTE}`,
    );
  } else if (values.format === 'pgvector') {
    const comment = `Trove library “${manifest.collection}” from ${basename(file)}, model ${manifest.model?.fingerprint}, ${manifest.counts.vectors} passages. Load: psql -d DB -f ${basename(out)}`;
    const bytes = await writePieces(out, pgvectorSql(passages, { dims, table: values.table, data: pgData, comment }));
    io.err(
      `Wrote ${t(values.out)} (${t(manifest.counts.vectors)} rows, ${formatBytes(bytes)}). Loading: docs/qdrant-pgvector.md.\n${PLAIN_FILE_NOTE}`,
    );
  } else {
    throw new UsageError(`--format must be qdrant or pgvector, got “${values.format ?? ''}”`);
  }
  return 0;
}

async function info(args: string[], io: Io): Promise<number> {
  const { values, positionals } = expectPositionals(
    parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true }),
    1,
  );
  const input = await libraryInput(positionals[0]);
  const manifest = await verifyBackup(input, { fileName: basename(positionals[0]) });
  if (values.json) {
    io.out(terminalJson({ ...manifest, bytes: input.size, verified: true }) + '\n');
    return 0;
  }
  const { counts, model } = manifest;
  io.out(
    [
      `${t(basename(positionals[0]))}: Trove library, format version ${t(manifest.formatVersion)}, ${formatBytes(input.size)}, checksums verified`,
      `collection: ${manifest.collection === '*' ? 'all' : t(manifest.collection)}`,
      `created:    ${t(manifest.createdAt)} (Trove ${t(manifest.appVersion)})`,
      `model:      ${model ? `${t(model.id ?? '?')} — ${t(model.fingerprint)} (${t(model.dims)} dims)` : 'none (keyword search only)'}`,
      `documents:  ${t(counts?.documents)}`,
      `passages:   ${t(counts?.chunks)} (${t(counts?.vectors)} with vectors)`,
      `index:      ${t(counts?.indexPages)} pages`,
    ].join('\n') + '\n',
  );
  return 0;
}

function progressLine(io: Io, label: string): (p: BackupProgress) => void {
  return (p) => {
    if (io.tty) io.err(`\r\x1b[K${label}: ${p.documents}/${p.totalDocuments} documents, ${formatBytes(p.bytes)}`);
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
