// The Qdrant export: one point per passage with the exact vector and the payload, plus the collection config.
import 'fake-indexeddb/auto';
import type { Schemas } from '@qdrant/js-client-rest';
import { describe, expect, it } from 'vitest';
import { IndexedDbStore } from '../store/indexeddb-store.ts';
import { openPassages } from './passages.ts';
import { qdrantCollectionConfig, qdrantJsonLines, qdrantPoint, type QdrantPoint } from './qdrant-export.ts';
import { storeBackupSource } from './store-backup.ts';
import { writeSyntheticLibrary } from '../testing/synthetic-library.ts';
import { backupToBytes } from './write-backup.ts';

describe('Qdrant export', () => {
  it('writes every embedded passage as a point with its exact float32 vector and payload', async () => {
    const store = await IndexedDbStore.open('qdrant-export');
    const { model, vectors } = await writeSyntheticLibrary(store, {
      documents: 4,
      chunksPerDocument: 30,
      dims: 16,
      seed: 4,
    });
    // A passage without a vector (model unavailable at ingest) is not exported.
    const pending = await store.createDocument(
      { name: 'pending.txt', format: 'text', size: 3, addedAt: 2 },
      { text: 'abc', blocks: [] },
    );
    await store.addChunks(pending, [{ text: 'abc', start: 0, end: 3, headingPath: [], tokenCount: 1, terms: ['abc'] }]);
    const bytes = await backupToBytes(storeBackupSource(store, { model }));

    const { dims, passages } = await openPassages(bytes);
    const config: Schemas['CreateCollection'] = qdrantCollectionConfig(dims);
    expect(config).toEqual({ vectors: { size: 16, distance: 'Cosine' } });
    const lines: string[] = [];
    const objects: QdrantPoint[] = [];
    async function* tee() {
      for await (const passage of passages) {
        objects.push(qdrantPoint(passage));
        yield passage;
      }
    }
    for await (const line of qdrantJsonLines(tee())) lines.push(line);
    expect(lines).toHaveLength(120);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);

    const points = lines.map((line) => JSON.parse(line) as QdrantPoint);
    // The fast line writer and the typed point builder agree.
    expect(points).toEqual(objects);
    const chunks = new Map((await store.getChunks(points.map((p) => p.id))).map((c) => [c.id, c]));
    const docs = new Map((await store.listDocuments()).map((d) => [d.id, d]));
    points.forEach((point, row) => {
      const chunk = chunks.get(point.id)!;
      expect(point.payload).toEqual({
        text: chunk.text,
        document_id: chunk.docId,
        document: docs.get(chunk.docId)!.name,
        title: docs.get(chunk.docId)!.title ?? null,
        page: chunk.page ?? null,
        heading_path: chunk.headingPath,
        tags: [],
        start: chunk.start,
        end: chunk.end,
      });
      // Written in id order, which is the order the synthetic vectors were stored in.
      const expected = vectors.subarray(row * dims, (row + 1) * dims);
      expect(Float32Array.from(point.vector)).toEqual(expected);
    });
    expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
  });
});
