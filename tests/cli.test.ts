// The command line end to end: spawned as `node bin/trove.mjs` (what `npx trove` runs) on e2e/fixtures.
import 'fake-indexeddb/auto';
import { copyFile, mkdir, mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../src/engine/api/index.ts';
import { importBackup } from '../src/engine/backup/read-backup.ts';
import { storeBackupSink } from '../src/engine/backup/store-backup.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import { trove } from './trove-command.ts';

let dir: string;
let library: string;
let counts: { documents: number; chunks: number; vectors: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trove-cli-'));
  library = join(dir, 'lib.trove');
  // The three hand-written fixtures only (e2e/fixtures/generated/ holds damaged files made by npm run fixtures).
  const docs = join(dir, 'docs');
  await mkdir(docs);
  for (const name of ['field-guide.md', 'injection.html', 'windows-1252.txt'])
    await copyFile(resolve('e2e/fixtures', name), join(docs, name));
  const ingest = await trove('ingest', docs, '--out', library);
  expect(ingest.stderr).toMatch(/\[1\/3\] field-guide\.md: \d+ passages/);
  expect(ingest.stderr).toMatch(/Wrote .*lib\.trove: 3 documents/);
  // Every file the command line writes is plain, and it says so.
  expect(ingest.stderr).toContain('Not encrypted: anyone who has the file can read');
  expect(ingest.code).toBe(0);
}, 120_000);

// Each spawn loads Node, tsx and (for ingest and search) the model: seconds apiece on a busy machine.
describe('trove (command line)', { timeout: 120_000 }, () => {
  it('info verifies the file and describes it', async () => {
    const info = await trove('info', library, '--json');
    expect(info.code).toBe(0);
    const manifest = JSON.parse(info.stdout);
    expect(manifest).toMatchObject({
      verified: true,
      formatVersion: 1,
      model: { id: 'glove-50d-static', dims: 50 },
      counts: { documents: 3 },
    });
    expect(manifest.counts.vectors).toBe(manifest.counts.chunks);
    counts = manifest.counts;
  });

  it('search finds by keyword and by meaning, and the same library imported into the engine (as the app does) answers the same', async () => {
    const keyword = await trove('search', library, 'sourdough starter', '--mode', 'keyword', '--json');
    expect(keyword.code).toBe(0);
    const keywordHits = (JSON.parse(keyword.stdout) as SearchResponse).results;
    expect(keywordHits[0].documentName).toBe('field-guide.md');
    expect(keywordHits[0].text).toMatch(/starter/i);

    // No query word occurs in the lighthouse passage: only the vectors can find it.
    const semantic = JSON.parse(
      (await trove('search', library, 'ocean ship navigation light', '--mode', 'semantic', '--json', '--k', '3'))
        .stdout,
    ) as SearchResponse;
    expect(semantic.mode).toBe('semantic');
    expect(semantic.results).toHaveLength(3);

    const store = await IndexedDbStore.open('cli-import');
    const data = new Uint8Array(await readFile(library));
    await importBackup(() => data, storeBackupSink(store));
    store.close();
    const engine = new TroveEngine({
      openStore: () => IndexedDbStore.open('cli-import'),
      loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    });
    await engine.init({
      modelId: 'glove-50d-static',
      allowRemoteModels: false,
      localModelPath: resolve('public/models') + '/',
    });
    expect((await engine.loadModel()).state).toBe('ready');
    // An imported library's vector index is rebuilt from its checked vectors, never loaded from the file's pages.
    expect((await engine.stats()).index?.loadedFromPages).toBe(false);
    const again = await engine.search('ocean ship navigation light', { mode: 'semantic', k: 3 });
    expect(again.results.map((r) => [r.chunkId, r.text, r.scores.cosine])).toEqual(
      semantic.results.map((r) => [r.chunkId, r.text, r.scores.cosine]),
    );
    const text = await trove('search', library, 'sourdough starter');
    expect(text.stdout).toMatch(/^1\. field-guide\.md › /);
  });

  it('exports to Qdrant (collection config + one point per passage) and to pgvector SQL', async () => {
    const qdrant = await trove('export', library, '--format', 'qdrant', '--out', join(dir, 'qdrant'));
    expect(qdrant.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'qdrant/collection.json'), 'utf8'))).toEqual({
      vectors: { size: 50, distance: 'Cosine' },
    });
    const points = (await readFile(join(dir, 'qdrant/points.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(points).toHaveLength(counts.vectors);
    expect(points[0]).toMatchObject({
      id: expect.any(Number),
      payload: { document: expect.any(String), text: expect.any(String) },
    });
    expect(points[0].vector).toHaveLength(50);

    const pg = await trove(
      'export',
      library,
      '--format',
      'pgvector',
      '--out',
      join(dir, 'lib.sql'),
      '--pg-data',
      'copy',
    );
    expect(pg.code).toBe(0);
    const sql = await readFile(join(dir, 'lib.sql'), 'utf8');
    expect(sql).toMatch(/CREATE EXTENSION IF NOT EXISTS vector;/);
    expect(sql).toMatch(/embedding vector\(50\) NOT NULL/);
    expect(sql).toMatch(/COPY trove_passages \(.*\) FROM stdin;\n/);
    expect(sql).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    expect(sql.split('\n').filter((line) => /^\d+\t/.test(line))).toHaveLength(counts.vectors);
  });

  it('refuses a damaged file, bad arguments and unknown models with a message and a non-zero exit', async () => {
    const data = await readFile(library);
    data[Math.floor(data.length / 2)] ^= 0xff;
    const damaged = join(dir, 'damaged.trove');
    await writeFile(damaged, data);
    const info = await trove('info', damaged);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/“damaged\.trove” is not a valid Trove library: .*damaged.*\(IMPORT_INVALID\)/);

    const usage = await trove('export', library, '--format', 'parquet', '--out', join(dir, 'x'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--format must be qdrant or pgvector, got “parquet”/);
    expect((await trove('frobnicate')).code).toBe(2);
    const model = await trove('ingest', 'e2e/fixtures', '--out', join(dir, 'x.trove'), '--model', 'no-such-model');
    expect(model.code).toBe(1);
    expect(model.stderr).toMatch(/Unknown embedding model "no-such-model"\. Valid models: .*glove-50d-static/);
  });
});

