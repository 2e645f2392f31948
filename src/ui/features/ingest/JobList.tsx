// The ingest dashboard: the batch's totals (files done, passages per second, time remaining), one folder job per set
// of files added together, one row per file added alone, and a summary once the batch is over that stays until
// dismissed. A calm live region says how far it has got.
import { useEffect, useState } from 'react';
import './ingest-dashboard.css';
import { FolderJob } from './FolderJob.tsx';
import type { JobGroup } from './folder-job.ts';
import { JobRow } from './JobRow.tsx';
import { formatDuration, formatRate, type BatchSummary, type IngestMeter } from './ingest-rate.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { isFinal, type Job } from './useIngest.ts';

interface Props {
  jobs: Job[];
  groups: JobGroup[];
  jobsById: ReadonlyMap<string, Job>;
  /** Jobs of files added alone (not in a group). */
  singles: Job[];
  onCancel: (jobId: string) => void;
  onCancelGroup: (groupId: string) => void;
  onDismissGroup: (groupId: string) => void;
  onRetryGroup: (groupId: string) => Promise<void>;
  onDismiss: (jobId: string) => void;
  onClearFinished: () => void;
  onDuplicate?: (jobId: string, choice: 'replace' | 'keep-both') => void;
  meter?: IngestMeter;
  summary?: BatchSummary;
  onDismissSummary?: () => void;
  onRetry: (jobId: string) => Promise<void>;
}

export function JobList({
  jobs,
  groups,
  jobsById,
  singles,
  onCancel,
  onCancelGroup,
  onDismissGroup,
  onRetryGroup,
  onDismiss,
  onClearFinished,
  onDuplicate,
  meter,
  summary,
  onDismissSummary,
  onRetry,
}: Props) {
  const count = (stage: string) => jobs.filter((job) => job.progress.stage === stage).length;
  const running = jobs.filter((job) => !isFinal(job.progress.stage));
  const now = useClock(running.length > 0);
  if (jobs.length === 0 && groups.length === 0 && !summary) return null;
  // The live region: overall progress in steps of 25%, and each file that finishes; never every passage.
  const overall =
    running.length > 0
      ? Math.floor((running.reduce((sum, job) => sum + job.progress.fraction, 0) / running.length) * 4) * 25
      : undefined;
  const counts = [
    running.length > 0 && `${running.length} ${running.length === 1 ? 'file' : 'files'} in progress (${overall}%)`,
    count('done') > 0 && `${count('done')} added`,
    count('failed') > 0 && `${count('failed')} failed`,
    count('cancelled') > 0 && `${count('cancelled')} cancelled`,
    count('skipped') > 0 && `${count('skipped')} not added`,
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <section className="jobs" aria-labelledby="jobs-title" data-testid="ingest-dashboard">
      <div className="section-head">
        <h2 id="jobs-title" className="section-title">
          Adding documents
        </h2>
        <p className="section-meta" aria-live="polite" data-testid="jobs-summary">
          {counts}
        </p>
        {running.length < jobs.length && (
          <button type="button" className="button button--small button--quiet" onClick={onClearFinished}>
            Clear finished
          </button>
        )}
      </div>
      {meter && meter.active && <Totals meter={meter} jobs={jobs} now={now} />}
      {summary && !meter?.active && onDismissSummary && <Summary summary={summary} onDismiss={onDismissSummary} />}
      {groups.map((group) => (
        <FolderJob
          key={group.id}
          group={group}
          jobsById={jobsById}
          now={Math.max(now, meter?.lastObservedAt ?? 0)}
          onCancel={onCancel}
          onCancelGroup={onCancelGroup}
          onDismiss={onDismiss}
          onDismissGroup={onDismissGroup}
          onDuplicate={onDuplicate}
          onRetry={onRetry}
          onRetryGroup={onRetryGroup}
        />
      ))}
      {singles.length > 0 && (
        <ul className="jobs__list">
          {singles.map((job) => (
            <JobRow
              key={job.jobId}
              job={job}
              onCancel={onCancel}
              onDismiss={onDismiss}
              onDuplicate={onDuplicate}
              onRetry={onRetry}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Re-renders every second while `on`, so the rate falls during a stall and the time remaining counts down. */
function useClock(on: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(performance.now()), 1_000);
    return () => clearInterval(timer);
  }, [on]);
  return on ? now : 0;
}

function Totals({ meter, jobs, now }: { meter: IngestMeter; jobs: Job[]; now: number }) {
  // Read at the clock's last tick, or at the latest progress if that came after it (renders follow progress).
  const at = Math.max(now, meter.lastObservedAt ?? 0);
  const sizes = new Map(jobs.map((job) => [job.jobId, job.size]));
  const files = meter.files;
  const rate = meter.rate(at);
  const seconds = meter.remainingSeconds(at, sizes);
  const remaining = meter.remainingPassages(sizes);
  const fraction = remaining === undefined ? undefined : meter.embedded / Math.max(1, meter.embedded + remaining);
  return (
    <div className="dashboard" data-testid="dashboard-totals">
      <dl className="dashboard__stats">
        <div>
          <dt>Files</dt>
          <dd data-testid="dashboard-files">
            {files.done} of {files.total}
          </dd>
        </div>
        <div>
          <dt>Passages</dt>
          <dd data-testid="dashboard-passages">{meter.embedded.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Speed</dt>
          <dd data-testid="dashboard-rate" data-rate={rate === undefined ? '' : rate.toFixed(2)}>
            {rate === undefined ? 'measuring…' : `${formatRate(rate)} passages/s`}
          </dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd data-testid="dashboard-eta">
            {seconds === undefined ? 'estimating…' : `about ${formatDuration(seconds * 1000)}`}
          </dd>
        </div>
      </dl>
      <ProgressBar value={fraction} label="All files" />
    </div>
  );
}

function Summary({ summary, onDismiss }: { summary: BatchSummary; onDismiss: () => void }) {
  const { files, added, passages, skipped, failed, cancelled, durationMs, passagesPerSecond } = summary;
  return (
    <div className="dashboard dashboard--summary" data-testid="ingest-summary">
      <p className="dashboard__headline">
        <strong>
          Added {added} of {files} {files === 1 ? 'file' : 'files'}
        </strong>{' '}
        in {formatDuration(durationMs)}: <span data-testid="summary-passages">{passages.toLocaleString()}</span>{' '}
        {passages === 1 ? 'passage' : 'passages'}
        {passagesPerSecond !== undefined && (
          <>
            {' '}
            at <span data-testid="summary-rate">{formatRate(passagesPerSecond)}</span> passages/s
          </>
        )}
        {cancelled > 0 && `, ${cancelled} cancelled`}.
      </p>
      {failed.length > 0 && (
        <ul className="dashboard__problems" aria-label="Failed">
          {failed.map((f, i) => (
            <li key={`f${i}`} data-testid="summary-failed">
              <span className="dashboard__file">{f.fileName}</span> failed: {f.reason}
            </li>
          ))}
        </ul>
      )}
      {skipped.length > 0 && (
        <ul className="dashboard__problems" aria-label="Not added">
          {skipped.map((f, i) => (
            <li key={`s${i}`} data-testid="summary-skipped">
              <span className="dashboard__file">{f.fileName}</span> not added: {f.reason}
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button button--small button--quiet"
        data-testid="summary-dismiss"
        onClick={onDismiss}
      >
        Dismiss
      </button>
    </div>
  );
}
