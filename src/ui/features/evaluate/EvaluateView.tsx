// The Evaluate view: pick a test set, run every configuration in the worker (progress, cancel), and read the
// metrics side by side in a table and a bar chart, with a per-query drill-down; runs can be saved (localStorage)
// and compared with an earlier one.
import { useState } from 'react';
import type { ConfigurationResult, EvaluationProgress, EvaluationRun } from '../../../engine/api/index.ts';
import { errorMessage, runEvaluation } from '../../client/engine-client.ts';
import { useEngine, useStartedEngine } from '../../client/engine-context.ts';
import { evaluationSetOf } from './evaluation-files.ts';

const METRICS = ['ndcg@10', 'recall@10', 'recall@100', 'mrr@10', 'map'] as const;
const SAVED_KEY = 'trove:evaluations';

function savedRuns(): EvaluationRun[] {
  try {
    return JSON.parse(localStorage.getItem(SAVED_KEY) ?? '[]') as EvaluationRun[];
  } catch {
    return [];
  }
}

export function EvaluateView() {
  const engine = useStartedEngine();
  const { libraryChanged } = useEngine();
  const [files, setFiles] = useState<File[]>([]);
  const [rerank, setRerank] = useState(true);
  const [progress, setProgress] = useState<EvaluationProgress>();
  const [running, setRunning] = useState(false);
  const [run, setRun] = useState<EvaluationRun>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<EvaluationRun[]>(savedRuns);
  const [compareWith, setCompareWith] = useState<number>(-1);
  const [drill, setDrill] = useState<string>();

  const start = async () => {
    setError(undefined);
    setRunning(true);
    setProgress(undefined);
    try {
      const set = await evaluationSetOf(
        files.map((f) => ({ name: f.name, path: f.webkitRelativePath || undefined, text: () => f.text() })),
      );
      const result = await runEvaluation(engine, { set, rerank }, setProgress);
      setRun(result);
      setDrill(result.configurations[0]?.name);
      libraryChanged();
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setRunning(false);
    }
  };

  const save = () => {
    if (!run) return;
    const next = [run, ...saved].slice(0, 10);
    localStorage.setItem(SAVED_KEY, JSON.stringify(next));
    setSaved(next);
  };

  const earlier = compareWith >= 0 ? saved[compareWith] : undefined;
  const earlierOf = (name: string) => earlier?.configurations.find((c) => c.name === name);
  const drilled = run?.configurations.find((c) => c.name === drill);

  return (
    <details className="evaluate" data-testid="evaluate-view">
      <summary>Evaluate</summary>
      <p className="hint">
        Load a BEIR test set (corpus.jsonl, queries.jsonl and qrels.tsv, or their folder: it goes into its own
        collection) or one eval.jsonl of {'{"query", "relevant": [document names or passage ids]}'} for the current
        library.
      </p>
      <div className="evaluate__controls">
        <label>
          Files{' '}
          <input
            type="file"
            multiple
            accept=".jsonl,.tsv,.json"
            data-testid="evaluate-files"
            onChange={(event) => setFiles([...(event.target.files ?? [])])}
          />
        </label>
        <label>
          Folder{' '}
          <input
            type="file"
            data-testid="evaluate-folder"
            {...{ webkitdirectory: '' }}
            onChange={(event) => setFiles([...(event.target.files ?? [])])}
          />
        </label>
        <label>
          <input type="checkbox" checked={rerank} onChange={(event) => setRerank(event.target.checked)} /> with rerank
        </label>
        <button
          type="button"
          className="button button--primary"
          disabled={running || files.length === 0}
          data-testid="evaluate-run"
          onClick={() => void start()}
        >
          Run
        </button>
        {running && (
          <button
            type="button"
            className="button"
            data-testid="evaluate-cancel"
            onClick={() => void engine.cancelEvaluation()}
          >
            Cancel
          </button>
        )}
      </div>
      {running && (
        <p role="status" data-testid="evaluate-progress">
          {progress
            ? `${progress.stage === 'ingesting' ? 'Adding the corpus' : progress.configuration}: ${progress.done} / ${progress.total}`
            : 'Starting…'}
        </p>
      )}
      {error && (
        <p className="alert" role="alert" data-testid="evaluate-error">
          {error}
        </p>
      )}
      {run && (
        <>
          <div className="evaluate__controls">
            <span>
              {run.setName}: {run.queries.length} queries
            </span>
            <button type="button" className="button" data-testid="evaluate-save" onClick={save}>
              Save this run
            </button>
            {saved.length > 0 && (
              <label>
                Compare with{' '}
                <select
                  value={compareWith}
                  data-testid="evaluate-compare"
                  onChange={(event) => setCompareWith(Number(event.target.value))}
                >
                  <option value={-1}>—</option>
                  {saved.map((s, i) => (
                    <option key={`${s.finishedAt}-${i}`} value={i}>
                      {s.setName}, {new Date(s.finishedAt).toLocaleString()}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
          <table className="evaluate__table" data-testid="evaluate-table">
            <thead>
              <tr>
                <th scope="col">Configuration</th>
                {METRICS.map((m) => (
                  <th key={m} scope="col">
                    {m}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {run.configurations.map((c) => (
                <tr
                  key={c.name}
                  data-testid="evaluate-row"
                  data-name={c.name}
                  aria-selected={c.name === drill}
                  onClick={() => setDrill(c.name)}
                >
                  <th scope="row">{c.name}</th>
                  {METRICS.map((m) => (
                    <td key={m} data-metric={m}>
                      {c[m].toFixed(4)}
                      {earlierOf(c.name) && <Delta value={c[m] - earlierOf(c.name)![m]} />}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <BarChart configurations={run.configurations} />
          {drilled && <DrillDown configuration={drilled} run={run} onPick={setDrill} />}
        </>
      )}
    </details>
  );
}

function Delta({ value }: { value: number }) {
  if (Math.abs(value) < 5e-5) return null;
  return (
    <span className={value > 0 ? 'evaluate__delta evaluate__delta--up' : 'evaluate__delta evaluate__delta--down'}>
      {' '}
      ({value > 0 ? '+' : ''}
      {value.toFixed(4)})
    </span>
  );
}

/** nDCG@10 per configuration as horizontal bars (SVG, no chart library). */
function BarChart({ configurations }: { configurations: ConfigurationResult[] }) {
  const row = 20;
  const label = 170;
  const width = 520;
  return (
    <svg
      className="evaluate__chart"
      data-testid="evaluate-chart"
      role="img"
      aria-label="nDCG@10 per configuration"
      viewBox={`0 0 ${width} ${configurations.length * row + 10}`}
      width="100%"
    >
      {configurations.map((c, i) => (
        <g key={c.name} transform={`translate(0 ${i * row + 5})`}>
          <text x={label - 6} y={row * 0.65} textAnchor="end" fontSize="12" fill="currentColor">
            {c.name}
          </text>
          <rect
            x={label}
            y={3}
            height={row - 6}
            width={Math.max(1, c['ndcg@10'] * (width - label - 50))}
            fill="var(--accent, #3b6ee8)"
          />
          <text x={label + c['ndcg@10'] * (width - label - 50) + 4} y={row * 0.65} fontSize="11" fill="currentColor">
            {c['ndcg@10'].toFixed(3)}
          </text>
        </g>
      ))}
    </svg>
  );
}

function DrillDown({
  configuration,
  run,
  onPick,
}: {
  configuration: ConfigurationResult;
  run: EvaluationRun;
  onPick: (name: string) => void;
}) {
  const text = new Map(run.queries.map((q) => [q.id, q.text]));
  return (
    <div className="evaluate__drill" data-testid="evaluate-drill">
      <label>
        Per query for{' '}
        <select value={configuration.name} onChange={(event) => onPick(event.target.value)}>
          {run.configurations.map((c) => (
            <option key={c.name}>{c.name}</option>
          ))}
        </select>
      </label>
      <table className="evaluate__table">
        <thead>
          <tr>
            <th scope="col">Query</th>
            <th scope="col">nDCG@10</th>
            <th scope="col">Retrieved (top 10)</th>
            <th scope="col">Relevant missed</th>
          </tr>
        </thead>
        <tbody>
          {configuration.perQuery.map((q) => (
            <tr key={q.queryId} data-testid="evaluate-query">
              <th scope="row">{text.get(q.queryId) ?? q.queryId}</th>
              <td>{q['ndcg@10'].toFixed(3)}</td>
              <td>{q.top.join(', ')}</td>
              <td>{q.missed.length ? q.missed.join(', ') : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
