// The confirmation before the embedding model changes: what it costs (every passage embedded again, in the
// background), and — when an evaluation set is loaded — both models measured on it first (nDCG@10, recall@10,
// MRR@10 in a scratch index; the library is not touched), so the change is a measured decision.
import * as Comlink from 'comlink';
import { useEffect, useState } from 'react';
import type {
  EngineSettings,
  EvaluationSetInfo,
  ModelComparison,
  ModelComparisonProgress,
} from '../../../engine/api/index.ts';
import { useEngine } from '../../client/engine-context.ts';
import { progressUntilSettled } from '../../client/settled-progress.ts';
import { plural } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import './model-swap.css';

interface Props {
  changes: Partial<EngineSettings>;
  fromModel: string;
  toModel: string;
  saving: boolean;
  onConfirm: () => void;
  onBack: () => void;
}

const METRICS = [
  ['ndcg@10', 'nDCG@10'],
  ['recall@10', 'Recall@10'],
  ['mrr@10', 'MRR@10'],
] as const;

type Measure =
  | { state: 'checking' }
  | { state: 'no-set' }
  | { state: 'unusable'; set: EvaluationSetInfo }
  | { state: 'running'; set: EvaluationSetInfo; progress?: ModelComparisonProgress }
  | { state: 'done'; set: EvaluationSetInfo; result: ModelComparison }
  | { state: 'cancelled'; set: EvaluationSetInfo }
  | { state: 'failed'; set: EvaluationSetInfo; error: string };

export function ModelSwapConfirm({ changes, fromModel, toModel, saving, onConfirm, onBack }: Props) {
  const { engine } = useEngine();
  const [measure, setMeasure] = useState<Measure>({ state: 'checking' });
  const [passages, setPassages] = useState<number>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!engine) return;
    let live = true;
    void engine.stats().then((stats) => live && setPassages(stats.chunks));
    void (async () => {
      const set = await engine.evaluationSetInfo().catch(() => undefined);
      if (!live) return;
      if (!set) return setMeasure({ state: 'no-set' });
      if (set.unusable) return setMeasure({ state: 'unusable', set });
      setMeasure({ state: 'running', set });
      // Progress may arrive after the result (settled-progress.ts): once settled, it is dropped.
      const progress = progressUntilSettled((update: ModelComparisonProgress) => {
        if (live) setMeasure({ state: 'running', set, progress: update });
      });
      try {
        const result = await engine.compareModels(changes, Comlink.proxy(progress.onProgress));
        progress.settle();
        if (live) setMeasure({ state: 'done', set, result });
      } catch (reason) {
        progress.settle();
        if (!live) return;
        const code = (reason as { code?: string } | undefined)?.code;
        if (code === 'CANCELLED') setMeasure({ state: 'cancelled', set });
        else setMeasure({ state: 'failed', set, error: reason instanceof Error ? reason.message : String(reason) });
      }
    })();
    return () => {
      live = false;
      void engine.cancelModelComparison().catch(() => undefined);
    };
  }, [engine, changes, attempt]);

  return (
    <div className="swap" data-testid="swap-confirm" data-measure={measure.state}>
      <h2 className="dialog__title">Change the embedding model?</h2>
      <p>
        From <strong>{fromModel}</strong> to <strong>{toModel}</strong>.{' '}
        {passages === undefined
          ? 'Every passage is embedded again'
          : passages === 0
            ? 'The library is empty: nothing needs embedding again'
            : `${plural(passages, 'passage')} will be embedded again`}
        {passages !== 0 &&
          ' in the background; searches keep using the current model until the new vectors are complete.'}
      </p>

      <section className="swap__measure" aria-labelledby="swap-measure-title">
        <h3 id="swap-measure-title" className="swap__heading">
          Measured on your evaluation set
        </h3>
        <MeasureBody
          measure={measure}
          fromModel={fromModel}
          toModel={toModel}
          onCancel={() => void engine?.cancelModelComparison()}
          onRetry={() => setAttempt((a) => a + 1)}
        />
      </section>

      <div className="dialog__actions">
        <button type="button" className="button button--quiet" onClick={onBack} data-testid="swap-back">
          Back
        </button>
        <button
          type="button"
          className="button button--primary"
          onClick={onConfirm}
          disabled={saving}
          data-testid="swap-confirm-button"
        >
          {saving ? 'Saving…' : `Switch to ${toModel}`}
        </button>
      </div>
    </div>
  );
}

