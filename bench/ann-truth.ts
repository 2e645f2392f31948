// Exact top-k by brute force (the ground truth of the ANN benchmark), cached in bench/.cache/ (git-ignored) because
// 1,000 queries over 100,000 × 384 take about a minute in plain JS. Not timed: only correctness matters here.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CACHE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '.cache');

/** Row numbers of the k best rows per query (best first), as queries × k. Four queries share each pass over a row. */
export function exactTopK(base: Float32Array, queries: Float32Array, dims: number, k: number): Uint32Array {
  const rows = base.length / dims;
  const nq = queries.length / dims;
  const out = new Uint32Array(nq * k);
  const ids = new Int32Array(4 * k);
  const scores = new Float64Array(4 * k);
  for (let q0 = 0; q0 < nq; q0 += 4) {
    const block = Math.min(4, nq - q0);
    ids.fill(-1);
    scores.fill(-Infinity);
    // Unused lanes of the last block score against query 0 and are discarded.
    const a = (q0 + 0) * dims;
    const b = (block > 1 ? q0 + 1 : q0) * dims;
    const c = (block > 2 ? q0 + 2 : q0) * dims;
    const e = (block > 3 ? q0 + 3 : q0) * dims;
    for (let r = 0; r < rows; r++) {
      const o = r * dims;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let d = 0; d < dims; d++) {
        const v = base[o + d];
        s0 += v * queries[a + d];
        s1 += v * queries[b + d];
        s2 += v * queries[c + d];
        s3 += v * queries[e + d];
      }
      if (s0 > scores[k - 1]) insert(ids, scores, 0, k, r, s0);
      if (s1 > scores[2 * k - 1]) insert(ids, scores, k, k, r, s1);
      if (s2 > scores[3 * k - 1]) insert(ids, scores, 2 * k, k, r, s2);
      if (s3 > scores[4 * k - 1]) insert(ids, scores, 3 * k, k, r, s3);
    }
    for (let j = 0; j < block; j++) for (let i = 0; i < k; i++) out[(q0 + j) * k + i] = ids[j * k + i];
  }
  return out;
}

/** Insertion into a sorted (descending) list of k; ties keep the earlier row. */
function insert(ids: Int32Array, scores: Float64Array, start: number, k: number, row: number, score: number): void {
  let i = start + k - 1;
  while (i > start && scores[i - 1] < score) {
    scores[i] = scores[i - 1];
    ids[i] = ids[i - 1];
    i--;
  }
  scores[i] = score;
  ids[i] = row;
}

/** exactTopK, read from the cache when this key was computed before. */
export async function cachedTopK(
  key: string,
  compute: () => Uint32Array,
): Promise<{ truth: Uint32Array; cached: boolean }> {
  const file = join(CACHE_DIR, `truth-${key}.bin`);
  try {
    const bytes = await readFile(file);
    return { truth: new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice(), cached: true };
  } catch {
    const truth = compute();
    await mkdir(CACHE_DIR, { recursive: true });
    await writeFile(file, new Uint8Array(truth.buffer, truth.byteOffset, truth.byteLength));
    return { truth, cached: false };
  }
}

/** Mean fraction of each query's true top-k found in its answer (answers: queries × k rows, −1 for none). */
export function recallAtK(answers: Int32Array, truth: Uint32Array, k: number, queries: number): number {
  let found = 0;
  for (let q = 0; q < queries; q++) {
    for (let i = 0; i < k; i++) {
      const want = truth[q * k + i];
      for (let j = 0; j < k; j++) {
        if (answers[q * k + j] === want) {
          found++;
          break;
        }
      }
    }
  }
  return found / (queries * k);
}
