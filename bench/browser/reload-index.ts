// Builds, pages and restores the index the reload benchmark persists, in Node and in the worker alike. The index
// classes are passed in (loosely typed) because each side loads them its own way, and either may not exist yet.

export interface Page {
  name: string;
  bytes: Uint8Array;
}

export interface PersistentIndex {
  add(ids: ArrayLike<number>, vectors: Float32Array): void;
  search(query: Float32Array, k: number): { id: number }[];
  allPages(): Page[];
  ef?: number;
}

export interface IndexClass {
  new (a: unknown, b?: unknown): PersistentIndex;
  fromPages?: (pages: Page[]) => PersistentIndex;
}

export interface Classes {
  hnsw?: IndexClass;
  flat?: IndexClass;
}

export type Kind = 'hnsw' | 'flat' | 'raw';

export const DIMS = 384;
/** The engine's defaults (src/engine/settings/settings.ts). */
const HNSW = { M: 16, efConstruction: 200, ef: 64, seed: 1 };
const RAW_ROWS_PER_PAGE = 4096;

function persists(cls: IndexClass | undefined): cls is IndexClass {
  return typeof cls?.fromPages === 'function' && typeof cls.prototype.allPages === 'function';
}

/** The best kind that can persist and reload now, with a note when it is not HNSW. */
export function pickKind(classes: Classes): { kind: Kind; note?: string } {
  if (persists(classes.hnsw)) return { kind: 'hnsw' };
  if (persists(classes.flat)) {
    return { kind: 'flat', note: 'HnswIndex.fromPages not available yet: FlatIndex pages instead' };
  }
  return { kind: 'raw', note: 'no index persists pages yet: raw float32 pages, fromPages not available yet' };
}

export function buildIndex(
  classes: Classes,
  kind: Kind,
  vectors: Float32Array,
  quantization: string,
): { index?: PersistentIndex; pages: Page[] } {
  const n = vectors.length / DIMS;
  if (kind === 'raw') {
    const pages: Page[] = [];
    for (let row = 0; row < n; row += RAW_ROWS_PER_PAGE) {
      const rows = vectors.subarray(row * DIMS, Math.min(n, row + RAW_ROWS_PER_PAGE) * DIMS);
      pages.push({ name: `vec/${row / RAW_ROWS_PER_PAGE}`, bytes: new Uint8Array(rows.slice().buffer) });
    }
    return { pages };
  }
  const index =
    kind === 'hnsw'
      ? new classes.hnsw!({ dims: DIMS, ...HNSW, quantization })
      : new classes.flat!(DIMS, { quantization });
  index.add(
    Uint32Array.from({ length: n }, (_, i) => i),
    vectors,
  );
  return { index, pages: index.allPages() };
}

export function restore(classes: Classes, kind: Kind, pages: Page[]): PersistentIndex | undefined {
  if (kind === 'raw') return undefined;
  const index = (kind === 'hnsw' ? classes.hnsw : classes.flat)!.fromPages!(pages);
  if (kind === 'hnsw' && 'ef' in index) index.ef = HNSW.ef; // as the engine's loadIndex does
  return index;
}

export function topIds(index: PersistentIndex, query: Float32Array): number[] {
  return index.search(query, 10).map((hit) => hit.id);
}
