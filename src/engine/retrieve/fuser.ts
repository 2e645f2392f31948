// The fusion step of a hybrid search as one setting: RRF (default) or an alpha blend of normalised scores.
import { TroveError } from '../core/errors.ts';
import type { Hit } from '../core/types.ts';
import { SCORE_NORMALIZATIONS, reciprocalRankFusion, weightedFusion, type FusedHit } from './fusion.ts';
import type { FusionSettings } from '../api/search.ts';

export const DEFAULT_FUSION: FusionSettings = { method: 'rrf', k: 60 };

/** Throws INVALID_ARGUMENT naming the valid values when the settings are out of range. */
export function validateFusion(settings: FusionSettings): FusionSettings {
  if (settings.method === 'rrf') {
    const k = settings.k ?? 60;
    if (!(k >= 0) || !Number.isFinite(k))
      throw new TroveError('INVALID_ARGUMENT', `RRF k must be a number ≥ 0, got ${k}.`);
    return { method: 'rrf', k };
  }
  if (settings.method === 'weighted') {
    const { alpha } = settings;
    const normalization = settings.normalization ?? 'minmax';
    if (!(alpha >= 0 && alpha <= 1))
      throw new TroveError('INVALID_ARGUMENT', `alpha must be between 0 and 1, got ${alpha}.`);
    if (!SCORE_NORMALIZATIONS.includes(normalization)) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `normalization must be one of ${SCORE_NORMALIZATIONS.join(', ')}, got "${normalization}".`,
      );
    }
    return { method: 'weighted', alpha, normalization };
  }
  throw new TroveError(
    'INVALID_ARGUMENT',
    `fusion method must be rrf or weighted, got "${(settings as { method: unknown }).method}".`,
  );
}

/** Fuses keyword (BM25) and vector hits; sources[0] is the keyword side, sources[1] the vector side. */
export function fuseKeywordAndVector(
  keyword: Hit[],
  vector: Hit[],
  settings: FusionSettings = DEFAULT_FUSION,
): FusedHit[] {
  const valid = validateFusion(settings);
  if (valid.method === 'rrf') return reciprocalRankFusion([keyword, vector], valid.k);
  return weightedFusion([keyword, vector], [1 - valid.alpha, valid.alpha], valid.normalization);
}
