// How vector indexes persist: as named binary pages, so that adding documents rewrites only the pages it
// touched (the tail of the vectors, the graph rows of the new nodes and their neighbours), never the whole index.
import type { VectorIndex } from '../core/types.ts';
import type { Quantization } from './vector-storage.ts';

/**
 * One binary page. Names are short paths chosen by the index, e.g. "meta", "ids/3", "vec/3", "graph/3".
 * Rows are grouped into pages of a fixed number of rows (ROWS_PER_PAGE), so appending touches only the last one.
 */
export interface IndexPage {
  name: string;
  bytes: Uint8Array;
}

export const ROWS_PER_PAGE = 4096;

export type IndexKind = 'flat' | 'hnsw';

export interface PersistentVectorIndex extends VectorIndex {
  readonly kind: IndexKind;
  readonly quantization: Quantization;
  /** Memory per stored vector in bytes, all copies included (e.g. int8 codes plus the float32 rows for rescoring). */
  readonly bytesPerVector: number;
  /**
   * Pages changed since the last call (always including "meta" when anything changed), then marks them clean.
   * Writing these pages over the stored ones, and deleting the names in `removedPages`, gives the current index.
   */
  takeDirtyPages(): { pages: IndexPage[]; removedPages: string[] };
  /** Every page: a full snapshot. */
  allPages(): IndexPage[];
}
