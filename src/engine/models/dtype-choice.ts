// Which dtype a model runs with: the user's choice (validated against what the model offers), the device's default,
// or — so a device change never silently re-embeds a library — the dtype of the vectors already stored.
//
// Decision ("a device change never silently re-embeds"): dtypes of one model are NOT treated as one
// vector space. Their fingerprints differ (modelFingerprint includes the dtype), and a change of dtype is asked for:
// the model keeps running with the stored vectors' dtype until the user accepts the re-embed, shown with its cost.
// Measured (bench/dtype-agreement.ts, 200 SciFact chunks, onnxruntime-node): on the random-weight MiniLM-L6 bench
// model q8 vs fp32 of the same passage has cosine 0.99997 mean, 0.99996 min — but two DIFFERENT passages already
// have cosine 0.985 there (random weights give near-identical vectors), so that model cannot show how far trained
// weights with outlier activations drift under int8. The GloVe fixture has fp32 weights only (nothing to compare).
// A threshold (e.g. cosine >= 0.99 per passage, the self-check's) would need trained models measured per model, so
// vectors of different dtypes are never mixed: the user is asked instead.
import { TroveError } from '../core/errors.ts';
import { MODEL_REGISTRY, modelFingerprint } from './model-registry.ts';
import type { ModelDtype, ModelSpec } from '../api/model-spec.ts';

export const DTYPE_CHOICES = ['auto', 'fp32', 'fp16', 'q8', 'q4'] as const;
export type DtypeChoice = (typeof DTYPE_CHOICES)[number];

/** The dtypes a registry model has weights for (its sizeMB keys), smallest download first. */
export function offeredDtypes(spec: ModelSpec): ModelDtype[] {
  return (Object.keys(spec.sizeMB) as ModelDtype[]).sort((a, b) => (spec.sizeMB[a] ?? 0) - (spec.sizeMB[b] ?? 0));
}

/** Throws INVALID_ARGUMENT unless `choice` is 'auto' or a dtype the model offers; the message lists the choices. */
export function validateDtypeChoice(choice: unknown, spec: ModelSpec): void {
  if (!DTYPE_CHOICES.includes(choice as DtypeChoice)) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `dtype must be one of ${DTYPE_CHOICES.join(', ')}, got "${String(choice)}".`,
    );
  }
  if (choice === 'auto') return;
  const offered = offeredDtypes(spec);
  if (!offered.includes(choice as ModelDtype)) {
    const list = offered.map((d) => `${d} (${spec.sizeMB[d]} MB)`).join(', ');
    throw new TroveError(
      'INVALID_ARGUMENT',
      `${spec.id} has no ${String(choice)} weights; it offers ${list}, or auto.`,
    );
  }
}

/** `choice` if the model has weights for it (or it is 'auto'), else 'auto'; an unknown model keeps the choice. */
export function dtypeForModel(modelId: string, choice: DtypeChoice): DtypeChoice {
  if (choice === 'auto' || !Object.hasOwn(MODEL_REGISTRY, modelId)) return choice;
  return offeredDtypes(MODEL_REGISTRY[modelId]).includes(choice) ? choice : 'auto';
}

/**
 * The dtype of stored vectors when they are this model's (same repo, revision, dims, pooling), else undefined.
 * Only such vectors can be kept by loading the model with their dtype.
 */
export function storedDtypeOf(fingerprint: string | undefined, spec: ModelSpec): ModelDtype | undefined {
  if (!fingerprint) return undefined;
  for (const dtype of ['fp32', 'fp16', 'q8', 'q4'] as const) {
    if (modelFingerprint(spec, dtype) === fingerprint) return dtype;
  }
  return undefined;
}

/**
 * The dtype to load with. `accepted`: a change the user confirmed this session (wins). `stored`: the library's
 * vectors' dtype for this model (kept until a change is confirmed). `choice`: the Settings override.
 * undefined: the device's default.
 */
export function dtypeToLoad(input: {
  choice: DtypeChoice;
  stored?: ModelDtype;
  accepted?: ModelDtype;
}): ModelDtype | undefined {
  if (input.accepted) return input.accepted;
  if (input.stored) return input.stored;
  return input.choice === 'auto' ? undefined : input.choice;
}

/** The dtype the user's settings and this device want (what a confirmed change switches to). */
export function wantedDtype(choice: DtypeChoice, deviceDefault: ModelDtype): ModelDtype {
  return choice === 'auto' ? deviceDefault : choice;
}

/** Seconds to re-embed `passages` at `perSecond`; undefined when the speed is unknown. */
export function reembedSeconds(passages: number, perSecond: number | undefined): number | undefined {
  return perSecond && perSecond > 0 && Number.isFinite(perSecond) ? passages / perSecond : undefined;
}
