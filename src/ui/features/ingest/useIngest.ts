// Ingest jobs as the UI tracks them, fed by the engine's progress callbacks. Several files added together (a folder,
// or a multi-file pick or drop) form one job group shown as one folder job. Progress is merged per file and rendered
// at most four times a second (progress-coalescer.ts), and the library lists are re-read at most every few seconds
// while files land, so a folder of thousands of files neither re-renders per event nor re-reads the library per file.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IngestProgress, IngestStage } from '../../../engine/api/index.ts';
import {
  connect,
  errorMessage,
  ingestFiles,
  newJobId,
  onEngineEvent,
  onJobProgress,
  type Engine,
  type PendingFile,
} from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';
import { groupLabel } from './folder-job.ts';
import type { SkippedEntry } from './folder-walk.ts';
import { IngestMeter, type BatchSummary } from './ingest-rate.ts';
import { IngestJobs, type IncomingFile, type Job, type JobsView } from './ingest-jobs.ts';
import { ProgressCoalescer, ThrottledCall } from './progress-coalescer.ts';
import { isRecordFile } from './record-files.ts';

/** While files land, the library, its counts and the current search are re-read at most this often. */
export const LIBRARY_REFRESH_MS = 2_000;

export type { IncomingFile, Job } from './ingest-jobs.ts';

const FINAL: ReadonlySet<IngestStage> = new Set(['done', 'failed', 'cancelled', 'skipped']);
export function isFinal(stage: IngestStage): boolean {
  return FINAL.has(stage);
}

export interface IngestState extends JobsView {
  addFiles: (files: Array<File | IncomingFile>) => void;
  /** Sends a skipped duplicate again: replacing the document of the same name, or keeping both. */
  resolveDuplicate: (jobId: string, choice: 'replace' | 'keep-both') => void;
  /** Files from a folder walk: one folder job, with what the walk left out and why. */
  addFolder: (walk: { files: IncomingFile[]; skipped: SkippedEntry[] }) => void;
  dismissGroup: (groupId: string) => void;
  cancel: (jobId: string) => void;
  cancelGroup: (groupId: string) => void;
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
  /** Tries every failed file of a folder job again. */
  retryGroup: (groupId: string) => Promise<void>;
}

