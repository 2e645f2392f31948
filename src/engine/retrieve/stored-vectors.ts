// The stored vectors of a few chunks (for MMR): read per document from the store's vector batches of the serving
// model, so MMR compares the exact vectors that were searched (not a quantized copy, not a re-embedding).
import type { Store } from '../store/store.ts';

export async function storedVectorsOf(
  store: Store,
  fingerprint: string,
  chunkIds: readonly number[],
  documentOf: (chunkId: number) => number | undefined,
): Promise<Map<number, Float32Array>> {
  const wanted = new Set(chunkIds);
  const docs = new Set<number>();
  for (const id of chunkIds) {
    const doc = documentOf(id);
    if (doc !== undefined) docs.add(doc);
  }
  const out = new Map<number, Float32Array>();
  for (const doc of docs) {
    for (const batch of await store.vectorBatchesOf(doc, fingerprint)) {
      for (let row = 0; row < batch.chunkIds.length; row++) {
        const id = batch.chunkIds[row];
        if (wanted.has(id)) out.set(id, batch.vectors.subarray(row * batch.dims, (row + 1) * batch.dims));
      }
    }
  }
  return out;
}
