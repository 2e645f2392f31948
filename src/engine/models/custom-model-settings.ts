// Custom embedding models the user added (settings.customModels): validated when settings load, so a stored spec
// that was tampered with or written by an older version is refused with the reason instead of loading something odd.
import { TroveError } from '../core/errors.ts';
import { repoIdProblem } from './custom-model.ts';
import type { ModelDtype, ModelSpec } from '../api/model-spec.ts';

const DTYPES: readonly ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4'];
/** A spec carries display text and numbers only; these bounds keep settings small. */
const MAX_CUSTOM_MODELS = 20;

export function validateCustomModels(specs: unknown): void {
  if (!Array.isArray(specs)) throw new TroveError('INVALID_ARGUMENT', 'customModels must be a list of model entries.');
  if (specs.length > MAX_CUSTOM_MODELS)
    throw new TroveError('INVALID_ARGUMENT', `At most ${MAX_CUSTOM_MODELS} custom models can be added.`);
  const ids = new Set<string>();
  for (const spec of specs as ModelSpec[]) {
    const name = typeof spec?.id === 'string' ? spec.id : 'a custom model';
    const bad = (why: string) => new TroveError('INVALID_ARGUMENT', `Custom model "${name}" is not usable: ${why}.`);
    if (typeof spec !== 'object' || spec === null) throw bad('it is not a model entry');
    const problem = typeof spec.repo === 'string' ? repoIdProblem(spec.repo) : 'no repo';
    if (problem) throw bad(problem);
    if (spec.id !== `hub:${spec.repo}`) throw bad('its id must be "hub:" followed by its repo');
    if (ids.has(spec.id)) throw bad('it is listed twice');
    ids.add(spec.id);
    if (typeof spec.revision !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(spec.revision))
      throw bad('its revision is not a commit or branch name');
    if (!Number.isInteger(spec.dims) || spec.dims < 16 || spec.dims > 8192)
      throw bad('its vector size must be 16..8192');
    if (spec.architecture !== 'transformer' && spec.architecture !== 'static-bag') throw bad('unknown architecture');
    if (spec.pooling !== 'cls' && spec.pooling !== 'mean') throw bad('pooling must be cls or mean');
    if (!Number.isInteger(spec.maxTokens) || spec.maxTokens < 16 || spec.maxTokens > 8192)
      throw bad('its token limit must be 16..8192');
    for (const device of ['webgpu', 'wasm', 'cpu'] as const) {
      if (!DTYPES.includes(spec.dtype?.[device])) throw bad(`its ${device} dtype must be one of ${DTYPES.join(', ')}`);
    }
    if (typeof spec.queryPrefix !== 'string' || typeof spec.passagePrefix !== 'string')
      throw bad('its prefixes must be text');
    if (spec.localOnly !== false || spec.testFixture !== false || spec.normalize !== true)
      throw bad('it claims to be a fixture or local-only');
  }
}
