// The files the page follows and the groups they were added in, kept outside React: progress lands here as often as
// the engine sends it, and the page renders a snapshot of it when the coalescer says so (at most four times a second).
import type { IngestProgress, IngestStage } from '../../../engine/api/index.ts';
import type { JobGroup } from './folder-job.ts';
import type { SkippedEntry } from './folder-walk.ts';
import { mergeProgress } from './progress-coalescer.ts';

/** A file with where it came from (a folder walk) and the user's choices for it (the record preview). */
export interface IncomingFile {
  file: File;
  folder?: string;
  textFields?: string[];
  /** Collection to add to (default: the one chosen for new files). */
  collection?: string;
  /** The user's answer to "a document with this name is already there". */
  onDuplicate?: 'replace' | 'keep-both';
}

export interface Job {
  jobId: string;
  fileName: string;
  size: number;
  progress: IngestProgress;
  /** What was sent, kept so a skipped duplicate or a failed file can be sent again. */
  incoming?: IncomingFile;
  /** A table or JSON file added in a batch: the suggested text fields it was indexed by. */
  suggestedFields?: string[];
}

const FINAL: ReadonlySet<IngestStage> = new Set(['done', 'failed', 'cancelled', 'skipped']);

export interface JobsView {
  /** Every file followed, in the order added. */
  jobs: Job[];
  jobsById: ReadonlyMap<string, Job>;
  groups: JobGroup[];
  /** Jobs in no group: files added alone, and jobs the engine started itself. */
  singles: Job[];
}

export class IngestJobs {
  private readonly jobs = new Map<string, Job>();
  private groups: JobGroup[] = [];
  /** Job ids dismissed here: progress that arrives for them later is dropped (ids are never reused). */
  private readonly forgotten = new Set<string>();

  get(jobId: string): Job | undefined {
    return this.jobs.get(jobId);
  }

  group(groupId: string): JobGroup | undefined {
    return this.groups.find((g) => g.id === groupId);
  }

  groupOf(jobId: string): JobGroup | undefined {
    return this.groups.find((g) => g.jobIds.includes(jobId));
  }

  all(): IterableIterator<Job> {
    return this.jobs.values();
  }

  /** Files just sent, queued; with `group`, they form a new group (or join `group.into`). */
  add(
    files: Array<{ jobId: string } & IncomingFile>,
    group?: { id: string; label: string; walkSkipped: SkippedEntry[]; startedAt: number; into?: string },
  ): void {
    for (const { jobId, file, folder, textFields, collection, onDuplicate } of files) {
      this.jobs.set(jobId, {
        jobId,
        fileName: file.name,
        size: file.size,
        incoming: { file, folder, textFields, collection, onDuplicate },
        progress: { jobId, fileName: file.name, stage: 'queued', fraction: 0 },
      });
    }
    const ids = files.map((f) => f.jobId);
    if (!group) return;
    const into = group.into && this.group(group.into);
    if (into) {
      this.groups = this.groups.map((g) => (g === into ? { ...g, jobIds: [...g.jobIds, ...ids] } : g));
      return;
    }
    const { id, label, walkSkipped, startedAt } = group;
    this.groups = [...this.groups, { id, label, jobIds: ids, walkSkipped, startedAt }];
  }

  /** Applies merged progress; returns whether a file reached a final stage (the library changed). */
  apply(updates: IngestProgress[]): boolean {
    let landed = false;
    for (const progress of updates) {
      const job = this.jobs.get(progress.jobId);
      // A dismissed (or replaced) file's late progress, e.g. the batch's final results: it stays gone.
      if (!job && this.forgotten.has(progress.jobId)) continue;
      if (job) {
        if (!FINAL.has(job.progress.stage) && FINAL.has(progress.stage)) landed = true;
        this.jobs.set(progress.jobId, { ...job, progress: mergeProgress(job.progress, progress) });
      } else {
        // A job the engine started itself (resuming an interrupted document, or a Retry): show it too.
        this.jobs.set(progress.jobId, {
          jobId: progress.jobId,
          fileName: progress.fileName,
          size: progress.size ?? 0,
          progress,
        });
        if (FINAL.has(progress.stage)) landed = true;
      }
    }
    return landed;
  }

  /** Changes one job's record (not its progress). */
  edit(jobId: string, change: (job: Job) => Job): void {
    const job = this.jobs.get(jobId);
    if (job) this.jobs.set(jobId, change(job));
  }

  /** Forgets the jobs `drop` picks, and drops them from their groups; a group left with nothing to show goes too. */
  forget(drop: (job: Job) => boolean): void {
    for (const job of [...this.jobs.values()]) {
      if (!drop(job)) continue;
      this.jobs.delete(job.jobId);
      this.forgotten.add(job.jobId);
    }
    this.groups = this.groups
      .map((g) =>
        g.jobIds.every((id) => this.jobs.has(id)) ? g : { ...g, jobIds: g.jobIds.filter((id) => this.jobs.has(id)) },
      )
      .filter((g) => g.jobIds.length > 0 || g.walkSkipped.length > 0);
  }

  /** Forgets a group and its finished files (files still running stay, as rows of their own). */
  dismissGroup(groupId: string): void {
    const group = this.group(groupId);
    if (!group) return;
    const ids = new Set(group.jobIds);
    this.groups = this.groups.filter((g) => g.id !== groupId);
    this.forget((job) => ids.has(job.jobId) && FINAL.has(job.progress.stage));
  }

  snapshot(): JobsView {
    const jobs = [...this.jobs.values()];
    const grouped = new Set(this.groups.flatMap((g) => g.jobIds));
    return {
      jobs,
      jobsById: new Map(this.jobs),
      groups: this.groups,
      singles: jobs.filter((job) => !grouped.has(job.jobId)),
    };
  }
}
