// Messages between the soak benchmark's driver (bench/soak-browser.ts), its page and its worker.
import type { ReopenTimes } from '../data/soak-steps.ts';

export interface BuildRequest {
  cmd: 'build';
  seed: number;
  documents: number;
  perDoc: number;
  batch: number;
  /** Queries whose top-10 ids are taken after the build, to compare with the reopened engine. */
  queries: string[];
}

export interface BuildResult {
  buildMs: number;
  persistWaitMs: number;
  chunks: number;
  indexKind?: string;
  ids: Record<string, number[][]>;
}

export interface ReopenRequest {
  cmd: 'reopen';
  queries: string[];
}

export interface ReopenResult {
  times: ReopenTimes;
  /** The same, for a second engine opened afterwards in the same worker (IndexedDB, modules and model warm). */
  warm: ReopenTimes;
  /** Absolute times: the worker was created; its script began to evaluate (fetched and parsed by then). */
  workerCreatedAt: number;
  evaluationStartedAt: number;
  /** Absolute times (timeOrigin + now) at engine start and at the first keyword / hybrid result; the page makes them relative. */
  engineStartAt: number;
  keywordAt: number;
  hybridAt: number;
  ids: Record<string, number[][]>;
  modes: Record<string, string[]>;
  crossOriginIsolated: boolean;
}

export type SoakReply = { ok: true; result: BuildResult | ReopenResult } | { ok: false; error: string };