function MeasureBody({
  measure,
  fromModel,
  toModel,
  onCancel,
  onRetry,
}: {
  measure: Measure;
  fromModel: string;
  toModel: string;
  onCancel: () => void;
  onRetry: () => void;
}) {
  switch (measure.state) {
    case 'checking':
      return <p className="field__hint">Looking for an evaluation set…</p>;
    case 'no-set':
      return (
        <p className="field__hint" data-testid="swap-no-set">
          No evaluation set is loaded, so this change cannot be measured first. To measure it: open Evaluate, choose a
          BEIR-layout set (corpus.jsonl, queries.jsonl and qrels.tsv) and run it; then come back here. Both models are
          then compared on it (nDCG@10, recall@10, MRR@10) without touching your library.
        </p>
      );
    case 'unusable':
      return (
        <p className="field__hint" data-testid="swap-no-set">
          {measure.set.unusable}
        </p>
      );
    case 'running': {
      const p = measure.progress;
      const who = p?.model === 'candidate' ? toModel : fromModel;
      const what = !p
        ? 'Starting'
        : p.stage === 'loading'
          ? `Loading ${who}`
          : p.stage === 'embedding'
            ? `Embedding the set with ${who}`
            : `Ranking the queries with ${who}`;
      const fraction =
        p && p.total > 0 && p.stage !== 'loading'
          ? (p.done + (p.model === 'candidate' ? p.total : 0)) / (2 * p.total)
          : undefined;
      return (
        <div className="swap__progress" data-testid="swap-measure-progress">
          <p role="status">
            {what} ({measure.set.name}: {plural(measure.set.queries, 'query', 'queries')},{' '}
            {plural(measure.set.documents, 'document')}){p && p.stage !== 'loading' ? ` · ${p.done} of ${p.total}` : ''}
          </p>
          <ProgressBar value={fraction} label="Measuring both models" />
          <button type="button" className="button button--small" onClick={onCancel} data-testid="swap-measure-cancel">
            Cancel measuring
          </button>
        </div>
      );
    }
    case 'cancelled':
      return (
        <p className="field__hint" data-testid="swap-measure-cancelled">
          Measuring was cancelled.{' '}
          <button type="button" className="button button--small" onClick={onRetry}>
            Measure again
          </button>
        </p>
      );
    case 'failed':
      return (
        <p className="alert" role="alert" data-testid="swap-measure-error">
          Could not measure the change: {measure.error}{' '}
          <button type="button" className="button button--small" onClick={onRetry}>
            Try again
          </button>
        </p>
      );
    case 'done': {
      const { result } = measure;
      return (
        <>
          <table className="swap__table" data-testid="swap-metrics">
            <caption>
              {result.setName}: {plural(result.queries, 'query', 'queries')} over {plural(result.documents, 'document')}
              , semantic search only
            </caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">{fromModel} (now)</th>
                <th scope="col">{toModel}</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {METRICS.map(([key, label]) => {
                const delta = result.candidate[key] - result.current[key];
                return (
                  <tr key={key} data-testid="swap-metric" data-metric={key}>
                    <th scope="row">{label}</th>
                    <td data-testid="swap-current">{result.current[key].toFixed(4)}</td>
                    <td data-testid="swap-candidate">{result.candidate[key].toFixed(4)}</td>
                    <td
                      className={Math.abs(delta) < 5e-5 ? '' : delta > 0 ? 'swap__up' : 'swap__down'}
                      data-testid="swap-delta"
                    >
                      {Math.abs(delta) < 5e-5 ? 'same' : `${delta > 0 ? '+' : '−'}${Math.abs(delta).toFixed(4)}`}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      );
    }
  }
}
