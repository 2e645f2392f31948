// Encryption-at-rest cost (issue 12): key derivation, seal/open throughput for chunk-sized records and vector
// batches, and the ingest / reopen overhead of EncryptedStore against the plain IndexedDbStore, both on
// fake-indexeddb in this process (ratios in the same run). Search speed is not measured here: once unlocked the
// in-memory indexes are the same plain ones, so only start-up (reopen) and ingest pay for encryption.
//
//   npm run bench -- crypto [--docs 20] [--chunks 100] [--dims 384] [--json]
import 'fake-indexeddb/auto';
import { parseArgs } from 'node:util';
import { PBKDF2_MIN_ITERATIONS, RecordCipher, createKeyFile, unlockKeyFile } from '../src/engine/privacy/crypto.ts';
import { EncryptedStore } from '../src/engine/privacy/encrypted-store.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';
import type { NewChunk, Store } from '../src/engine/store/store.ts';
import { seeded } from './data/gaussian-mixture.ts';

const WORDS =
  'the of and to in is that for it as was with on by be at this from or an are have not which one all their been has more'.split(
    ' ',
  );
const RARE =
  'sourdough starter bicycle chain lubrication kelp forest quantum ledger invoice harbour lantern meadow orbit'.split(
    ' ',
  );

function text(random: () => number, chars: number): string {
  const words: string[] = [];
  let length = 0;
  while (length < chars) {
    const word = random() < 0.8 ? WORDS[Math.floor(random() * WORDS.length)] : RARE[Math.floor(random() * RARE.length)];
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

function unitVectors(random: () => number, rows: number, dims: number): Float32Array {
  const out = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += (out[r * dims + d] = random() - 0.5) ** 2;
    for (let d = 0; d < dims; d++) out[r * dims + d] /= Math.sqrt(norm);
  }
  return out;
}

async function time<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

async function median(runs: number, run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await time(run)).ms);
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

interface Library {
  docs: Array<{ text: string; chunks: NewChunk[]; vectors: Float32Array }>;
  bytes: number;
}

function library(docs: number, chunksPerDoc: number, dims: number, seed: number): Library {
  const random = seeded(seed);
  let bytes = 0;
  const out: Library['docs'] = [];
  for (let d = 0; d < docs; d++) {
    const chunks: NewChunk[] = [];
    let offset = 0;
    for (let c = 0; c < chunksPerDoc; c++) {
      const body = text(random, 900);
      chunks.push({
        text: body,
        start: offset,
        end: offset + body.length,
        headingPath: ['Section'],
        tokenCount: 200,
        terms: body.split(' '),
      });
      offset += body.length + 1;
      bytes += body.length * 2; // text and terms
    }
    out.push({ text: chunks.map((c) => c.text).join(' '), chunks, vectors: unitVectors(random, chunksPerDoc, dims) });
    bytes += offset + chunksPerDoc * dims * 4;
  }
  return { docs: out, bytes };
}

const BATCH = 32; // chunks per addChunks call, as the ingest pipeline writes them

async function ingest(store: Store, lib: Library, dims: number): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, doc] of lib.docs.entries()) {
    const docId = await store.createDocument(
      { name: `doc-${i}.md`, format: 'markdown', size: doc.text.length, addedAt: i },
      { text: doc.text, blocks: [] },
    );
    for (let from = 0; from < doc.chunks.length; from += BATCH) {
      const batch = doc.chunks.slice(from, from + BATCH);
      const vectors = doc.vectors.subarray(from * dims, (from + batch.length) * dims);
      ids.push(...(await store.addChunks(docId, batch, { fingerprint: 'bench', dims, vectors })));
    }
    await store.markReady(docId, doc.chunks.length);
  }
  return ids;
}

