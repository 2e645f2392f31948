// After a folder was dropped or chosen: what was added, what was skipped and why, what failed and why.
import { countSkipped, type SkipReason } from './folder-walk.ts';
import { isFinal, type FolderSummary as Summary, type Job } from './useIngest.ts';

const REASONS: Record<SkipReason, string> = {
  hidden: 'hidden or system file',
  unsupported: 'not a supported file type',
  unreadable: 'the browser could not read it',
  limit: 'over the file limit for one folder',
};

interface Props {
  summary: Summary | undefined;
  jobs: Job[];
  onDismiss: () => void;
}

export function FolderSummary({ summary, jobs, onDismiss }: Props) {
  if (!summary) return null;
  const ids = new Set(summary.jobIds);
  const mine = jobs.filter((job) => ids.has(job.jobId));
  const running = mine.filter((job) => !isFinal(job.progress.stage)).length;
  const added = mine.filter((job) => job.progress.stage === 'done').length;
  const failed = mine.filter((job) => job.progress.stage === 'failed');
  const counts = countSkipped(summary.skipped);
  const skippedText = (Object.keys(counts) as SkipReason[])
    .filter((r) => counts[r] > 0)
    .map((r) => `${counts[r]} ${r}`)
    .join(', ');
  return (
    <section className="folder-summary" aria-labelledby="folder-summary-title" data-testid="folder-summary">
      <div className="section-head">
        <h2 id="folder-summary-title" className="section-title">
          Folder
        </h2>
        <p className="section-meta" aria-live="polite" data-testid="folder-summary-counts">
          {running > 0 ? `${running} of ${summary.jobIds.length} still being added, ` : ''}
          {added} added, {summary.skipped.length} skipped{skippedText && ` (${skippedText})`}, {failed.length} failed
        </p>
        <button type="button" className="button button--small button--quiet" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      {(summary.skipped.length > 0 || failed.length > 0) && (
        <ul className="folder-summary__list">
          {summary.skipped.map((s) => (
            <li key={`skip-${s.path}`} data-testid="folder-skipped" data-reason={s.reason}>
              <span className="folder-summary__path">{s.path}</span> — skipped: {REASONS[s.reason]}
              {s.detail ? ` (${s.detail})` : ''}
            </li>
          ))}
          {failed.map((job) => (
            <li key={`fail-${job.jobId}`} data-testid="folder-failed">
              <span className="folder-summary__path">{job.fileName}</span> — failed:{' '}
              {job.progress.error?.message ?? 'unknown error'}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
