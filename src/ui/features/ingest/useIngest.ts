// Ingest jobs as the UI tracks them: one row per file, fed by the engine's progress callbacks.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IngestProgress, IngestStage } from '../../../engine/api/index.ts';
import {
  connect,
  errorMessage,
  ingestFiles,
  newJobId,
  onEngineEvent,
  onJobProgress,
  type PendingFile,
} from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';
import type { SkippedEntry } from './folder-walk.ts';
import { IngestMeter, type BatchSummary } from './ingest-rate.ts';

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
  /** What was sent, kept so a skipped duplicate can be sent again with the user's choice. */
  incoming?: IncomingFile;
}

const FINAL: ReadonlySet<IngestStage> = new Set(['done', 'failed', 'cancelled', 'skipped']);
export function isFinal(stage: IngestStage): boolean {
  return FINAL.has(stage);
}

/** Progress and the final answer travel on different ports, so an update can land late: once a job has
 * finished, its first final state stands. */
function merge(current: IngestProgress, next: IngestProgress): IngestProgress {
  if (isFinal(current.stage)) return current;
  return { ...current, ...next };
}

/** What a dropped or chosen folder gave: files added (their job ids) and what was skipped, with why. */
export interface FolderSummary {
  jobIds: string[];
  skipped: SkippedEntry[];
}

