// Live folders: "Keep a folder in sync" where the browser can pick folders, and one row per folder kept in sync
// with its last scan, what changed, errors, and Scan now / Stop syncing; Allow access after a restart.
import { useEffect, useRef } from 'react';
import { canPickFolders } from './directory-access.ts';
import type { FolderSyncProgress } from '../../../engine/api/index.ts';
import type { ScanCounts } from './folder-store.ts';
import { useLiveFolders, type FolderRow } from './useLiveFolders.ts';
import './live-folders.css';

interface Props {
  /** The collection a newly chosen folder's files go into. */
  collection: string;
}

export function LiveFolders({ collection }: Props) {
  const folders = useLiveFolders();
  const folderInput = useRef<HTMLInputElement>(null);
  // React has no prop for it; set as an attribute, as the drop zone does.
  useEffect(() => folderInput.current?.setAttribute('webkitdirectory', ''), []);
  return (
    <section className="live-folders" aria-labelledby="live-folders-heading" data-testid="live-folders">
      <h2 id="live-folders-heading">Live folders</h2>
      {canPickFolders() && (
        <button
          type="button"
          className="button"
          data-testid="live-folder-add"
          onClick={() => void folders.add(collection)}
        >
          Keep a folder in sync
        </button>
      )}
      {!canPickFolders() && (
        <>
          <p className="live-folders-note">
            This browser cannot keep a folder in sync. Choose a folder you added before to bring its documents up to
            date once: new and changed files are added, moved ones follow, none is removed.
          </p>
          <label className="button">
            Update from a folder
            <input
              ref={folderInput}
              type="file"
              className="visually-hidden"
              data-testid="live-folder-once"
              onChange={(event) => {
                const files = [...(event.currentTarget.files ?? [])];
                event.currentTarget.value = '';
                void folders.syncOnce(files, collection);
              }}
            />
          </label>
          {folders.once && (
            <p aria-live="polite" data-testid="live-folder-once-state">
              {folders.once.busy
                ? `Comparing “${folders.once.name}”…`
                : `“${folders.once.name}”: ${describe(folders.once.counts)}`}
            </p>
          )}
        </>
      )}
      {folders.error && (
        <p className="alert" role="alert">
          {folders.error}
        </p>
      )}
      {folders.rows.length > 0 && (
        <ul className="live-folder-list">
          {folders.rows.map((row) => (
            <FolderRowView
              key={row.id}
              row={row}
              onScan={() => void folders.scan(row.id)}
              onAllow={() => void folders.allow(row.id)}
              onChoose={() => void folders.choose(row.id)}
              onStop={() => void folders.stop(row.id)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function FolderRowView({
  row,
  onScan,
  onAllow,
  onChoose,
  onStop,
}: {
  row: FolderRow;
  onScan: () => void;
  onAllow: () => void;
  onChoose: () => void;
  onStop: () => void;
}) {
  const needsFolder = !row.handle;
  const needsPermission = !needsFolder && (row.permission === 'prompt' || row.permission === 'denied');
  return (
    <li
      className="live-folder"
      data-testid="live-folder"
      data-scanning={row.scanning ? 'true' : 'false'}
      data-permission={needsFolder ? 'choose' : row.permission}
    >
      <div className="live-folder-name">{row.name}</div>
      <div className="live-folder-state" aria-live="polite" data-testid="live-folder-state">
        {row.scanning
          ? scanning(row.progress)
          : needsFolder
            ? 'Choose this folder again to keep it in sync: with the library lock on, Trove keeps no access to it across reloads (the browser would store its path unencrypted). Its documents are kept.'
            : needsPermission
              ? 'Trove needs your permission to read this folder again. Its documents are kept.'
              : row.problem
                ? `Not scanned: ${row.problem}`
                : row.lastScan
                  ? `Last scan ${new Date(row.lastScan).toLocaleTimeString()}: ${describe(row.counts)}`
                  : 'Not scanned yet.'}
      </div>
      {row.errors && row.errors.length > 0 && (
        <ul className="live-folder-errors" data-testid="live-folder-errors">
          {row.errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      )}
      <div className="live-folder-actions">
        {needsFolder ? (
          <button type="button" className="button" data-testid="live-folder-choose" onClick={onChoose}>
            Choose folder
          </button>
        ) : needsPermission ? (
          <button type="button" className="button" data-testid="live-folder-allow" onClick={onAllow}>
            Allow access
          </button>
        ) : (
          <button
            type="button"
            className="button"
            data-testid="live-folder-scan"
            disabled={row.scanning}
            onClick={onScan}
          >
            Scan now
          </button>
        )}
        <button type="button" className="button" data-testid="live-folder-stop" onClick={onStop}>
          Stop syncing
        </button>
      </div>
    </li>
  );
}

/** What a running scan is doing: its files are counted here, not on the job list. */
function scanning(progress: FolderSyncProgress | undefined): string {
  if (!progress || progress.phase === 'listing') return 'Scanning: listing the folder…';
  if (progress.phase === 'hashing') return `Scanning: checking ${progress.done + 1} of ${progress.total} files…`;
  return progress.total === 0
    ? 'Scanning…'
    : `Scanning: ${progress.done} of ${plural(progress.total, 'change')} applied…`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function describe(counts: ScanCounts | undefined): string {
  if (!counts) return 'nothing recorded.';
  const parts = [
    `${counts.added} added`,
    `${counts.changed} changed`,
    `${counts.moved} moved`,
    `${counts.removed} removed`,
    `${counts.unchanged} unchanged`,
  ];
  if (counts.kept > 0) parts.push(`${counts.kept} no longer in the folder (kept)`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  const passages = `${plural(counts.passagesEmbedded, 'passage')} embedded, ${counts.passagesReused} reused`;
  return `${parts.join(', ')}; ${passages}.`;
}
