// Next to the mode selector: the rerank switch, and an "Advanced" popover for fusion (RRF k, or weighted with
// alpha and normalisation) and MMR diversification. Choices apply to the next search at once.
import type { RerankerStatus } from '../../../engine/api/index.ts';
import type { SearchTuning } from './search-tuning.ts';

interface Props {
  tuning: SearchTuning;
  reranker: RerankerStatus | undefined;
  onChange: (tuning: SearchTuning) => void;
}

export function SearchTuningControls({ tuning, reranker, onChange }: Props) {
  const set = (patch: Partial<SearchTuning>) => onChange({ ...tuning, ...patch });
  const unavailable = reranker?.state === 'unavailable';
  const rerankTitle = unavailable
    ? `The reranker is not available: ${reranker?.error ?? ''}`
    : reranker?.calibration
      ? `Reorder the top ${reranker.depth} results with the ${reranker.rerankerId} cross-encoder ` +
        `(~${Math.round(reranker.calibration.msPerPair)} ms per passage on this device)`
      : 'Reorder the top results with a cross-encoder once they are shown';
  return (
    <div className="tuning">
      <label className="tuning__toggle" title={rerankTitle}>
        <input
          type="checkbox"
          checked={tuning.rerank && !unavailable}
          disabled={unavailable}
          data-testid="rerank-toggle"
          onChange={(event) => set({ rerank: event.target.checked })}
        />
        Rerank
      </label>
      <details className="tuning__advanced" data-testid="fusion-advanced">
        <summary>Advanced</summary>
        <div className="tuning__panel">
          <label>
            Fusion{' '}
            <select
              value={tuning.fusion}
              data-testid="fusion-method"
              onChange={(event) => set({ fusion: event.target.value as SearchTuning['fusion'] })}
            >
              <option value="rrf">Reciprocal rank (RRF)</option>
              <option value="weighted">Weighted scores</option>
            </select>
          </label>
          {tuning.fusion === 'rrf' ? (
            <label title="Larger k flattens the advantage of the top ranks">
              k{' '}
              <input
                type="number"
                min={0}
                max={1000}
                step={1}
                value={tuning.rrfK}
                data-testid="fusion-rrf-k"
                onChange={(event) =>
                  event.target.value !== '' && set({ rrfK: Math.max(0, Math.round(Number(event.target.value))) })
                }
              />
            </label>
          ) : (
            <>
              <label title="Weight of the semantic side: 0 ranks as keyword search, 1 as semantic search">
                alpha{' '}
                <input
                  type="number"
                  min={0}
                  max={1}
                  step={0.1}
                  value={tuning.alpha}
                  data-testid="fusion-alpha"
                  onChange={(event) =>
                    event.target.value !== '' && set({ alpha: Math.min(1, Math.max(0, Number(event.target.value))) })
                  }
                />
              </label>
              <label>
                Normalisation{' '}
                <select
                  value={tuning.normalization}
                  data-testid="fusion-normalization"
                  onChange={(event) => set({ normalization: event.target.value as SearchTuning['normalization'] })}
                >
                  <option value="minmax">min-max</option>
                  <option value="zscore">z-score</option>
                </select>
              </label>
            </>
          )}
          <label title="Maximal marginal relevance: lower lambda favours passages unlike those above them">
            <input
              type="checkbox"
              checked={tuning.mmr !== undefined}
              data-testid="mmr-toggle"
              onChange={(event) => set({ mmr: event.target.checked ? 0.7 : undefined })}
            />
            Diversify (MMR)
          </label>
          {tuning.mmr !== undefined && (
            <label>
              lambda{' '}
              <input
                type="number"
                min={0}
                max={1}
                step={0.1}
                value={tuning.mmr}
                data-testid="mmr-lambda"
                onChange={(event) =>
                  event.target.value !== '' && set({ mmr: Math.min(1, Math.max(0, Number(event.target.value))) })
                }
              />
            </label>
          )}
        </div>
      </details>
    </div>
  );
}
