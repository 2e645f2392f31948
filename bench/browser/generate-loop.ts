// The greedy decode loop both sides of the generate benchmark run: onnxruntime-node in Node, onnxruntime-web (WASM)
// in Chromium. It feeds the prompt once, then one token at a time with the previous step's present.* as past.
import type { GenerateRequest, GenerateTimings } from './generate-protocol.ts';

/** The part of onnxruntime's API (node and web alike) the loop uses. */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
export type MakeTensor = (type: 'int64' | 'float32', data: BigInt64Array | Float32Array, dims: number[]) => OrtTensor;

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Times a greedy decode after a short warm-up run (WASM code is compiled in tiers and ORT prepares kernels on the
 * first run: the warm-up's time is reported apart, as what a first question costs on top).
 */
export async function timeDecode(
  session: OrtSession,
  tensor: MakeTensor,
  request: GenerateRequest,
  loadMs: number,
  crossOriginIsolated: boolean,
): Promise<GenerateTimings> {
  const warmStarted = performance.now();
  await decode(session, tensor, { ...request, promptTokens: 8, newTokens: 3 });
  const warmupMs = performance.now() - warmStarted;
  const { ids, firstMs, decodeMs } = await decode(session, tensor, request);
  const { newTokens } = request;
  return {
    crossOriginIsolated,
    threads: request.threads,
    loadMs,
    warmupMs,
    timeToFirstTokenMs: firstMs,
    decodeTokensPerSecond: newTokens > 1 ? ((newTokens - 1) * 1000) / decodeMs : 0,
    ids,
  };
}

async function decode(
  session: OrtSession,
  tensor: MakeTensor,
  request: GenerateRequest,
): Promise<{ ids: number[]; firstMs: number; decodeMs: number }> {
  const { layers, kvHeads, headDim, promptTokens, newTokens, vocab } = request;
  let past: Record<string, OrtTensor> = {};
  for (let l = 0; l < layers; l++) {
    for (const kind of ['key', 'value']) {
      past[`past_key_values.${l}.${kind}`] = tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
    }
  }
  // A fixed prompt of ids spread over the vocabulary.
  let input = BigInt64Array.from({ length: promptTokens }, (_, i) => BigInt((i * 7919 + 13) % vocab));
  const ids: number[] = [];
  const started = performance.now();
  let firstAt = 0;
  for (let step = 0; step < newTokens; step++) {
    const out = await session.run({ input_ids: tensor('int64', input, [1, input.length]), ...past });
    const next = argmax(out.logits.data as Float32Array);
    ids.push(next);
    if (step === 0) firstAt = performance.now();
    const present: Record<string, OrtTensor> = {};
    for (const [name, value] of Object.entries(out)) {
      if (name.startsWith('present.')) present[name.replace('present.', 'past_key_values.')] = value;
    }
    past = present;
    input = BigInt64Array.of(BigInt(next));
  }
  return { ids, firstMs: firstAt - started, decodeMs: performance.now() - firstAt };
}
