// Vectors a document already has, by passage text: when a new version replaces it, a passage whose text is the
// same gets the stored vector instead of a model run, so editing one paragraph embeds only the passages it touched.
// A passage's vector depends on its text alone (the embedder sees nothing else), and only the vectors of the model
// in use are reused.
import type { Store } from '../store/store.ts';

export interface VectorRun {
  vectors: Float32Array;
  /** How many of the texts had a stored vector. */
  reused: number;
}

export class PassageReuse {
  private constructor(
    private readonly byText: ReadonlyMap<string, Float32Array>,
    private readonly dims: number,
  ) {}

  /** Nothing to reuse (a document that replaces none). */
  static none(dims: number): PassageReuse {
    return new PassageReuse(new Map(), dims);
  }

  /** The stored vectors of `docId`'s passages made by the model `fingerprint`, by passage text. */
  static async of(store: Store, docId: number, fingerprint: string, dims: number): Promise<PassageReuse> {
    const byText = new Map<string, Float32Array>();
    const batches = await store.vectorBatchesOf(docId, fingerprint);
    if (batches.length === 0) return PassageReuse.none(dims);
    const rows = new Map<number, Float32Array>();
    for (const batch of batches) {
      if (batch.dims !== dims) continue;
      batch.chunkIds.forEach((id, i) => rows.set(id, batch.vectors.subarray(i * dims, (i + 1) * dims)));
    }
    for (const chunk of await store.chunksOf(docId)) {
      const row = rows.get(chunk.id);
      if (row) byText.set(chunk.text, row);
    }
    return new PassageReuse(byText, dims);
  }

  get size(): number {
    return this.byText.size;
  }

  /** Vectors for `texts`, in order: stored ones where the text is known, the rest from one `embed` call (if any). */
  async vectorsFor(texts: readonly string[], embed: (texts: string[]) => Promise<Float32Array>): Promise<VectorRun> {
    const { dims } = this;
    const vectors = new Float32Array(texts.length * dims);
    const missing: number[] = [];
    texts.forEach((text, i) => {
      const stored = this.byText.get(text);
      if (stored) vectors.set(stored, i * dims);
      else missing.push(i);
    });
    if (missing.length > 0) {
      const made = await embed(missing.map((i) => texts[i]!));
      missing.forEach((row, j) => vectors.set(made.subarray(j * dims, (j + 1) * dims), row * dims));
    }
    return { vectors, reused: texts.length - missing.length };
  }
}
