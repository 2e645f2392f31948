// A seeded synthetic library written into a Store through its public methods: for backup tests and the backup
// benchmark (no model needed: vectors are seeded unit vectors).
import { clusteredVectors } from './hnsw-test-data.ts';
import type { NewChunk, Store } from '../store/store.ts';
import type { BackupModel } from '../backup/backup-types.ts';

export interface SyntheticOptions {
  documents: number;
  chunksPerDocument: number;
  dims: number;
  seed: number;
  /** Chunks per addChunks call (the engine writes 32). */
  batch?: number;
}

const WORDS = [
  'river',
  'bank',
  'money',
  'film',
  'movie',
  'car',
  'engine',
  'kitchen',
  'wine',
  'bread',
  'team',
  'game',
  'rain',
  'cloud',
  'tax',
  'law',
];

export async function writeSyntheticLibrary(
  store: Store,
  options: SyntheticOptions,
): Promise<{ model: BackupModel; vectors: Float32Array }> {
  const { documents, chunksPerDocument, dims, seed } = options;
  const batchSize = options.batch ?? 32;
  const model: BackupModel = { id: 'synthetic', fingerprint: `synthetic@${seed}|fp32|${dims}|mean`, dims };
  const total = documents * chunksPerDocument;
  const { base } = clusteredVectors(total, 0, dims, seed);
  let row = 0;
  for (let d = 0; d < documents; d++) {
    const passages = Array.from({ length: chunksPerDocument }, (_, c) => {
      const words = Array.from({ length: 12 }, (_, w) => WORDS[(d * 7 + c * 3 + w * 5) % WORDS.length]);
      return `Passage ${c} of document ${d}: ${words.join(' ')}, with “quotes”, O'Brien's tab\there.`;
    });
    const text = passages.join('\n\n');
    const docId = await store.createDocument(
      {
        name: `doc-${d}.md`,
        format: 'markdown',
        size: text.length,
        addedAt: 1_700_000_000_000 + d,
        title: `Document ${d}`,
        pageCount: d % 3 === 0 ? 2 : undefined,
      },
      { text, blocks: [{ start: 0, end: text.length, kind: 'paragraph' }] },
    );
    let offset = 0;
    const chunks: NewChunk[] = passages.map((passage, c) => {
      const chunk: NewChunk = {
        text: passage,
        start: offset,
        end: offset + passage.length,
        headingPath: c % 2 ? ['Part', `Section ${c}`] : [],
        page: d % 3 === 0 ? 1 + (c % 2) : undefined,
        tokenCount: 20,
        terms: passage.toLowerCase().match(/[a-z]+/g) ?? [],
      };
      offset += passage.length + 2;
      return chunk;
    });
    for (let from = 0; from < chunks.length; from += batchSize) {
      const slice = chunks.slice(from, from + batchSize);
      const vectors = base.slice(row * dims, (row + slice.length) * dims);
      row += slice.length;
      await store.addChunks(docId, slice, { fingerprint: model.fingerprint, dims, vectors });
    }
    await store.markReady(docId, chunks.length);
  }
  return { model, vectors: base };
}
