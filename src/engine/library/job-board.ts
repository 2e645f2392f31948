// The jobs in progress, as last reported, and the page's listeners of job progress: a page that subscribes late (a
// reload while the engine resumes documents, or a page that connects after the worker started a Retry) is told
// about each unfinished job at once, then follows the rest of its progress like any other.
import type { IngestProgress, IngestStage } from '../api/index.ts';
import { Listeners } from './listeners.ts';

const FINAL: ReadonlySet<IngestStage> = new Set(['done', 'failed', 'cancelled', 'skipped']);

export class JobBoard {
  private readonly latest = new Map<string, IngestProgress>();
  private readonly listeners = new Listeners<IngestProgress>();

  /** Records a job's progress, then tells every listener. */
  announce(progress: IngestProgress): void {
    this.record(progress);
    this.listeners.emit(progress);
  }

  /** Adds a listener and tells it at once about every job still running. */
  listen(listener: (progress: IngestProgress) => void): void {
    this.listeners.add(listener);
    for (const progress of this.active()) this.listeners.tell(listener, progress);
  }

  /** Keeps the job's latest state (fields merged, so counts survive a later event without them); forgets finished jobs. */
  record(progress: IngestProgress): void {
    if (FINAL.has(progress.stage)) {
      this.latest.delete(progress.jobId);
      return;
    }
    this.latest.set(progress.jobId, { ...this.latest.get(progress.jobId), ...progress });
  }

  /** Unfinished jobs, oldest first. */
  active(): IngestProgress[] {
    return [...this.latest.values()];
  }
}
