// The retrieval configurations an evaluation compares side by side (the Evaluate view and `npm run eval:grid`).
import type { RetrievalConfiguration } from '../api/evaluation.ts';

export function standardConfigurations(
  options: { alphas?: readonly number[]; rerank?: boolean } = {},
): RetrievalConfiguration[] {
  const { alphas = [0.3, 0.5, 0.7], rerank = true } = options;
  const base: Omit<RetrievalConfiguration, 'rerank'>[] = [
    { name: 'keyword', mode: 'keyword' },
    { name: 'semantic', mode: 'semantic' },
    { name: 'hybrid rrf', mode: 'hybrid', fusion: { method: 'rrf', k: 60 } },
    ...alphas.map((alpha) => ({
      name: `hybrid w${alpha}`,
      mode: 'hybrid' as const,
      fusion: { method: 'weighted' as const, alpha, normalization: 'minmax' as const },
    })),
  ];
  return base.flatMap((c) =>
    rerank
      ? [
          { ...c, rerank: false },
          { ...c, name: `${c.name} +rerank`, rerank: true },
        ]
      : [{ ...c, rerank: false }],
  );
}
