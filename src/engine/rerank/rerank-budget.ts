// "On by default only when it is fast enough on the device": time the loaded reranker on a few passage-sized pairs
// and derive how many candidates fit in a latency budget.
import type { Reranker } from './reranker.ts';
import type { RerankCalibration } from '../api/rerank.ts';

export interface CalibrationOptions {
  budgetMs?: number;
  /** Fewest candidates worth reranking (default 10). */
  minDepth?: number;
  /** Most candidates to rerank by default (default 30). */
  maxDepth?: number;
  /** Pairs timed (default 4; one more is run first to warm the session). */
  samples?: number;
  now?: () => number;
}

// Ordinary English prose, ~60 words: repeated to fill a passage of the size search results have (~256 tokens).
const PROSE =
  'The committee reviewed the annual report and found that spending on research had grown faster than expected, ' +
  'while the number of new projects stayed the same. Members asked for a clearer account of how the money was used, ' +
  'which results were published, and what the laboratory plans to change before the next funding round begins. ';

export function calibrationPairs(count: number): { query: string; passages: string[] } {
  const passage = PROSE.repeat(4);
  return {
    query: 'how was the research money spent',
    passages: Array.from({ length: count }, (_, i) => `${i} ${passage}`),
  };
}

export async function calibrateReranker(
  reranker: Reranker,
  options: CalibrationOptions = {},
): Promise<RerankCalibration> {
  const { budgetMs = 1000, minDepth = 10, maxDepth = 30, samples = 4, now = () => performance.now() } = options;
  const { query, passages } = calibrationPairs(samples + 1);
  await reranker.score(query, passages.slice(0, 1)); // warm-up: first runs allocate and compile kernels
  const started = now();
  await reranker.score(query, passages.slice(1));
  const msPerPair = Math.max(1e-3, (now() - started) / samples);
  const depth = Math.min(maxDepth, Math.floor(budgetMs / msPerPair));
  return { msPerPair, depth, enabled: depth >= minDepth };
}
