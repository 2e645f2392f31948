// Messages between the reload benchmark's driver (bench/ann-reload.ts), its page and its worker.

export interface StoreRequest {
  cmd: 'store';
  /** 'browser': build the index in the worker; 'node': fetch pages the driver built (served under /pages/). */
  source: 'browser' | 'node';
  size: number;
  seed: number;
  quantization: 'none' | 'int8' | 'binary';
}

export interface StoreResult {
  /** What was persisted: HNSW pages, FlatIndex pages (HNSW pages not available yet), or raw vector pages. */
  kind: 'hnsw' | 'flat' | 'raw';
  /** Why a lesser kind was used, when it was. */
  note?: string;
  /** Generating the vectors in the worker (browser source only). */
  generateMs?: number;
  /** Building the index in the worker (browser source only). */
  buildMs?: number;
  pages: number;
  bytes: number;
  /** Writing every page into IndexedDB (one transaction). */
  writeMs: number;
}

export interface LoadResult {
  kind: StoreResult['kind'];
  /** Navigation start → the worker's module evaluated (fetch, compile, WASM set-up). */
  workerStartMs: number;
  /** Opening the database and reading every page. */
  idbReadMs: number;
  /** Index.fromPages; NaN when the kind has none yet. */
  fromPagesMs: number;
  /** First search (k = 10); NaN without an index. */
  firstSearchMs: number;
  /** Navigation start → first search answered. */
  sinceNavigationMs: number;
  pages: number;
  bytes: number;
  /** The first search's ids equal those of the index before it was persisted. */
  sameResults: boolean | null;
}

/** The manifest of pages the driver built in Node; page bytes follow each other in /pages/blob. */
export interface PagesManifest {
  kind: StoreResult['kind'];
  note?: string;
  pages: { name: string; offset: number; length: number }[];
  query: number[];
  expected: number[];
}

export type WorkerReply = { ok: true; result: StoreResult | LoadResult } | { ok: false; error: string };
