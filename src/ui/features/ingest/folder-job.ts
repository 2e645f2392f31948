// A folder (or any several files added at once) is one job on the page: its counts, rates and time left are
// worked out here from the files' states, kept pure so they can be tested without a browser. Times are
// milliseconds from a monotonic clock (performance.now()).
import type { IngestProgress, IngestStage } from '../../../engine/api/index.ts';
import type { SkippedEntry } from './folder-walk.ts';

/** No rate is claimed before the job has run this long: the first files say little. */
export const MIN_RATE_ELAPSED_MS = 1_500;

/** What the folder job needs to know of one file (a Job from useIngest is one). */
export interface FileState {
  jobId: string;
  fileName: string;
  progress: Pick<IngestProgress, 'stage' | 'chunksDone' | 'chunksTotal' | 'note' | 'error' | 'duplicateOf'>;
}

/** Several files added together. */
export interface JobGroup {
  id: string;
  /** "Folder “docs”" or "12 files". */
  label: string;
  jobIds: string[];
  /** Files a folder walk left out (hidden, unsupported, over the limit), with why. */
  walkSkipped: SkippedEntry[];
  startedAt: number;
}

export interface GroupProgress {
  total: number;
  done: number;
  /** Not added because the same file (or another version of it) is in the library already. */
  skipped: number;
  failed: number;
  cancelled: number;
  remaining: number;
  /** Passages of the files done, and of those under way so far. */
  passages: number;
  filesPerSecond: number | undefined;
  passagesPerSecond: number | undefined;
  secondsLeft: number | undefined;
  finished: boolean;
}

const FINAL: ReadonlySet<IngestStage> = new Set(['done', 'failed', 'cancelled', 'skipped']);

export function groupProgress(
  group: Pick<JobGroup, 'jobIds' | 'startedAt'>,
  files: ReadonlyMap<string, FileState>,
  now: number,
): GroupProgress {
  const counts = { done: 0, skipped: 0, failed: 0, cancelled: 0, remaining: 0, passages: 0 };
  for (const id of group.jobIds) {
    const file = files.get(id);
    const stage = file?.progress.stage ?? 'queued';
    if (stage === 'done') {
      counts.done += 1;
      counts.passages += file?.progress.chunksTotal ?? file?.progress.chunksDone ?? 0;
    } else if (stage === 'skipped') counts.skipped += 1;
    else if (stage === 'failed') counts.failed += 1;
    else if (stage === 'cancelled') counts.cancelled += 1;
    else {
      counts.remaining += 1;
      counts.passages += file?.progress.chunksDone ?? 0;
    }
  }
  const total = group.jobIds.length;
  const settled = total - counts.remaining;
  const elapsed = now - group.startedAt;
  const measurable = elapsed >= MIN_RATE_ELAPSED_MS && settled > 0;
  const filesPerSecond = measurable ? settled / (elapsed / 1000) : undefined;
  const passagesPerSecond = measurable ? counts.passages / (elapsed / 1000) : undefined;
  return {
    total,
    ...counts,
    filesPerSecond,
    passagesPerSecond,
    secondsLeft: filesPerSecond && filesPerSecond > 0 ? counts.remaining / filesPerSecond : undefined,
    finished: counts.remaining === 0,
  };
}

export function isFinalStage(stage: IngestStage): boolean {
  return FINAL.has(stage);
}

/** The name a folder job goes by: the folder's top-level name when all its files share one, else a count. */
export function groupLabel(files: ReadonlyArray<{ folder?: string; file: { name: string } }>): string {
  const tops = new Set(files.map((f) => (f.folder ?? '').split('/')[0]));
  const [top] = tops;
  if (tops.size === 1 && top) return `Folder “${top}”`;
  return `${files.length.toLocaleString()} files`;
}
