// The folders kept in sync, in an IndexedDB database of their own: a directory handle can only be kept by
// IndexedDB (it is not text), and the browser asks for permission again after a restart, so the handle must
// survive until the user says yes. Each record is checked field by field when read back.
import { openDB, type IDBPDatabase } from 'idb';
import type { FolderSyncSummary } from '../../../engine/api/index.ts';
import type { DirectoryHandle } from './directory-access.ts';

const DATABASE = 'trove-live-folders';
const STORE = 'folders';

/** What the row shows of the last scan. */
export interface ScanCounts {
  added: number;
  changed: number;
  moved: number;
  removed: number;
  kept: number;
  unchanged: number;
  skipped: number;
  failed: number;
  passagesEmbedded: number;
  passagesReused: number;
}

export interface LiveFolder {
  id: string;
  /** The folder's name: its documents are stored under it, as when the folder is dropped. */
  name: string;
  handle: DirectoryHandle;
  collection: string;
  addedAt: number;
  lastScan?: number;
  counts?: ScanCounts;
  /** Files that failed in the last scan, with why (a few). */
  errors?: string[];
  /** Why the last scan did not run or stopped (folder gone, unreadable). */
  problem?: string;
}

let database: Promise<IDBPDatabase> | undefined;

function open(): Promise<IDBPDatabase> {
  const opening = (database ??= openDB(DATABASE, 1, {
    upgrade(db) {
      db.createObjectStore(STORE, { keyPath: 'id' });
    },
    // Forget everything (or a newer version in another tab) deletes or upgrades the database: an open connection
    // would hold that back for as long as this page lives. Close it; the next read opens it again.
    blocking() {
      void opening.then((db) => db.close());
      if (database === opening) database = undefined;
    },
    terminated() {
      if (database === opening) database = undefined;
    },
  }));
  return opening;
}

export function countsOf(summary: FolderSyncSummary): ScanCounts {
  return {
    added: summary.added.length,
    changed: summary.changed.length,
    moved: summary.renamed.length,
    removed: summary.deleted.length,
    kept: summary.keptDeleted.length,
    unchanged: summary.unchanged,
    skipped: summary.skipped.length,
    failed: summary.failed.length,
    passagesEmbedded: summary.passagesEmbedded,
    passagesReused: summary.passagesReused,
  };
}

export async function readFolders(): Promise<LiveFolder[]> {
  const rows: unknown[] = await (await open()).getAll(STORE);
  return rows.flatMap((row) => {
    const folder = checked(row);
    return folder ? [folder] : [];
  });
}

export async function saveFolder(folder: LiveFolder): Promise<void> {
  await (await open()).put(STORE, folder);
}

export async function removeFolder(id: string): Promise<void> {
  await (await open()).delete(STORE, id);
}

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

/** A stored record, or undefined when it is not one (damaged, or written by something else). */
function checked(row: unknown): LiveFolder | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const r = row as Record<string, unknown>;
  const handle = r.handle as DirectoryHandle | undefined;
  if (typeof r.id !== 'string' || typeof r.name !== 'string' || typeof r.collection !== 'string') return undefined;
  if (!handle || handle.kind !== 'directory' || typeof handle.values !== 'function') return undefined;
  if (!Number.isFinite(r.addedAt)) return undefined;
  const folder: LiveFolder = { id: r.id, name: r.name, handle, collection: r.collection, addedAt: r.addedAt as number };
  if (Number.isFinite(r.lastScan)) folder.lastScan = r.lastScan as number;
  const counts = r.counts as Record<string, unknown> | undefined;
  const keys: Array<keyof ScanCounts> = [
    'added',
    'changed',
    'moved',
    'removed',
    'kept',
    'unchanged',
    'skipped',
    'failed',
    'passagesEmbedded',
    'passagesReused',
  ];
  if (counts && typeof counts === 'object' && keys.every((key) => isCount(counts[key]))) {
    folder.counts = Object.fromEntries(keys.map((key) => [key, counts[key]])) as unknown as ScanCounts;
  }
  if (Array.isArray(r.errors) && r.errors.every((e) => typeof e === 'string')) folder.errors = r.errors.slice(0, 20);
  if (typeof r.problem === 'string') folder.problem = r.problem;
  return folder;
}
