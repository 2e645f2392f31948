// The files being added, newest batch last, with a short spoken summary for screen readers.
import { JobRow } from './JobRow.tsx';
import { isFinal, type Job } from './useIngest.ts';

interface Props {
  jobs: Job[];
  onCancel: (jobId: string) => void;
  onDismiss: (jobId: string) => void;
  onClearFinished: () => void;
  onDuplicate?: (jobId: string, choice: 'replace' | 'keep-both') => void;
}

export function JobList({ jobs, onCancel, onDismiss, onClearFinished, onDuplicate }: Props) {
  if (jobs.length === 0) return null;
  const count = (stage: string) => jobs.filter((job) => job.progress.stage === stage).length;
  const running = jobs.filter((job) => !isFinal(job.progress.stage));
  // Overall progress in steps of 10%, so the live region speaks now and then, not at every passage.
  const overall = running.length > 0
    ? Math.floor((running.reduce((sum, job) => sum + job.progress.fraction, 0) / running.length) * 10) * 10
    : undefined;
  const summary = [
    running.length > 0 && `${running.length} ${running.length === 1 ? 'file' : 'files'} in progress (${overall}%)`,
    count('done') > 0 && `${count('done')} added`,
    count('failed') > 0 && `${count('failed')} failed`,
    count('cancelled') > 0 && `${count('cancelled')} cancelled`,
    count('skipped') > 0 && `${count('skipped')} not added`,
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <section className="jobs" aria-labelledby="jobs-title">
      <div className="section-head">
        <h2 id="jobs-title" className="section-title">
          Adding documents
        </h2>
        <p className="section-meta" aria-live="polite" data-testid="jobs-summary">
          {summary}
        </p>
        {running.length < jobs.length && (
          <button type="button" className="button button--small button--quiet" onClick={onClearFinished}>
            Clear finished
          </button>
        )}
      </div>
      <ul className="jobs__list">
        {jobs.map((job) => (
          <JobRow key={job.jobId} job={job} onCancel={onCancel} onDismiss={onDismiss} onDuplicate={onDuplicate} />
        ))}
      </ul>
    </section>
  );
}