/** `targetCollection` is the collection new files go to (read when they are added). */
export function useIngest(targetCollection: string | undefined): {
  jobs: Job[];
  addFiles: (files: Array<File | IncomingFile>) => void;
  /** Sends a skipped duplicate again: replacing the document of the same name, or keeping both. */
  resolveDuplicate: (jobId: string, choice: 'replace' | 'keep-both') => void;
  /** Files from a folder walk: added like any others, and summarised (added, skipped and why, failed and why). */
  addFolder: (walk: { files: IncomingFile[]; skipped: SkippedEntry[] }) => void;
  folderSummary: FolderSummary | undefined;
  dismissFolderSummary: () => void;
  cancel: (jobId: string) => void;
  dismiss: (jobId: string) => void;
  clearFinished: () => void;
  /** The current batch's totals, rate and time remaining (read at render time; see ingest-rate.ts). */
  meter: IngestMeter;
  /** The last finished batch, shown until dismissed. */
  summary: BatchSummary | undefined;
  /** Hides the summary and the finished jobs. */
  dismissSummary: () => void;
  /** Tries a failed job again: its stored document (Retry), or the file sent again when nothing was stored. */
  retry: (jobId: string) => Promise<void>;
} {
  const [jobs, setJobs] = useState<Job[]>([]);
  const jobsRef = useRef(jobs);
  useEffect(() => {
    jobsRef.current = jobs;
  }, [jobs]);
  const { libraryChanged } = useEngine();
  const changed = useRef(libraryChanged);
  useEffect(() => {
    changed.current = libraryChanged;
  }, [libraryChanged]);
  const finished = useRef(new Set<string>());
  // One meter per page, fed every progress event (it resets itself when a batch starts).
  const [meter] = useState(() => new IngestMeter());
  const [summary, setSummary] = useState<BatchSummary>();
  const observe = useCallback(
    (progress: IngestProgress) => {
      const now = performance.now();
      if (meter.observe(progress, now)) setSummary(meter.summary(now));
    },
    [meter],
  );

  const update = useCallback(
    (progress: IngestProgress) => {
      observe(progress);
      setJobs((list) =>
        list.some((job) => job.jobId === progress.jobId)
          ? list.map((job) =>
              job.jobId === progress.jobId ? { ...job, progress: merge(job.progress, progress) } : job,
            )
          : // A job the engine started itself (resuming an interrupted document, or a Retry): show it too.
            [...list, { jobId: progress.jobId, fileName: progress.fileName, size: progress.size ?? 0, progress }],
      );
      if (isFinal(progress.stage) && !finished.current.has(progress.jobId)) {
        finished.current.add(progress.jobId);
        changed.current();
      }
    },
    [observe],
  );

  const [folderSummary, setFolderSummary] = useState<FolderSummary>();
  const targetRef = useRef(targetCollection);
  useEffect(() => {
    targetRef.current = targetCollection;
  }, [targetCollection]);

  const addFiles = useCallback(
    (files: Array<File | IncomingFile>): string[] => {
      if (files.length === 0) return [];
      const target = targetRef.current;
      const pending: PendingFile[] = files.map((f) => {
        const incoming: IncomingFile = f instanceof File ? { file: f } : f;
        return { jobId: newJobId(), ...incoming, collection: incoming.collection ?? target };
      });
      for (const { jobId, file } of pending) observe({ jobId, fileName: file.name, stage: 'queued', fraction: 0 });
      setJobs((list) => [
        ...list,
        ...pending.map(({ jobId, file, folder, textFields, collection }) => ({
          jobId,
          fileName: file.name,
          size: file.size,
          incoming: { file, folder, textFields, collection },
          progress: { jobId, fileName: file.name, stage: 'queued' as const, fraction: 0 },
        })),
      ]);
      connect()
        .then(({ engine, settings }) => ingestFiles(engine, pending, update, settings.maxFileMB))
        .then((results) => results.forEach(update))
        .catch((reason: unknown) => {
          // The whole call failed (worker gone, storage broken): every unfinished file says why.
          const message = errorMessage(reason);
          for (const { jobId, file } of pending) {
            update({
              jobId,
              fileName: file.name,
              stage: 'failed',
              fraction: 1,
              error: { code: 'INTERNAL', message },
            });
          }
        });
      return pending.map((p) => p.jobId);
    },
    [update, observe],
  );

  const addFolder = useCallback(
    (walk: { files: IncomingFile[]; skipped: SkippedEntry[] }) => {
      setFolderSummary({ jobIds: addFiles(walk.files), skipped: walk.skipped });
    },
    [addFiles],
  );
  const dismissFolderSummary = useCallback(() => setFolderSummary(undefined), []);

  useEffect(() => onJobProgress(update), [update]);

  const failUnfinished = useCallback(
    (message: string) => {
      for (const job of jobsRef.current) {
        if (!isFinal(job.progress.stage)) {
          observe({ ...job.progress, stage: 'failed', fraction: 1, error: { code: 'WORKER_DIED', message } });
        }
      }
      setJobs((list) =>
        list.map((job) =>
          isFinal(job.progress.stage)
            ? job
            : {
                ...job,
                progress: { ...job.progress, stage: 'failed', fraction: 1, error: { code: 'WORKER_DIED', message } },
              },
        ),
      );
    },
    [observe],
  );
  // The worker died: every job still running failed with its message.
  useEffect(
    () =>
      onEngineEvent((event) => {
        if (event.type === 'died') failUnfinished(event.message);
      }),
    [failUnfinished],
  );

  const cancel = useCallback((jobId: string) => {
    connect()
      .then(({ engine }) => engine.cancel(jobId))
      .catch(() => undefined);
  }, []);

  const dismiss = useCallback((jobId: string) => {
    setJobs((list) => list.filter((job) => job.jobId !== jobId));
  }, []);

  const clearFinished = useCallback(() => {
    setJobs((list) => list.filter((job) => !isFinal(job.progress.stage)));
  }, []);

  const resolveDuplicate = useCallback(
    (jobId: string, choice: 'replace' | 'keep-both') => {
      const job = jobsRef.current.find((j) => j.jobId === jobId);
      if (!job?.incoming) return;
      setJobs((list) => list.filter((j) => j.jobId !== jobId));
      addFiles([{ ...job.incoming, onDuplicate: choice }]);
    },
    [addFiles],
  );

  const dismissSummary = useCallback(() => {
    setSummary(undefined);
    setJobs((list) => list.filter((job) => !isFinal(job.progress.stage)));
  }, []);

  const retry = useCallback(
    async (jobId: string) => {
      const job = jobsRef.current.find((j) => j.jobId === jobId);
      if (!job || job.progress.stage !== 'failed') return;
      const documentId = job.progress.documentId;
      if (documentId !== undefined) {
        // The document and its text were kept: index it again (the engine reports the Retry as a new job).
        const { engine } = await connect();
        const known = (await engine.listDocuments()).some((d) => d.id === documentId && d.status === 'failed');
        if (known) {
          setJobs((list) => list.filter((j) => j.jobId !== jobId));
          await engine.retryDocument(documentId);
          return;
        }
      }
      if (job.incoming) {
        setJobs((list) => list.filter((j) => j.jobId !== jobId));
        addFiles([job.incoming]);
      }
    },
    [addFiles],
  );

  return {
    jobs,
    addFiles,
    resolveDuplicate,
    addFolder,
    folderSummary,
    dismissFolderSummary,
    cancel,
    dismiss,
    clearFinished,
    meter,
    summary,
    dismissSummary,
    retry,
  };
}