/** The command in this process (faster than a spawn), its output captured. */
async function troveInProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../src/cli/trove.ts');
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s), tty: false });
  return { code, stdout, stderr };
}

// What a terminal would act on: ESC (any sequence), BEL (ends OSC), C1 CSI/OSC, and bidi overrides/isolates.
const TERMINAL_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe('CLI prints untrusted text raw', { timeout: 120_000 }, () => {
  it('a file named and filled with ESC/OSC sequences (clear screen, OSC 52 clipboard, bidi) prints without them', async () => {
    const docs = await mkdtemp(join(tmpdir(), 'trove-cli-controls-'));
    const evil = 'evil\x1b]52;c;SGVsbG8=\x07\x1b[2J\u202etxt.exe\x9b31m';
    await writeFile(
      join(docs, `${evil}.txt`),
      `Sourdough \x1b]52;c;SGVsbG8=\x07starter\x1b[2J notes \x9b31mred\u202e and a \x1b]0;title\x1b\\ window title.\n`,
    );
    const out = join(docs, 'out.trove');
    const ingest = await troveInProcess('ingest', docs, '--out', out);
    expect(ingest.code).toBe(0);
    expect(ingest.stderr).toMatch(/\[1\/1\] evil/);
    const search = await troveInProcess('search', out, 'sourdough starter', '--mode', 'keyword');
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(/^1\. evil/);
    expect(search.stdout).toMatch(/starter/);
    const json = await troveInProcess('search', out, 'sourdough starter', '--mode', 'keyword', '--json');
    expect((JSON.parse(json.stdout) as SearchResponse).results[0].documentName).toBe(`${evil}.txt`);
    const named = join(docs, `lib\x1b[2J\x1b]52;c;SGk=\x07.trove`);
    await copyFile(out, named);
    const info = await troveInProcess('info', named);
    expect(info.code).toBe(0);
    // JSON keeps the text, with every control character written as a \u escape (inert on a terminal).
    expect(json.stdout + json.stderr).not.toMatch(TERMINAL_CONTROLS);
    for (const output of [ingest, search, info]) {
      expect(output.stdout + output.stderr).not.toMatch(TERMINAL_CONTROLS);
      // The whole sequence goes, not just its ESC: no half-sequence is left to confuse a reader.
      expect(output.stdout + output.stderr).not.toContain(']52;');
    }
  });

  it('an oversized file (sparse, 300 MB and 3 GB) is skipped unread with a message and the rest ingested', async () => {
    const docs = await mkdtemp(join(tmpdir(), 'trove-cli-large-'));
    await writeFile(join(docs, 'a-small.txt'), 'The sourdough starter needs feeding every day.\n');
    for (const [name, size] of [
      ['b-300mb.txt', 300 * 1024 * 1024],
      ['c-3gb.txt', 3 * 1024 * 1024 * 1024],
    ] as const) {
      await writeFile(join(docs, name), '');
      await truncate(join(docs, name), size);
    }
    const out = join(docs, 'out.trove');
    const ingest = await troveInProcess('ingest', docs, '--out', out);
    expect(ingest.stderr).toMatch(/\[1\/3\] a-small\.txt: 1 passage/);
    expect(ingest.stderr).toMatch(/\[2\/3\] b-300mb\.txt: failed: too large to read \(300 MB; .*\(FILE_TOO_LARGE\)/);
    expect(ingest.stderr).toMatch(/\[3\/3\] c-3gb\.txt: failed: too large to read \(3072 MB; .*\(FILE_TOO_LARGE\)/);
    expect(ingest.stderr).toMatch(/: 1 documents, .*; 2 failed\./);
    expect(ingest.code).toBe(0);
    const info = await troveInProcess('info', out, '--json');
    expect(JSON.parse(info.stdout).counts.documents).toBe(1);
  });
});

describe('CLI non-string title', { timeout: 120_000 }, () => {
  it('a library whose document title is not text is refused with a message, not a stack trace', async () => {
    const { verifyBackup } = await import('../src/engine/backup/read-backup.ts');
    const { storeBackupSource } = await import('../src/engine/backup/store-backup.ts');
    const { writeBackup } = await import('../src/engine/backup/write-backup.ts');
    const { writePieces } = await import('../src/cli/library-file.ts');
    const data = new Uint8Array(await readFile(library));
    const manifest = await verifyBackup(data);
    const store = await IndexedDbStore.open('cli-object-title');
    await importBackup(() => data, storeBackupSink(store));
    await store.updateDocument(1, { title: { '\x1b[2J': 'not text' } } as never);
    const crafted = join(dir, 'object-title.trove');
    await writePieces(
      crafted,
      writeBackup(storeBackupSource(store, { model: manifest.model!, appVersion: '0.1.0', includeIndex: true })),
    );
    store.close();
    const result = await troveInProcess('export', crafted, '--format', 'pgvector', '--out', join(dir, 'x.sql'));
    // Refused when the file is read (every field is checked at decode), naming the document and the field.
    expect(result.stderr).toMatch(
      /document 1 has an invalid “title” \(expected text, got an object\).*\(IMPORT_INVALID\)/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(1);
  });
});

describe('CLI first run without the test model', { timeout: 120_000 }, () => {
  it('ingest after a plain npm ci (no model built) indexes for keyword search with a one-line note, and search answers', async () => {
    const work = await mkdtemp(join(tmpdir(), 'trove-cli-nomodel-'));
    const docs = join(work, 'docs');
    const noModels = join(work, 'models');
    await mkdir(docs);
    await mkdir(noModels);
    await writeFile(join(docs, 'notes.md'), '# Bread\n\nThe sourdough starter needs feeding every day.\n');
    const out = join(work, 'lib.trove');
    const ingest = await trove('ingest', docs, '--out', out, '--models-path', noModels);
    expect(ingest.stderr).not.toMatch(/MODEL_UNAVAILABLE/);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stderr.match(/No embedding model: indexing for keyword search only/g)).toHaveLength(1);
    expect(ingest.stderr).toMatch(/Wrote .*lib\.trove: 1 documents, 1 passages, 0 vectors/);

    const info = JSON.parse((await trove('info', out, '--json')).stdout);
    expect(info.model).toBeNull();

    const search = await trove('search', out, 'sourdough', '--models-path', noModels, '--json');
    expect(search.code, search.stderr).toBe(0);
    expect((JSON.parse(search.stdout) as SearchResponse).results[0].documentName).toBe('notes.md');

    // A model asked for by name still has to load: no silent fallback.
    const named = await trove('ingest', docs, '--out', out, '--models-path', noModels, '--model', 'bge-small-en-v1.5');
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/MODEL_UNAVAILABLE/);
  });

  it('--help says how to use a real model', async () => {
    const help = await trove('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--model id/);
    expect(help.stdout).toMatch(/npm run models:fetch -- bge-small-en-v1\.5/);
    expect(help.stdout).toMatch(/--remote/);
  });
});
