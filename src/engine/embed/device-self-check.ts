// The WebGPU numeric self-check: before a model is trusted on WebGPU on this device, the same fixed sentences are
// embedded on WebGPU and on WASM and compared one by one. Quantized WebGPU kernels have returned wrong vectors in
// transformers.js before (well-formed, but pointing elsewhere), which a shape check cannot see. The verdict is
// remembered per model, revision, dtype and adapter, so the check runs once, not at every start.

/** Varied on purpose: short, long, punctuation and digits, non-English scripts, code-like text. */
export const SELF_CHECK_SENTENCES: readonly string[] = Object.freeze([
  'The cat sat on the warm mat.',
  'How do search engines rank documents?',
  'Bread',
  'In the spring of 1998, after three years of drought, the farmers of the valley met in the old school house to ' +
    'decide whether the river should be dammed, a question that divided families, split the church council and ' +
    'was still argued about in the market long after the water had come back and the fields were green again.',
  'Wait -- is it 3.14, or 22/7?! (Nobody knows; e-mail: info@example.org.)',
  'Le chat dort sur le canapé pendant que la pluie tombe.',
  'Der schnelle braune Fuchs springt über den faulen Hund.',
  '東京は日本の首都です。',
  'function add(a, b) { return a + b; }',
  'Interest rates rose and investors bought government bonds.',
]);

/** Cosine each sentence's WebGPU vector must reach against its WASM vector. */
export const AGREEMENT_THRESHOLD = 0.99;

/** Embeds texts: rows of `dims` floats in input order (an Embedder's embedPassages). */
export type EmbedTexts = (texts: string[]) => Promise<Float32Array>;

export interface DeviceCheckResult {
  passed: boolean;
  /** Lowest per-sentence cosine (0 when a vector was missing, zero on one side only, or not finite). */
  minCosine: number;
  sentences: number;
  /** The sentence that agreed least, when the check failed on a sentence. */
  worst?: { index: number; text: string; cosine: number };
  /** Why it failed, in words (for the status line); absent when it passed. */
  reason?: string;
}

/** A remembered verdict; checkedAt is ms since the epoch. */
export interface DeviceCheckVerdict extends DeviceCheckResult {
  checkedAt: number;
}

/** Where verdicts are remembered (the engine keeps them in a store setting). */
export interface DeviceCheckMemory {
  get(key: string): Promise<DeviceCheckVerdict | undefined>;
  put(key: string, verdict: DeviceCheckVerdict): Promise<void>;
}

/** The memory key: one verdict per model repo, revision, dtype and GPU adapter. */
export function deviceCheckKey(parts: { repo: string; revision: string; dtype: string; adapter: string }): string {
  return `${parts.repo}@${parts.revision}|${parts.dtype}|${parts.adapter}`;
}

/**
 * Embeds `sentences` with the candidate (WebGPU) and the reference (WASM) and compares them sentence by sentence.
 * Never throws for bad vectors (wrong size, NaN, zero rows): those fail the check with a reason. An embedder that
 * throws fails it too (the reason names which side).
 */
export async function compareDevices(
  candidate: EmbedTexts,
  reference: EmbedTexts,
  dims: number,
  sentences: readonly string[] = SELF_CHECK_SENTENCES,
  names: { candidate: string; reference: string } = { candidate: 'WebGPU', reference: 'WASM' },
): Promise<DeviceCheckResult> {
  const n = sentences.length;
  const fail = (reason: string, minCosine = 0, worst?: DeviceCheckResult['worst']): DeviceCheckResult => ({
    passed: false,
    minCosine,
    sentences: n,
    reason,
    ...(worst ? { worst } : {}),
  });
  let a: Float32Array;
  let b: Float32Array;
  try {
    a = await candidate([...sentences]);
  } catch (error) {
    return fail(`${names.candidate} failed to embed the check sentences (${message(error)})`);
  }
  try {
    b = await reference([...sentences]);
  } catch (error) {
    return fail(`${names.reference} failed to embed the check sentences (${message(error)})`);
  }
  if (a.length !== n * dims)
    return fail(`${names.candidate} returned ${a.length} values for ${n} sentences, expected ${n} × ${dims}`);
  if (b.length !== n * dims)
    return fail(`${names.reference} returned ${b.length} values for ${n} sentences, expected ${n} × ${dims}`);
  let minCosine = 1;
  let worst: DeviceCheckResult['worst'];
  for (let i = 0; i < n; i++) {
    const cosine = rowCosine(a.subarray(i * dims, (i + 1) * dims), b.subarray(i * dims, (i + 1) * dims));
    if (worst === undefined || cosine < worst.cosine) worst = { index: i, text: sentences[i], cosine };
    minCosine = Math.min(minCosine, cosine);
  }
  if (worst && worst.cosine < AGREEMENT_THRESHOLD) {
    return fail(
      `${names.candidate} gave vectors that disagree with ${names.reference} (cosine ${worst.cosine.toFixed(2)} on ` +
        `'${excerpt(worst.text)}')`,
      minCosine,
      worst,
    );
  }
  return { passed: true, minCosine, sentences: n };
}