/** What start-up reads: the catalogue, every term list, every vector batch; then one page of results. */
async function reopen(store: Store, ids: number[]): Promise<void> {
  await store.listDocuments();
  await store.allTerms();
  await store.vectorBatches('bench');
  await store.getChunks(ids.slice(0, 10));
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      docs: { type: 'string', default: '20' },
      chunks: { type: 'string', default: '100' },
      dims: { type: 'string', default: '384' },
      seed: { type: 'string', default: '12' },
      json: { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const docs = Number(values.docs);
  const chunks = Number(values.chunks);
  const dims = Number(values.dims);
  const seed = Number(values.seed);
  const passphrase = 'benchmark passphrase';
  log(
    `node ${process.version}; fake-indexeddb; ${docs} docs × ${chunks} chunks of ~900 chars, ${dims}-d vectors (seed ${seed})`,
  );

  // 1. Keys
  const create = await time(() => createKeyFile(passphrase));
  const { keyFile } = create.result;
  const unlockMs = await median(3, () => unlockKeyFile(keyFile, passphrase));
  const cipher: RecordCipher = create.result.cipher;

  // 2. Records
  const random = seeded(seed + 1);
  const chunkTexts = Array.from({ length: 2000 }, () => text(random, 900));
  const chunkBytes = chunkTexts.reduce((sum, t) => sum + t.length, 0);
  const sealed = await time(() =>
    Promise.all(chunkTexts.map((t) => cipher.seal({ text: t, headingPath: ['A'] }, 'chunk:1'))),
  );
  const opened = await time(() => Promise.all(sealed.result.map((e) => cipher.open(e, 'chunk:1'))));
  const batches = Array.from({ length: 200 }, () => unitVectors(random, BATCH, dims));
  const vectorBytes = batches.length * BATCH * dims * 4;
  const sealedVectors = await time(() => Promise.all(batches.map((b) => cipher.seal(b, 'vectors:1:bench'))));
  const openedVectors = await time(() =>
    Promise.all(sealedVectors.result.map((e) => cipher.openFloat32(e, 'vectors:1:bench'))),
  );
  const mbps = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(0);

  // 3. Stores, same data, same process
  const lib = library(docs, chunks, dims, seed + 2);
  // Warm up both code paths (JIT, fake-indexeddb) on a small library first, so neither measured run pays for it.
  const warm = library(2, 40, dims, seed + 3);
  await ingest(await IndexedDbStore.open('bench-warm-plain'), warm, dims);
  await ingest(await EncryptedStore.create(await IndexedDbStore.open('bench-warm-encrypted'), passphrase), warm, dims);
  const plainStore = await IndexedDbStore.open('bench-plain');
  const plainIngest = await time(() => ingest(plainStore, lib, dims));
  plainStore.close();
  const encryptedStore = await EncryptedStore.create(await IndexedDbStore.open('bench-encrypted'), passphrase);
  const encryptedIngest = await time(() => ingest(encryptedStore, lib, dims));
  encryptedStore.close();

  const plainReopen = await median(3, async () => {
    const store = await IndexedDbStore.open('bench-plain');
    await reopen(store, plainIngest.result);
    store.close();
  });
  const encryptedReopen = await median(3, async () => {
    const store = await EncryptedStore.unlock(await IndexedDbStore.open('bench-encrypted'), passphrase);
    await reopen(store, encryptedIngest.result);
    store.close();
  });
  // Reopen without the key derivation: what it costs to read a library once the key is known.
  const unlocked = await EncryptedStore.unlock(await IndexedDbStore.open('bench-encrypted'), passphrase);
  const encryptedReadOnly = await median(3, () => reopen(unlocked, encryptedIngest.result));
  unlocked.close();

  const rows: Array<[string, string, string]> = [
    [
      `PBKDF2-SHA-256 ${PBKDF2_MIN_ITERATIONS.toLocaleString('en')} it. + wrap (create key)`,
      `${create.ms.toFixed(0)} ms`,
      '',
    ],
    ['unlock (derive + unwrap + check), median of 3', `${unlockMs.toFixed(0)} ms`, ''],
    [
      `seal ${chunkTexts.length} chunk records (~900 chars)`,
      `${sealed.ms.toFixed(0)} ms`,
      `${mbps(chunkBytes, sealed.ms)} MB/s`,
    ],
    [`open ${chunkTexts.length} chunk records`, `${opened.ms.toFixed(0)} ms`, `${mbps(chunkBytes, opened.ms)} MB/s`],
    [
      `seal ${batches.length} vector batches (${BATCH}×${dims} f32)`,
      `${sealedVectors.ms.toFixed(0)} ms`,
      `${mbps(vectorBytes, sealedVectors.ms)} MB/s`,
    ],
    [
      `open ${batches.length} vector batches`,
      `${openedVectors.ms.toFixed(0)} ms`,
      `${mbps(vectorBytes, openedVectors.ms)} MB/s`,
    ],
  ];
  const storeRows: Array<[string, number, number]> = [
    ['ingest (write every doc, chunk, term list, vector batch)', plainIngest.ms, encryptedIngest.ms],
    ['reopen incl. unlock (catalogue, terms, vectors, 10 chunks)', plainReopen, encryptedReopen],
    ['reopen, key already unlocked', plainReopen, encryptedReadOnly],
  ];
  const width = Math.max(...rows.map((r) => r[0].length), ...storeRows.map((r) => r[0].length));
  log('');
  log(`${'crypto primitive'.padEnd(width)} ${'time'.padStart(9)} ${'throughput'.padStart(11)}`);
  for (const [name, ms, rate] of rows) log(`${name.padEnd(width)} ${ms.padStart(9)} ${rate.padStart(11)}`);
  log('');
  log(
    `${'store (fake-indexeddb)'.padEnd(width)} ${'plain'.padStart(9)} ${'encrypted'.padStart(11)} ${'ratio'.padStart(6)}`,
  );
  for (const [name, plain, encrypted] of storeRows) {
    log(
      `${name.padEnd(width)} ${`${plain.toFixed(0)} ms`.padStart(9)} ${`${encrypted.toFixed(0)} ms`.padStart(11)} ${`${(encrypted / plain).toFixed(2)}×`.padStart(6)}`,
    );
  }
  log(
    `library: ${(lib.bytes / 1e6).toFixed(1)} MB of text, terms and vectors; search runs on the same in-memory indexes either way.`,
  );
  if (values.json) {
    console.log(
      JSON.stringify({
        node: process.version,
        docs,
        chunks,
        dims,
        createKeyMs: create.ms,
        unlockMs,
        sealChunkMBps: Number(mbps(chunkBytes, sealed.ms)),
        openChunkMBps: Number(mbps(chunkBytes, opened.ms)),
        sealVectorMBps: Number(mbps(vectorBytes, sealedVectors.ms)),
        openVectorMBps: Number(mbps(vectorBytes, openedVectors.ms)),
        store: storeRows.map(([name, plain, encrypted]) => ({
          name,
          plainMs: plain,
          encryptedMs: encrypted,
          ratio: encrypted / plain,
        })),
      }),
    );
  }
}
