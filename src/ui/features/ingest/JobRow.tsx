// One file being added: its stage in words, progress, passage counts, and cancel or dismiss.
import type { IngestStage } from '../../../engine/api/index.ts';
import { useState } from 'react';
import { errorMessage } from '../../client/engine-client.ts';
import { formatBytes } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { isFinal, type Job } from './useIngest.ts';

export const STAGE_TEXT: Record<IngestStage, string> = {
  queued: 'Waiting',
  parsing: 'Reading text',
  chunking: 'Splitting into passages',
  embedding: 'Embedding passages',
  indexing: 'Indexing',
  done: 'Added',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Not added',
};

interface Props {
  job: Job;
  onCancel: (jobId: string) => void;
  onDismiss: (jobId: string) => void;
  onDuplicate?: (jobId: string, choice: 'replace' | 'keep-both') => void;
  /** Tries a failed file again (shown when its document or its file was kept). */
  onRetry?: (jobId: string) => Promise<void>;
  /** `div` inside a list that makes its own items (the folder job's windowed list). */
  as?: 'li' | 'div';
  /** One line of fixed height (rows of a windowed list): no progress bar, the error shortened. */
  compact?: boolean;
}

export function JobRow({ job, onCancel, onDismiss, onDuplicate, onRetry, as: Element = 'li', compact = false }: Props) {
  const { progress } = job;
  const finished = isFinal(progress.stage);
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string>();
  const canRetry =
    onRetry && progress.stage === 'failed' && (progress.documentId !== undefined || job.incoming !== undefined);
  const retry = () => {
    if (!onRetry) return;
    setRetrying(true);
    setRetryError(undefined);
    onRetry(job.jobId)
      .catch((reason: unknown) => setRetryError(errorMessage(reason)))
      .finally(() => setRetrying(false));
  };
  return (
    <Element
      className={`job job--${progress.stage}${compact ? ' job--compact' : ''}`}
      data-testid="job"
      data-stage={progress.stage}
    >
      <div className="job__head">
        <span className="job__name" title={job.fileName}>
          {job.fileName}
        </span>
        {job.size > 0 && <span className="job__size">{formatBytes(job.size)}</span>}
        {progress.resumed && (
          <span className="job__resumed" data-testid="job-resumed">
            resumed
          </span>
        )}
        <span className="job__stage">
          <StageIcon stage={progress.stage} />
          {STAGE_TEXT[progress.stage]}
        </span>
        {compact && (progress.error || progress.note) && (
          <span
            className={progress.error ? 'job__error job__error--inline' : 'job__note'}
            title={progress.error?.message ?? progress.note}
            data-testid={progress.error ? 'job-error' : undefined}
          >
            {progress.error?.message ?? progress.note}
          </span>
        )}
        {canRetry && (
          <button
            type="button"
            className="button button--small"
            aria-label={`Retry ${job.fileName}`}
            data-testid="job-retry"
            disabled={retrying}
            onClick={retry}
          >
            {retrying ? 'Retrying…' : 'Retry'}
          </button>
        )}
        {finished ? (
          <button
            type="button"
            className="icon-button"
            aria-label={`Dismiss ${job.fileName}`}
            title="Dismiss"
            data-testid="job-dismiss"
            onClick={() => onDismiss(job.jobId)}
          >
            ×
          </button>
        ) : (
          <button
            type="button"
            className="button button--small button--quiet"
            aria-label={`Cancel adding ${job.fileName}`}
            data-testid="job-cancel"
            onClick={() => onCancel(job.jobId)}
          >
            Cancel
          </button>
        )}
      </div>
      {!finished && !compact && (
        <ProgressBar
          value={progress.stage === 'queued' ? undefined : progress.fraction}
          label={`${job.fileName}: ${STAGE_TEXT[progress.stage]}`}
        />
      )}
      {!compact && <Details job={job} />}
      {!compact && progress.stage === 'skipped' && progress.duplicateOf && (
        <Duplicate job={job} onDuplicate={onDuplicate} />
      )}
      {!compact && progress.error && progress.stage === 'failed' && (
        <p className="job__error" data-testid="job-error">
          {progress.error.message}
        </p>
      )}
      {retryError && (
        <p className="job__error" role="alert">
          {retryError}
        </p>
      )}
    </Element>
  );
}

/** Why a file was not added: the same bytes are there already, or a document of the same name (replace it?). */
function Duplicate({ job, onDuplicate }: { job: Job; onDuplicate?: Props['onDuplicate'] }) {
  const duplicate = job.progress.duplicateOf!;
  if (duplicate.reason === 'same-content') {
    return (
      <p className="job__details" data-testid="job-duplicate" data-reason="same-content">
        Already in the library (as “{duplicate.name}”).
      </p>
    );
  }
  return (
    <p className="job__details" data-testid="job-duplicate" data-reason="same-name">
      A different “{duplicate.name}” is already in the library.{' '}
      {onDuplicate && job.incoming && (
        <>
          <button
            type="button"
            className="button button--small"
            data-testid="duplicate-replace"
            onClick={() => onDuplicate(job.jobId, 'replace')}
          >
            Replace
          </button>{' '}
          <button
            type="button"
            className="button button--small button--quiet"
            data-testid="duplicate-keep-both"
            onClick={() => onDuplicate(job.jobId, 'keep-both')}
          >
            Keep both
          </button>
        </>
      )}
    </p>
  );
}

/** Passage counts and the engine's note, on one quiet line. */
function Details({ job }: { job: Job }) {
  const { chunksDone, chunksTotal, stage } = job.progress;
  // A table or JSON file that took the suggested fields says which, and where to change them.
  const fields = job.suggestedFields?.length
    ? `text fields: ${job.suggestedFields.join(', ')} (suggested; change them from the library)`
    : undefined;
  const note = [job.progress.note, fields].filter(Boolean).join(' · ') || undefined;
  let counts: string | undefined;
  if (chunksTotal !== undefined && stage !== 'failed' && stage !== 'cancelled') {
    counts =
      stage === 'done' || chunksDone === undefined
        ? `${chunksTotal.toLocaleString()} ${chunksTotal === 1 ? 'passage' : 'passages'}`
        : `${chunksDone.toLocaleString()} of ${chunksTotal.toLocaleString()} passages`;
  }
  if (!counts && !note) return null;
  return (
    <p className="job__details">
      {counts && <span className="job__counts">{counts}</span>}
      {counts && note && <span aria-hidden="true"> · </span>}
      {note && <span className="job__note">{note}</span>}
    </p>
  );
}

function StageIcon({ stage }: { stage: IngestStage }) {
  if (stage === 'done')
    return (
      <span className="job__icon job__icon--done" aria-hidden="true">
        ✓
      </span>
    );
  if (stage === 'failed')
    return (
      <span className="job__icon job__icon--failed" aria-hidden="true">
        !
      </span>
    );
  if (stage === 'cancelled')
    return (
      <span className="job__icon" aria-hidden="true">
        –
      </span>
    );
  return <span className="spinner" aria-hidden="true" />;
}