/**
 * Cosine of two rows, robust to what a broken kernel returns: any non-finite value gives 0, one zero row gives 0,
 * two zero rows agree (1: a text without known tokens embeds to zero on both devices).
 */
export function rowCosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (!Number.isFinite(dot) || !Number.isFinite(na) || !Number.isFinite(nb)) return 0;
  const zeroA = na < 1e-12;
  const zeroB = nb < 1e-12;
  if (zeroA && zeroB) return 1;
  if (zeroA || zeroB) return 0;
  return dot / Math.sqrt(na * nb);
}

/** The status line's note when WebGPU is not used because it failed the check. */
export function fallbackNote(result: Pick<DeviceCheckResult, 'reason'>): string {
  return `${result.reason ?? 'WebGPU failed its numeric self-check'}: using WASM`;
}

function excerpt(text: string): string {
  return text.length <= 12 ? text : `${text.slice(0, 11)}…`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the device choice needs of an embedder. */
export interface CheckableEmbedder {
  readonly dtype: string;
  embedPassages(texts: string[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface WebGpuChoice<E> {
  embedder: E;
  device: 'webgpu' | 'wasm';
  /** The numeric check's verdict (fresh or remembered); absent when WebGPU failed to load at all. */
  verdict?: DeviceCheckVerdict;
  /** Why WASM is used although WebGPU was available, or why WebGPU is unverified. */
  note?: string;
  /** With keepReference: the WASM embedder the check compared against (WebGPU's dtype), for the caller to reuse. */
  reference?: E;
}

/**
 * Loads on WebGPU and trusts it only when its vectors agree with WASM's (verdict remembered under `key`).
 * `wasm(dtype)` loads on WASM with that dtype (undefined: the model's WASM default) and a note for the status.
 * A remembered failure skips WebGPU at once; a WebGPU load that throws falls back without a verdict. Errors of the
 * WASM load propagate (WASM is the last resort). Aborts (`isAbort`) propagate unchanged.
 */
export async function webGpuOrWasm<E extends CheckableEmbedder>(options: {
  key: string;
  memory?: DeviceCheckMemory;
  dims: number;
  webgpu: () => Promise<E>;
  wasm: (dtype: string | undefined, note: string) => Promise<E>;
  isAbort: (error: unknown) => boolean;
  now?: () => number;
  /** Hand back the WASM reference after a passed check instead of disposing it (the speed probe may time it). */
  keepReference?: boolean;
}): Promise<WebGpuChoice<E>> {
  const { memory, key } = options;
  const remembered = await memory?.get(key).catch(() => undefined);
  if (remembered && !remembered.passed) {
    const note = fallbackNote(remembered);
    return { embedder: await options.wasm(undefined, note), device: 'wasm', verdict: remembered, note };
  }
  let gpu: E;
  try {
    gpu = await options.webgpu();
  } catch (error) {
    if (options.isAbort(error)) throw error;
    // WebGPU is not a given (no fp16, driver bugs): WASM always works.
    const note = `WebGPU failed (${message(error)}); using WASM`;
    return { embedder: await options.wasm(undefined, note), device: 'wasm', note };
  }
  if (remembered?.passed) return { embedder: gpu, device: 'webgpu', verdict: remembered };
  let reference: E;
  try {
    reference = await options.wasm(gpu.dtype, '');
  } catch (error) {
    if (options.isAbort(error)) {
      await gpu.dispose().catch(() => undefined);
      throw error;
    }
    // Nothing to compare with (and nothing remembered): WebGPU is kept, unverified, and the status says so.
    return { embedder: gpu, device: 'webgpu', note: `WebGPU could not be checked against WASM (${message(error)})` };
  }
  let result: DeviceCheckResult;
  try {
    result = await compareDevices(
      (texts) => gpu.embedPassages(texts),
      (texts) => reference.embedPassages(texts),
      options.dims,
    );
  } catch (error) {
    await Promise.all([gpu.dispose(), reference.dispose()].map((p) => p.catch(() => undefined)));
    throw error;
  }
  const verdict: DeviceCheckVerdict = { ...result, checkedAt: (options.now ?? Date.now)() };
  // Not awaited: the engine writes it through its work queue, which a long ingest may hold.
  void memory?.put(key, verdict).catch(() => undefined);
  if (verdict.passed) {
    if (options.keepReference) return { embedder: gpu, device: 'webgpu', verdict, reference };
    await reference.dispose().catch(() => undefined);
    return { embedder: gpu, device: 'webgpu', verdict };
  }
  // The reference ran the WebGPU dtype without a note: load WASM afresh, with its own dtype and the reason.
  await Promise.all([gpu.dispose(), reference.dispose()].map((p) => p.catch(() => undefined)));
  const note = fallbackNote(verdict);
  return { embedder: await options.wasm(undefined, note), device: 'wasm', verdict, note };
}
