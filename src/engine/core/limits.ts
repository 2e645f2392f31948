// The ranges every numeric setting accepts: one table for the engine's validation and the settings form, so the
// form never offers a value the engine rejects (or the reverse).

export interface Range {
  min: number;
  max: number;
  /** Whole numbers only. */
  integer: boolean;
}

export const SETTING_LIMITS = {
  chunkTokens: { min: 16, max: 8192, integer: true },
  /** Also at most half of chunkTokens (checked with the pair). */
  chunkOverlapTokens: { min: 0, max: 4096, integer: true },
  maxFileMB: { min: 1, max: 2048, integer: true },
  bm25K1: { min: 0, max: 10, integer: false },
  bm25B: { min: 0, max: 1, integer: false },
  rrfK: { min: 0, max: 1000, integer: true },
  /** Fused results the cross-encoder reorders. */
  rerankDepth: { min: 1, max: 100, integer: true },
  hnswThreshold: { min: 0, max: 1e9, integer: true },
  hnswM: { min: 2, max: 128, integer: true },
  hnswEfConstruction: { min: 8, max: 4096, integer: true },
  hnswEf: { min: 1, max: 4096, integer: true },
  /** Estimated prompt tokens of answers from an Ollama server (its model's context must hold them and the answer). */
  ollamaChatPromptTokens: { min: 512, max: 131072, integer: true },
} as const satisfies Record<string, Range>;

export type LimitedSetting = keyof typeof SETTING_LIMITS;

/** Results one search may return. */
export const SEARCH_K = { min: 1, max: 1000, integer: true } as const satisfies Range;

/** Resume attempts before an interrupted document is marked failed (so one bad document cannot hang every start). */
export const MAX_RESUME_ATTEMPTS = 2;

/** Describes a range for messages, e.g. "a whole number from 16 to 8192". */
export function describeRange(range: Range): string {
  return `${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}`;
}

export function inRange(value: unknown, range: Range): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value))
  );
}
