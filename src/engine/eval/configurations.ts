// The retrieval configurations an evaluation compares side by side (the Evaluate view and `npm run eval:grid`).
import type { FusionSettings } from '../retrieve/fuser.ts';

export interface RetrievalConfiguration {
  /** Short label for tables and charts, e.g. "hybrid w0.3 +rerank". */
  name: string;
  mode: 'keyword' | 'semantic' | 'hybrid';
  /** Hybrid only. */
  fusion?: FusionSettings;
  /** Rerank the top `rerankDepth` passages with the cross-encoder. */
  rerank: boolean;
}

export function standardConfigurations(options: { alphas?: readonly number[]; rerank?: boolean } = {}): RetrievalConfiguration[] {
  const { alphas = [0.3, 0.5, 0.7], rerank = true } = options;
  const base: Omit<RetrievalConfiguration, 'rerank'>[] = [
    { name: 'keyword', mode: 'keyword' },
    { name: 'semantic', mode: 'semantic' },
    { name: 'hybrid rrf', mode: 'hybrid', fusion: { method: 'rrf', k: 60 } },
    ...alphas.map((alpha) => ({ name: `hybrid w${alpha}`, mode: 'hybrid' as const, fusion: { method: 'weighted' as const, alpha, normalization: 'minmax' as const } })),
  ];
  return base.flatMap((c) => (rerank ? [{ ...c, rerank: false }, { ...c, name: `${c.name} +rerank`, rerank: true }] : [{ ...c, rerank: false }]));
}
