// Backup and storage: export the library (or one collection) as a .trove file, import one, and see how much of
// the browser's storage the library uses and whether it is kept under storage pressure. An export is encrypted
// with a passphrase by default when the library is (a plain file can be read by anyone who has it, and says so);
// importing an encrypted file asks for its passphrase.
import { useRef, useState, type ChangeEvent } from 'react';
import * as Comlink from 'comlink';
import type { BackupProgress, CollectionSummary, ImportSummary, StorageStatus } from '../../../engine/api/index.ts';
import { isEncryptedFile } from '../../../engine/public.ts';
import { errorMessage, newJobId } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';
import { formatBytes, plural } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import './backup.css';

interface Props {
  collections: CollectionSummary[];
  storage: StorageStatus | undefined;
}

/** Shortest export passphrase the engine accepts (its MIN_PASSPHRASE_LENGTH). */
const MIN_PASSPHRASE = 8;
const PLAIN_WARNING = 'Plain file: anyone who has it can read the whole library.';

type Job =
  | { kind: 'export' | 'import'; jobId: string; progress?: BackupProgress }
  | { kind: 'done'; message: string }
  | { kind: 'failed'; message: string; code?: string; file?: File };

export function BackupPanel({ collections, storage }: Props) {
  const { engine, libraryChanged, lock } = useEngine();
  const [scope, setScope] = useState('*');
  const [job, setJob] = useState<Job>();
  const picker = useRef<HTMLInputElement>(null);
  const busy = job?.kind === 'export' || job?.kind === 'import';
  const libraryEncrypted = lock !== undefined && lock !== 'plain';
  // Encrypted by default when the library is; the user's own choice wins once made.
  const [encryptChoice, setEncryptChoice] = useState<boolean>();
  const encrypt = encryptChoice ?? libraryEncrypted;
  const [exportPassphrase, setExportPassphrase] = useState('');
  /** An encrypted file waiting for its passphrase. */
  const [locked, setLocked] = useState<File>();
  const [importPassphrase, setImportPassphrase] = useState('');

  const exportNow = async () => {
    if (!engine) return;
    const jobId = newJobId();
    setJob({ kind: 'export', jobId });
    try {
      const options = {
        jobId,
        ...(scope === '*' ? {} : { collection: scope }),
        ...(encrypt ? { passphrase: exportPassphrase } : { plain: true }),
      };
      let last: BackupProgress | undefined;
      const onProgress = progressOf(setJob, 'export', jobId);
      const blob = await engine.exportLibrary(
        options,
        Comlink.proxy((progress: BackupProgress) => {
          last = progress;
          onProgress(progress);
        }),
      );
      const name = `${scope === '*' ? 'trove-library' : `trove-${scope}`}-${new Date().toISOString().slice(0, 10)}.trove`;
      download(blob, name);
      setExportPassphrase('');
      setJob({
        kind: 'done',
        message:
          `Exported ${name} (${formatBytes(blob.size)}), ${encrypt ? 'encrypted with your passphrase' : `not encrypted. ${PLAIN_WARNING}`}` +
          exportedThreadsText(last),
      });
    } catch (reason) {
      setJob({ kind: 'failed', message: errorMessage(reason) });
    }
  };

  const importFile = async (file: File, reembed = false, passphrase?: string) => {
    if (!engine) return;
    const jobId = newJobId();
    setJob({ kind: 'import', jobId });
    try {
      const summary: ImportSummary = await engine.importLibrary(
        file,
        {
          jobId,
          fileName: file.name,
          onModelMismatch: reembed ? 're-embed' : 'refuse',
          ...(passphrase === undefined ? {} : { passphrase }),
        },
        Comlink.proxy(progressOf(setJob, 'import', jobId)),
      );
      setLocked(undefined);
      setImportPassphrase('');
      setJob({
        kind: 'done',
        message:
          `Imported ${plural(summary.documents, 'document')} and ${plural(summary.passages, 'passage')} from ${file.name}.` +
          (summary.reembedding
            ? ' Their passages are being embedded with the current model; keyword search works now.'
            : '') +
          importedThreadsText(summary),
      });
    } catch (reason) {
      const code = typeof reason === 'object' && reason !== null ? (reason as { code?: string }).code : undefined;
      setJob({ kind: 'failed', message: errorMessage(reason), code, file });
    } finally {
      libraryChanged();
    }
  };

  const picked = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    // An encrypted file asks for its passphrase before anything is sent to the engine.
    if (isEncryptedFile(new Uint8Array(await file.slice(0, 8).arrayBuffer()))) {
      setJob(undefined);
      setImportPassphrase('');
      setLocked(file);
    } else {
      setLocked(undefined);
      void importFile(file);
    }
  };

  return (
    <section className="backup" aria-labelledby="backup-title" data-testid="backup">
      <div className="section-head">
        <h2 id="backup-title" className="section-title">
          Backup and storage
        </h2>
        <StorageLine status={storage} />
      </div>
      <div className="backup__row">
        <label htmlFor="export-scope">Export</label>
        <select
          id="export-scope"
          data-testid="export-scope"
          value={scope}
          disabled={busy}
          onChange={(e) => setScope(e.target.value)}
        >
          <option value="*">Everything</option>
          {collections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <label className="backup__check">
          <input
            type="checkbox"
            data-testid="export-encrypt"
            checked={encrypt}
            disabled={busy}
            onChange={(e) => setEncryptChoice(e.target.checked)}
          />
          Encrypt with a passphrase
        </label>
        {encrypt && (
          <input
            type="password"
            autoComplete="new-password"
            aria-label="Passphrase for the exported file"
            placeholder={`Passphrase (${MIN_PASSPHRASE}+ characters)`}
            data-testid="export-passphrase"
            value={exportPassphrase}
            disabled={busy}
            onChange={(e) => setExportPassphrase(e.target.value)}
          />
        )}
        <button
          type="button"
          className="button button--small"
          data-testid="export"
          disabled={busy || !engine || (encrypt && exportPassphrase.length < MIN_PASSPHRASE)}
          onClick={() => void exportNow()}
        >
          {encrypt ? 'Export encrypted .trove' : 'Export plain .trove'}
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="import"
          disabled={busy || !engine}
          onClick={() => picker.current?.click()}
        >
          Import .trove…
        </button>
        <input
          ref={picker}
          type="file"
          accept=".trove"
          hidden
          data-testid="import-input"
          onChange={(e) => void picked(e)}
        />
      </div>
      {scope !== '*' && (
        <p className="section-meta" data-testid="export-threads-note">
          Saved answer threads are exported only with “Everything”: their citations may point into any collection.
        </p>
      )}
      {!encrypt && (
        <p className="backup__warning" data-testid="export-plain-warning">
          {PLAIN_WARNING} Tick “Encrypt with a passphrase” to protect it.
        </p>
      )}
      {locked && !busy && (
        <form
          className="backup__row"
          data-testid="import-passphrase-form"
          onSubmit={(e) => {
            e.preventDefault();
            void importFile(locked, false, importPassphrase);
          }}
        >
          <label htmlFor="import-passphrase">{locked.name} is encrypted: its passphrase</label>
          <input
            id="import-passphrase"
            type="password"
            autoComplete="off"
            data-testid="import-passphrase"
            value={importPassphrase}
            onChange={(e) => setImportPassphrase(e.target.value)}
          />
          <button
            type="submit"
            className="button button--small"
            data-testid="import-passphrase-submit"
            disabled={!importPassphrase}
          >
            Import
          </button>
          <button
            type="button"
            className="button button--small button--quiet"
            onClick={() => {
              setLocked(undefined);
              setImportPassphrase('');
            }}
          >
            Cancel
          </button>
        </form>
      )}
      {job && (job.kind === 'export' || job.kind === 'import') && (
        <div className="backup__job" data-testid="backup-progress">
          <ProgressBar
            value={job.progress?.totalBytes ? job.progress.bytes / job.progress.totalBytes : undefined}
            label={job.kind === 'export' ? 'Exporting' : 'Importing'}
          />
          <span>
            {phaseText(job.kind, job.progress)}{' '}
            <button
              type="button"
              className="button button--small button--quiet"
              data-testid="backup-cancel"
              onClick={() => void engine?.cancelBackup(job.jobId)}
            >
              Cancel
            </button>
          </span>
        </div>
      )}
      {job?.kind === 'done' && (
        <p className="notice" role="status" data-testid="backup-done">
          {job.message}
        </p>
      )}
      {job?.kind === 'failed' && (
        <p className="alert" role="alert" data-testid="backup-error">
          {job.message}
          {job.code === 'MODEL_MISMATCH' && job.file && (
            <>
              {' '}
              <button
                type="button"
                className="button button--small"
                data-testid="import-reembed"
                onClick={() => void importFile(job.file!, true, locked ? importPassphrase : undefined)}
              >
                Import anyway and re-embed
              </button>
            </>
          )}
        </p>
      )}
    </section>
  );
}