/** `targetCollection` is the collection new files go to (read when they are added). */
export function useIngest(targetCollection: string | undefined): IngestState {
  // The jobs live outside React (written as often as progress comes); the page renders snapshots of them.
  const [store] = useState(() => new IngestJobs());
  const [view, setView] = useState<JobsView>(() => store.snapshot());
  const publish = useCallback(() => setView(store.snapshot()), [store]);

  const { libraryChanged } = useEngine();
  // Files landing re-read the library at most every LIBRARY_REFRESH_MS (the last landing always gets its re-read).
  const [landing] = useState(() => new ThrottledCall(LIBRARY_REFRESH_MS));
  useEffect(() => landing.target(libraryChanged), [landing, libraryChanged]);
  const libraryLanded = landing.call;

  // One meter per page, fed every progress event (cheap: no render); it resets itself when a batch starts.
  const [meter] = useState(() => new IngestMeter());
  const [summary, setSummary] = useState<BatchSummary>();
  const observe = useCallback(
    (progress: IngestProgress) => {
      const now = performance.now();
      if (meter.observe(progress, now)) setSummary(meter.summary(now));
    },
    [meter],
  );

  const [coalescer] = useState(
    () =>
      new ProgressCoalescer((updates) => {
        const landed = store.apply(updates);
        setView(store.snapshot());
        if (landed) libraryLanded();
      }),
  );
  useEffect(() => () => coalescer.flush(), [coalescer]);

  const update = useCallback(
    (progress: IngestProgress) => {
      observe(progress);
      coalescer.push(progress);
    },
    [observe, coalescer],
  );

  const targetRef = useRef(targetCollection);
  useEffect(() => {
    targetRef.current = targetCollection;
  }, [targetCollection]);

  /** Records the suggested fields a table or JSON file is indexed by, so its row can say so. */
  const noteFields = useCallback(
    (jobId: string, fields: string[]) =>
      store.edit(jobId, (job) => ({
        ...job,
        suggestedFields: fields,
        incoming: job.incoming && { ...job.incoming, textFields: fields },
      })),
    [store],
  );

  /** Adds files; several at once (or a folder) become one group, or join the group `into`. */
  const send = useCallback(
    (files: Array<File | IncomingFile>, group?: { walkSkipped: SkippedEntry[]; into?: string }) => {
      if (files.length === 0 && !group) return;
      const target = targetRef.current;
      const pending: PendingFile[] = files.map((f) => {
        const incoming: IncomingFile = f instanceof File ? { file: f } : f;
        return { jobId: newJobId(), ...incoming, collection: incoming.collection ?? target };
      });
      for (const { jobId, file } of pending) observe({ jobId, fileName: file.name, stage: 'queued', fraction: 0 });
      store.add(
        pending,
        group && {
          id: newJobId(),
          label: groupLabel(pending),
          walkSkipped: group.walkSkipped,
          startedAt: performance.now(),
          into: group.into,
        },
      );
      publish();
      if (pending.length === 0) return;
      connect()
        .then(async ({ engine, settings }) => {
          const ready = await withSuggestedFields(engine, pending, noteFields);
          return ingestFiles(engine, ready, update, settings.maxFileMB);
        })
        .then((results) => {
          results.forEach(update);
          // The batch's summary counts these at once: the rows must not lag behind it.
          coalescer.flush();
        })
        .catch((reason: unknown) => {
          // The whole call failed (worker gone, storage broken): every unfinished file says why.
          const message = errorMessage(reason);
          for (const { jobId, file } of pending) {
            update({ jobId, fileName: file.name, stage: 'failed', fraction: 1, error: { code: 'INTERNAL', message } });
          }
        });
    },
    [store, update, observe, publish, noteFields, coalescer],
  );

  const addFiles = useCallback(
    (files: Array<File | IncomingFile>) => send(files, files.length > 1 ? { walkSkipped: [] } : undefined),
    [send],
  );

  const addFolder = useCallback(
    (walk: { files: IncomingFile[]; skipped: SkippedEntry[] }) => send(walk.files, { walkSkipped: walk.skipped }),
    [send],
  );

  useEffect(() => onJobProgress(update), [update]);

  // The worker died: every job still running failed with its message.
  useEffect(
    () =>
      onEngineEvent((event) => {
        if (event.type !== 'died') return;
        for (const job of store.all()) {
          if (!isFinal(job.progress.stage)) {
            update({
              ...job.progress,
              stage: 'failed',
              fraction: 1,
              error: { code: 'WORKER_DIED', message: event.message },
            });
          }
        }
        coalescer.flush();
      }),
    [store, update, coalescer],
  );

  const cancel = useCallback((jobId: string) => {
    connect()
      .then(({ engine }) => engine.cancel(jobId))
      .catch(() => undefined);
  }, []);

  const cancelGroup = useCallback(
    (groupId: string) => {
      const running = (store.group(groupId)?.jobIds ?? []).filter((id) => {
        const job = store.get(id);
        return job && !isFinal(job.progress.stage);
      });
      connect()
        .then(({ engine }) => Promise.all(running.map((id) => engine.cancel(id))))
        .catch(() => undefined);
    },
    [store],
  );

  const forget = useCallback(
    (drop: (job: Job) => boolean) => {
      store.forget(drop);
      publish();
    },
    [store, publish],
  );

  const dismiss = useCallback((jobId: string) => forget((job) => job.jobId === jobId), [forget]);

  const dismissGroup = useCallback(
    (groupId: string) => {
      store.dismissGroup(groupId);
      publish();
    },
    [store, publish],
  );

  // Throttled progress is flushed first: a file the summary already counts as finished is forgotten with the rest.
  const clearFinished = useCallback(() => {
    coalescer.flush();
    forget((job) => isFinal(job.progress.stage));
  }, [forget, coalescer]);

  const resolveDuplicate = useCallback(
    (jobId: string, choice: 'replace' | 'keep-both') => {
      const job = store.get(jobId);
      if (!job?.incoming) return;
      const into = store.groupOf(jobId)?.id;
      forget((j) => j.jobId === jobId);
      send([{ ...job.incoming, onDuplicate: choice }], into ? { walkSkipped: [], into } : undefined);
    },
    [store, send, forget],
  );

  const dismissSummary = useCallback(() => {
    setSummary(undefined);
    coalescer.flush();
    forget((job) => isFinal(job.progress.stage));
  }, [forget, coalescer]);

  const retry = useCallback(
    async (jobId: string) => {
      const job = store.get(jobId);
      if (!job || job.progress.stage !== 'failed') return;
      const into = store.groupOf(jobId)?.id;
      const documentId = job.progress.documentId;
      if (documentId !== undefined) {
        // The document and its text were kept: index it again (the engine reports the Retry as a new job).
        const { engine } = await connect();
        const known = (await engine.listDocuments()).some((d) => d.id === documentId && d.status === 'failed');
        if (known) {
          forget((j) => j.jobId === jobId);
          await engine.retryDocument(documentId);
          return;
        }
      }
      if (job.incoming) {
        forget((j) => j.jobId === jobId);
        send([job.incoming], into ? { walkSkipped: [], into } : undefined);
      }
    },
    [store, send, forget],
  );

  const retryGroup = useCallback(
    async (groupId: string) => {
      const failed = (store.group(groupId)?.jobIds ?? []).filter((id) => store.get(id)?.progress.stage === 'failed');
      for (const id of failed) await retry(id);
    },
    [store, retry],
  );

  return {
    ...view,
    addFiles,
    resolveDuplicate,
    addFolder,
    dismissGroup,
    cancel,
    cancelGroup,
    dismiss,
    clearFinished,
    meter,
    summary,
    dismissSummary,
    retry,
    retryGroup,
  };
}

/**
 * A table or JSON file sent without a choice (in a batch, or with "always use the suggestion") takes the suggested
 * text fields, asked of the engine first so its row can say which fields were used. A file whose preview fails goes as it is (the engine
 * reports why it cannot be read).
 */
async function withSuggestedFields(
  engine: Engine,
  pending: PendingFile[],
  noted: (jobId: string, fields: string[]) => void,
): Promise<PendingFile[]> {
  const ready: PendingFile[] = [];
  for (const file of pending) {
    if (file.textFields || !isRecordFile(file.file)) {
      ready.push(file);
      continue;
    }
    try {
      const { suggestedTextFields } = await engine.previewRecords(await file.file.arrayBuffer(), file.file.name);
      // No suggestion: the parser's own choice applies (and its message when there is no text at all).
      if (suggestedTextFields.length === 0) {
        ready.push(file);
        continue;
      }
      noted(file.jobId, suggestedTextFields);
      ready.push({ ...file, textFields: suggestedTextFields });
    } catch {
      ready.push(file);
    }
  }
  return ready;
}
