// The WebGPU numeric self-check for answer models: the same fixed prompts are answered greedily on WebGPU and on WASM
// (same weights) and their first tokens compared. A quantized WebGPU kernel that drifts shows as a different token
// long before it shows as nonsense; a greedy tie can legitimately flip late, so only the first tokens must agree.

/** Fixed chat prompts: short, factual, one needing a citation, one non-English. */
export const GREEDY_CHECK_PROMPTS: readonly string[] = Object.freeze([
  'What is the capital of France? Answer in one word.',
  'Passage [1]: The kiln fires at dawn.\nQuestion: When does the kiln fire? Cite the passage.',
  'Count from one to five.',
  'Traduis en anglais : le chat dort.',
]);

/** Tokens each prompt must agree on from the first. */
export const GREEDY_CHECK_TOKENS = 6;

export interface GreedyCheckResult {
  passed: boolean;
  /** Prompts whose first GREEDY_CHECK_TOKENS tokens agreed. */
  agreed: number;
  prompts: number;
  reason?: string;
}

/** Compares greedy token ids per prompt; a missing or short row on either side fails. */
export function compareGreedyTokens(
  candidate: readonly (readonly number[])[],
  reference: readonly (readonly number[])[],
  tokens = GREEDY_CHECK_TOKENS,
): GreedyCheckResult {
  const prompts = reference.length;
  let agreed = 0;
  let firstBad = -1;
  for (let i = 0; i < prompts; i++) {
    const a = candidate[i] ?? [];
    const b = reference[i];
    const n = Math.min(tokens, b.length);
    const same = a.length >= n && b.slice(0, n).every((t, j) => a[j] === t);
    if (same) agreed++;
    else if (firstBad < 0) firstBad = i;
  }
  if (candidate.length !== prompts) {
    return {
      passed: false,
      agreed,
      prompts,
      reason: `WebGPU answered ${candidate.length} of ${prompts} check prompts`,
    };
  }
  return agreed === prompts
    ? { passed: true, agreed, prompts }
    : {
        passed: false,
        agreed,
        prompts,
        reason: `WebGPU's greedy tokens differ from WASM's on check prompt ${firstBad + 1} (${agreed}/${prompts} agree)`,
      };
}
