// Several files added together, shown as one job: how many are done, skipped (the same file is there already),
// failed and still to go, files and passages per second and the time left. Expanding it lists every file in a
// windowed list (a folder of thousands renders only the rows in view); failures are listed with their reasons and a
// Retry each, or all at once.
import { useState } from 'react';
import { errorMessage } from '../../client/engine-client.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { VirtualList } from '../../components/VirtualList.tsx';
import { groupProgress, type JobGroup } from './folder-job.ts';
import { countSkipped, type SkipReason } from './folder-walk.ts';
import { formatDuration, formatRate } from './ingest-rate.ts';
import { JobRow } from './JobRow.tsx';
import type { Job } from './useIngest.ts';

/** A job of up to this many files starts expanded and lists its files whole (no windowing). */
export const FULL_LIST_MAX = 50;
const ROW_HEIGHT = 40;
const LIST_HEIGHT = 400;

const REASONS: Record<SkipReason, string> = {
  hidden: 'hidden or system file',
  unsupported: 'not a supported file type',
  unreadable: 'the browser could not read it',
  limit: 'over the file limit for one folder',
};

interface Props {
  group: JobGroup;
  jobsById: ReadonlyMap<string, Job>;
  now: number;
  onCancel: (jobId: string) => void;
  onCancelGroup: (groupId: string) => void;
  onDismiss: (jobId: string) => void;
  onDismissGroup: (groupId: string) => void;
  onDuplicate?: (jobId: string, choice: 'replace' | 'keep-both') => void;
  onRetry: (jobId: string) => Promise<void>;
  onRetryGroup: (groupId: string) => Promise<void>;
}

export function FolderJob({
  group,
  jobsById,
  now,
  onCancel,
  onCancelGroup,
  onDismiss,
  onDismissGroup,
  onDuplicate,
  onRetry,
  onRetryGroup,
}: Props) {
  const [expanded, setExpanded] = useState(group.jobIds.length <= FULL_LIST_MAX);
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string>();
  const progress = groupProgress(group, jobsById, now);
  const files = group.jobIds.flatMap((id) => jobsById.get(id) ?? []);
  const failed = files.filter((job) => job.progress.stage === 'failed');
  const settled = progress.total - progress.remaining;
  const leftOut = countSkipped(group.walkSkipped);
  const leftOutText = (Object.keys(leftOut) as SkipReason[])
    .filter((r) => leftOut[r] > 0)
    .map((r) => `${leftOut[r]} ${r}`)
    .join(', ');
  const counts = [
    !progress.finished && `${settled.toLocaleString()} of ${progress.total.toLocaleString()} files`,
    `${progress.done.toLocaleString()} added`,
    progress.skipped > 0 && `${progress.skipped.toLocaleString()} skipped (same as a file already there)`,
    `${progress.failed.toLocaleString()} failed`,
    progress.cancelled > 0 && `${progress.cancelled.toLocaleString()} cancelled`,
    group.walkSkipped.length > 0 && `${group.walkSkipped.length} left out (${leftOutText})`,
    !progress.finished && `${progress.remaining.toLocaleString()} to go`,
  ]
    .filter(Boolean)
    .join(', ');
  const retryAll = () => {
    setRetrying(true);
    setRetryError(undefined);
    onRetryGroup(group.id)
      .catch((reason: unknown) => setRetryError(errorMessage(reason)))
      .finally(() => setRetrying(false));
  };
  const row = (job: Job, compact: boolean) => (
    <JobRow
      job={job}
      as="div"
      compact={compact}
      onCancel={onCancel}
      onDismiss={onDismiss}
      onDuplicate={onDuplicate}
      onRetry={onRetry}
    />
  );
  const listed = expanded ? files : failed;
  const whole = listed.length <= FULL_LIST_MAX;

  return (
    <section
      className="folder-job"
      aria-label={group.label}
      data-testid="folder-job"
      data-finished={progress.finished ? 'true' : 'false'}
      data-total={progress.total}
      data-settled={settled}
      data-failed={progress.failed}
    >
      <div className="folder-job__head">
        <button
          type="button"
          className="folder-job__toggle"
          aria-expanded={expanded}
          data-testid="folder-job-expand"
          onClick={() => setExpanded((e) => !e)}
        >
          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> {group.label}
          <span className="visually-hidden">: {expanded ? 'hide' : 'show'} every file</span>
        </button>
        <p className="folder-job__counts" aria-live="polite" data-testid="folder-job-counts">
          {counts}
        </p>
        {failed.length > 0 && (
          <button
            type="button"
            className="button button--small"
            data-testid="folder-job-retry-all"
            disabled={retrying}
            onClick={retryAll}
          >
            {retrying ? 'Retrying…' : `Retry all ${failed.length} failed`}
          </button>
        )}
        {progress.finished ? (
          <button
            type="button"
            className="button button--small button--quiet"
            data-testid="folder-job-dismiss"
            onClick={() => onDismissGroup(group.id)}
          >
            Dismiss
          </button>
        ) : (
          <button
            type="button"
            className="button button--small button--quiet"
            data-testid="folder-job-cancel"
            onClick={() => onCancelGroup(group.id)}
          >
            Cancel
          </button>
        )}
      </div>
      {!progress.finished && (
        <>
          <dl className="dashboard__stats folder-job__stats">
            <div>
              <dt>Files/s</dt>
              <dd data-testid="folder-job-files-rate">
                {progress.filesPerSecond === undefined ? 'measuring…' : formatRate(progress.filesPerSecond)}
              </dd>
            </div>
            <div>
              <dt>Passages/s</dt>
              <dd data-testid="folder-job-passages-rate">
                {progress.passagesPerSecond === undefined ? 'measuring…' : formatRate(progress.passagesPerSecond)}
              </dd>
            </div>
            <div>
              <dt>Time left</dt>
              <dd data-testid="folder-job-eta">
                {progress.secondsLeft === undefined
                  ? 'estimating…'
                  : `about ${formatDuration(progress.secondsLeft * 1000)}`}
              </dd>
            </div>
          </dl>
          <ProgressBar value={settled / Math.max(1, progress.total)} label={`${group.label}: files settled`} />
        </>
      )}
      {retryError && (
        <p className="job__error" role="alert">
          {retryError}
        </p>
      )}
      {listed.length > 0 && (
        <>
          {!expanded && <h3 className="folder-job__subtitle">Failed</h3>}
          <VirtualList
            items={listed}
            rowHeight={ROW_HEIGHT}
            height={Math.min(LIST_HEIGHT, listed.length * ROW_HEIGHT)}
            renderAllBelow={FULL_LIST_MAX}
            itemKey={(job) => job.jobId}
            renderItem={(job) => row(job, !whole)}
            className="jobs__list folder-job__files"
            label={expanded ? `Files of ${group.label}` : `Failed files of ${group.label}`}
            testId="folder-job-files"
          />
        </>
      )}
      {group.walkSkipped.length > 0 && (
        <details className="folder-job__left-out">
          <summary>
            {group.walkSkipped.length} left out ({leftOutText})
          </summary>
          <ul className="folder-summary__list">
            {group.walkSkipped.map((s) => (
              <li key={`skip-${s.path}`} data-testid="folder-skipped" data-reason={s.reason}>
                <span className="folder-summary__path">{s.path}</span> — skipped: {REASONS[s.reason]}
                {s.detail ? ` (${s.detail})` : ''}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