/**
 * A progress listener that only updates its own running job: progress crosses on another port than the answer,
 * so an event may land after the job finished and must not bring back its progress bar.
 */
function progressOf(
  setJob: (update: (job: Job | undefined) => Job | undefined) => void,
  kind: 'export' | 'import',
  jobId: string,
) {
  return (progress: BackupProgress) =>
    setJob((job) => (job && job.kind === kind && job.jobId === jobId ? { ...job, progress } : job));
}

/** The saved threads an export carried, and those it left out because they could not be read. */
function exportedThreadsText(progress: BackupProgress | undefined): string {
  const threads = progress?.threads ?? 0;
  const skipped = progress?.skippedThreads ?? 0;
  return (
    (threads > 0 ? ` It holds ${plural(threads, 'saved answer thread')}.` : '') +
    (skipped > 0
      ? ` ${plural(skipped, 'saved thread')} could not be read and ${skipped === 1 ? 'was' : 'were'} left out.`
      : '')
  );
}

function importedThreadsText(summary: ImportSummary): string {
  const { threads, refusedThreads, threadsOverLimit } = summary;
  return (
    (threads > 0 ? ` Added ${plural(threads, 'saved answer thread')}.` : '') +
    (refusedThreads > 0
      ? ` ${plural(refusedThreads, 'saved thread')} in the file ${refusedThreads === 1 ? 'was' : 'were'} damaged or malformed and left out.`
      : '') +
    (threadsOverLimit > 0
      ? ` ${plural(threadsOverLimit, 'more saved thread')} ${threadsOverLimit === 1 ? 'was' : 'were'} left out: one import adds at most ${threads.toLocaleString()}.`
      : '')
  );
}

function StorageLine({ status }: { status: StorageStatus | undefined }) {
  if (!status) return null;
  return (
    <p className="section-meta" data-testid="storage" data-persisted={String(status.persisted ?? false)}>
      {status.known
        ? `${formatBytes(status.usage ?? 0)} of ${formatBytes(status.quota ?? 0)} used`
        : 'Storage use unknown'}
      {' · '}
      {status.persisted ? 'kept by the browser (persistent)' : 'may be cleared by the browser when space runs low'}
    </p>
  );
}

function phaseText(kind: 'export' | 'import', progress: BackupProgress | undefined): string {
  if (!progress) return kind === 'export' ? 'Exporting…' : 'Reading…';
  const docs = `${progress.documents.toLocaleString()} of ${progress.totalDocuments.toLocaleString()} documents`;
  if (progress.phase === 'verify')
    return `Checking the file… ${formatBytes(progress.bytes)}${progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}`;
  return `${progress.phase === 'export' ? 'Exporting' : 'Importing'} ${docs}`;
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
