// The folders kept in sync, in an IndexedDB database of their own: a directory handle can only be kept by
// IndexedDB (it is not text), and the browser asks for permission again after a restart, so the handle must
// survive until the user says yes. Each record is checked field by field when read back.
//
// With the library lock on, a record is its id and sealed bytes (the engine seals them under the library's key,
// bound to the id): the folder's name, its collection, the last scan's counts and the names of files that failed
// are readable only once unlocked. The directory handle is then not stored at all: it cannot be encrypted (the
// browser serializes it itself), and Chromium's serialization holds the folder's full path on disk, so keeping it
// would leave "/home/…/Divorce lawyer" readable in a locked profile. It lives in the page's memory while the
// library is open, and after a reload or a lock the user chooses the folder again (the picker opens where it was).
// Records written in clear (before the lock was turned on) are read field by field and sealed at once.
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
  /** Absent when the folder must be chosen again (a library with the lock on keeps no handle: see above). */
  handle?: DirectoryHandle;
  collection: string;
  addedAt: number;
  lastScan?: number;
  counts?: ScanCounts;
  /** Files that failed in the last scan, with why (a few). */
  errors?: string[];
  /** Why the last scan did not run or stopped (folder gone, unreadable). */
  problem?: string;
}

/** Seals and opens records under the library lock (the engine's sealFolderRecord and openFolderRecord). */
export interface RecordSealer {
  /** Undefined for a library without the lock: its records are stored as they are. */
  seal(id: string, record: object): Promise<Uint8Array | undefined>;
  open(id: string, sealed: Uint8Array): Promise<unknown>;
}

export interface StoredFolders {
  folders: LiveFolder[];
  /** Sealed records that did not open (changed on disk, or another key's): kept, not shown. */
  unreadable: number;
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

export async function readFolders(sealer: RecordSealer): Promise<StoredFolders> {
  const rows: unknown[] = await (await open()).getAll(STORE);
  const folders: LiveFolder[] = [];
  let unreadable = 0;
  for (const row of rows) {
    const r = (typeof row === 'object' && row !== null ? row : {}) as Record<string, unknown>;
    if (r.sealed !== undefined) {
      const opened = typeof r.id === 'string' && (await openSealed(r.id, r.sealed, sealer));
      if (opened) folders.push(opened);
      else unreadable++;
      continue;
    }
    const folder = checked(row);
    if (!folder) continue;
    // Written in clear (the lock turned on since): sealed now, its handle kept in memory only.
    const sealed = await sealer.seal(folder.id, metadataOf(folder));
    if (sealed) await (await open()).put(STORE, { id: folder.id, sealed });
    folders.push(folder);
  }
  return { folders, unreadable };
}

export async function saveFolder(folder: LiveFolder, sealer: RecordSealer): Promise<void> {
  // Sealed before the transaction opens: an IndexedDB transaction ends at the first await on something else.
  const sealed = await sealer.seal(folder.id, metadataOf(folder));
  await (await open()).put(STORE, sealed ? { id: folder.id, sealed } : folder);
}

export async function removeFolder(id: string): Promise<void> {
  await (await open()).delete(STORE, id);
}

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

/** Everything of a record but its id and handle: what is sealed. */
function metadataOf(folder: LiveFolder): Omit<LiveFolder, 'id' | 'handle'> {
  const { id: _id, handle: _handle, ...metadata } = folder;
  return metadata;
}

async function openSealed(id: string, sealed: unknown, sealer: RecordSealer): Promise<LiveFolder | undefined> {
  if (!(sealed instanceof Uint8Array)) return undefined;
  try {
    const opened = await sealer.open(id, sealed);
    if (typeof opened !== 'object' || opened === null) return undefined;
    // Sealed records never hold a handle: whatever the bytes say, the folder is chosen again.
    return checked({ ...opened, id, handle: undefined });
  } catch (error) {
    // A record that fails its integrity check is reported; LOCKED and the like are not the record's fault.
    if ((error as { code?: unknown } | null)?.code === 'DECRYPT_FAILED') return undefined;
    throw error;
  }
}

/** A stored record, or undefined when it is not one (damaged, or written by something else). */
function checked(row: unknown): LiveFolder | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const r = row as Record<string, unknown>;
  const handle = r.handle as DirectoryHandle | undefined;
  if (typeof r.id !== 'string' || typeof r.name !== 'string' || typeof r.collection !== 'string') return undefined;
  if (handle !== undefined && (handle?.kind !== 'directory' || typeof handle.values !== 'function')) return undefined;
  if (!Number.isFinite(r.addedAt)) return undefined;
  const folder: LiveFolder = { id: r.id, name: r.name, collection: r.collection, addedAt: r.addedAt as number };
  if (handle) folder.handle = handle;
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
