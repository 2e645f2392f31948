// The embedding map of a library: the serving model's stored vectors of live passages (optionally of some
// collections, evenly thinned to a cap), projected to 2-D in the worker (map/project.ts), with what the page needs
// to draw, label and open each point.
import { collectionOf } from '../core/collections.ts';
import { TroveError, throwIfAborted } from '../core/errors.ts';
import type { Serving } from '../library/active-model.ts';
import type { LibraryCatalogue } from '../library/catalogue.ts';
import { project, type ProjectionProgress } from '../map/project.ts';
import type { Store } from '../store/store.ts';
import type { VectorSet } from '../library/vector-set.ts';
import type { LibraryMap, MapOptions } from '../api/index.ts';

const DEFAULT_MAX_POINTS = 20_000;
const TOOLTIP_CHARS = 240;
const CHUNK_READ = 2_000;

export interface LibraryMappingParts {
  /** The content store (throws while locked). */
  store: () => Store;
  catalogue: LibraryCatalogue;
  serving: () => Serving | null;
}

/** The map of the open library: one projection at a time (a newer call, or cancel, cancels an unfinished one). */
export class LibraryMapping {
  private running: AbortController | null = null;

  constructor(private readonly parts: LibraryMappingParts) {}

  /** Projects the library's passages to 2-D. */
  async project(
    options: MapOptions = {},
    onProgress?: (progress: { stage: string; fraction: number }) => void,
  ): Promise<LibraryMap> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    // Locked says so first: a locked library has no serving model either, and "not loaded yet" would mislead.
    const store = this.parts.store();
    const serving = this.parts.serving();
    if (!serving)
      throw new TroveError(
        'MODEL_UNAVAILABLE',
        'The map needs the semantic model and its vectors: they are not loaded yet.',
      );
    try {
      return await buildLibraryMap(store, this.parts.catalogue, serving.set, options, controller.signal, (p) => {
        try {
          onProgress?.(p);
        } catch {
          /* the page went away */
        }
      });
    } finally {
      if (this.running === controller) this.running = null;
    }
  }

  cancel(): void {
    this.running?.abort();
  }
}

export async function buildLibraryMap(
  store: Store,
  catalogue: LibraryCatalogue,
  set: VectorSet,
  options: MapOptions,
  signal: AbortSignal,
  onProgress: (progress: ProjectionProgress | { stage: 'read'; fraction: number }) => void,
): Promise<LibraryMap> {
  const wanted = options.collections?.length ? new Set(options.collections) : undefined;
  const keep = (chunkId: number): boolean => {
    const docId = catalogue.documentOf(chunkId);
    if (docId === undefined) return false;
    return !wanted || wanted.has(collectionOf(catalogue.docs.get(docId)));
  };
  onProgress({ stage: 'read', fraction: 0 });
  const rows: Array<{ id: number; vector: Float32Array }> = [];
  for (const batch of await store.vectorBatches(set.fingerprint)) {
    if (batch.dims !== set.dims) continue;
    batch.chunkIds.forEach((id, row) => {
      if (keep(id)) rows.push({ id, vector: batch.vectors.subarray(row * set.dims, (row + 1) * set.dims) });
    });
  }
  throwIfAborted(signal);
  const total = rows.length;
  const cap = Math.max(1, options.maxPoints ?? DEFAULT_MAX_POINTS);
  const picked = total <= cap ? rows : Array.from({ length: cap }, (_, i) => rows[Math.floor((i * total) / cap)]);
  const vectors = new Float32Array(picked.length * set.dims);
  picked.forEach((row, i) => vectors.set(row.vector, i * set.dims));
  const chunkIds = Uint32Array.from(picked, (row) => row.id);
  const documentIds = Uint32Array.from(picked, (row) => catalogue.documentOf(row.id) ?? 0);
  const starts = new Uint32Array(picked.length);
  const ends = new Uint32Array(picked.length);
  const texts: string[] = new Array<string>(picked.length).fill('');
  const index = new Map<number, number>(picked.map((row, i) => [row.id, i]));
  for (let from = 0; from < chunkIds.length; from += CHUNK_READ) {
    throwIfAborted(signal);
    for (const chunk of await store.getChunks(Array.from(chunkIds.subarray(from, from + CHUNK_READ)))) {
      const i = index.get(chunk.id);
      if (i === undefined) continue;
      starts[i] = chunk.start;
      ends[i] = chunk.end;
      texts[i] = chunk.text.slice(0, TOOLTIP_CHARS);
    }
    onProgress({ stage: 'read', fraction: Math.min(1, (from + CHUNK_READ) / Math.max(1, chunkIds.length)) });
  }
  const pictures = new Set<number>();
  for (const docId of documentIds) if (catalogue.docs.get(docId)?.format === 'image') pictures.add(docId);
  const pictureDocumentIds = Uint32Array.from(pictures).sort();
  const projection = await project(vectors, set.dims, { seed: 1, signal, onProgress });
  return {
    points: projection.points,
    chunkIds,
    documentIds,
    starts,
    ends,
    texts,
    pictureDocumentIds,
    method: projection.method,
    total,
  };
}
