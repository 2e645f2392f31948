// A library shaped like a product manual for the reopen benchmark: documents of a few passages each, words drawn
// with a Zipf-like skew from the GloVe fixture's vocabulary (so the keyword index has a realistic dictionary), and
// each passage's vector the normalised mean of its words' GloVe vectors, as the fixture model makes them. Written
// into a Store through its public methods, with the keyword snapshot and the serving vectors' setting the app keeps.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { analyze } from '../../src/engine/lexical/analyzer.ts';
import { LibraryCatalogue } from '../../src/engine/library/catalogue.ts';
import { getModelSpec, modelFingerprint } from '../../src/engine/models/model-registry.ts';
import type { NewChunk, Store } from '../../src/engine/store/store.ts';

const GLOVE = resolve('fixtures/glove-6B-50d-5k/glove-50d-5k.json');
const DIMS = 50;
const WORDS_PER_PASSAGE = 90;

export interface ManualLibrary {
  passages: number;
  documents: number;
  seed: number;
}

/** Writes the library into `store`, as the app would have left it (fixture model vectors, keyword snapshot). */
export async function writeManualLibrary(store: Store, options: ManualLibrary): Promise<void> {
  const glove = JSON.parse(await readFile(GLOVE, 'utf8')) as Record<string, number[]>;
  const vocabulary = Object.keys(glove).filter((w) => /^[a-z]+$/.test(w));
  let x = options.seed >>> 0 || 1;
  const random = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  // Zipf-like: the word at rank r is drawn with probability ∝ 1 / (r + 10).
  const word = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(10 * (Math.exp(random() * 6.3) - 1)))];
  // The serving vectors' setting (services/model-switch.ts): the app opens these vectors at start-up.
  const model = {
    modelId: 'glove-50d-static',
    fingerprint: modelFingerprint(getModelSpec('glove-50d-static'), 'fp32'),
    dims: DIMS,
  };
  let left = options.passages;
  for (let d = 0; d < options.documents; d++) {
    const count = Math.round(left / (options.documents - d));
    left -= count;
    const passages = Array.from({ length: count }, () => {
      const words = Array.from({ length: WORDS_PER_PASSAGE }, word);
      return `${words.join(' ')}.`;
    });
    const text = passages.join('\n\n');
    const docId = await store.createDocument(
      {
        name: `manual/chapter-${Math.floor(d / 50)}/page-${d}.md`,
        format: 'markdown',
        size: text.length,
        addedAt: 1_700_000_000_000 + d * 1000,
        title: `Page ${d}: ${passages[0]?.split(' ').slice(0, 4).join(' ') ?? ''}`,
        folder: `manual/chapter-${Math.floor(d / 50)}`,
        language: 'en',
      },
      { text, blocks: [{ start: 0, end: text.length, kind: 'paragraph' }] },
    );
    let offset = 0;
    const chunks: NewChunk[] = passages.map((passage) => {
      const chunk: NewChunk = {
        text: passage,
        start: offset,
        end: offset + passage.length,
        headingPath: [`Page ${d}`],
        tokenCount: WORDS_PER_PASSAGE,
        terms: analyze(passage),
      };
      offset += passage.length + 2;
      return chunk;
    });
    const vectors = new Float32Array(chunks.length * DIMS);
    chunks.forEach((chunk, i) => {
      const row = vectors.subarray(i * DIMS, (i + 1) * DIMS);
      for (const w of chunk.text.slice(0, -1).split(' ')) glove[w]?.forEach((v, j) => (row[j] += v));
      const norm = Math.hypot(...row) || 1;
      for (let j = 0; j < DIMS; j++) row[j] /= norm;
    });
    if (chunks.length > 0)
      await store.addChunks(docId, chunks, { fingerprint: model.fingerprint, dims: DIMS, vectors });
    await store.markReady(docId, chunks.length);
  }
  await store.putSetting('vector-set', model);
  const catalogue = new LibraryCatalogue({});
  await catalogue.load(store, { k1: 0.9, b: 0.4 });
  await catalogue.saveSnapshot(store, await store.libraryVersion());
}
