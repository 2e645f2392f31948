// Folders dropped or chosen: walks FileSystemEntry trees (drag and drop) or a webkitdirectory FileList into files
// with their relative folder, skipping hidden and unsupported files and saying why. Pure: no React, no engine.

export interface WalkedFile {
  file: File;
  /** Path inside what was dropped, with '/' separators, e.g. "notes/2024/plan.md". */
  path: string;
  /** Folder part of `path` ("notes/2024"), '' for a file dropped on its own. Becomes filterable metadata. */
  folder: string;
}

export type SkipReason = 'hidden' | 'unsupported' | 'unreadable' | 'limit';

export interface SkippedEntry {
  path: string;
  reason: SkipReason;
  /** For 'unreadable': the browser's message. */
  detail?: string;
}

export interface FolderWalkResult {
  files: WalkedFile[];
  skipped: SkippedEntry[];
}

export interface FolderWalkOptions {
  /** Lower-case extensions with the dot ('.md', '.pdf'…) the engine reads; others are skipped as unsupported. */
  extensions: readonly string[];
  /** Stop adding files after this many (the rest are skipped with reason 'limit'); default 10,000. */
  maxFiles?: number;
  signal?: AbortSignal;
}

/** Names that are hidden or system litter on common platforms. */
const SYSTEM_NAMES = new Set([
  'thumbs.db',
  'desktop.ini',
  '__macosx',
  'node_modules',
  '$recycle.bin',
  'system volume information',
]);

/** Hidden (dot files and folders, "~$" Office lock files) or system files that nobody means to search. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || SYSTEM_NAMES.has(name.toLowerCase());
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Collects results; the file/skip rules shared by both walks. */
class Collector {
  readonly files: WalkedFile[] = [];
  readonly skipped: SkippedEntry[] = [];
  private readonly extensions: Set<string>;
  private readonly maxFiles: number;

  constructor(options: FolderWalkOptions) {
    this.extensions = new Set(options.extensions.map((e) => e.toLowerCase()));
    this.maxFiles = options.maxFiles ?? 10_000;
  }

  /** Whether a file at `path` (named `name`) should be read; records the skip otherwise. */
  accepts(path: string, name: string): boolean {
    if (isHiddenName(name)) this.skipped.push({ path, reason: 'hidden' });
    else if (!this.extensions.has(extensionOf(name))) this.skipped.push({ path, reason: 'unsupported' });
    else if (this.files.length >= this.maxFiles) this.skipped.push({ path, reason: 'limit' });
    else return true;
    return false;
  }

  add(file: File, path: string): void {
    this.files.push({ file, path, folder: folderOf(path) });
  }

  result(): FolderWalkResult {
    return { files: this.files, skipped: this.skipped };
  }
}

/**
 * The entries of a drop, read synchronously: DataTransfer items are only readable during the drop event, so call
 * this inside the handler and walk the entries afterwards. Items without an entry API become plain files.
 */
export function entriesOfDrop(dataTransfer: DataTransfer): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  const files: File[] = [];
  for (const item of Array.from(dataTransfer.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) files.push(file);
    }
  }
  if (entries.length === 0 && files.length === 0) files.push(...Array.from(dataTransfer.files ?? []));
  return { entries, files };
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** All children of a directory: readEntries returns them in batches (100 in Chromium) until an empty one. */
async function childrenOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function message(error: unknown): string {
  return error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
    ? String((error as { message: unknown }).message)
    : String(error);
}

/**
 * Walks dropped entries depth-first (folders in name order, so results are stable), returning the files to add
 * with their paths relative to the drop, and every skipped file or folder with its reason. A hidden folder is
 * skipped as a whole (one entry), not file by file.
 */
export async function walkEntries(
  entries: readonly FileSystemEntry[],
  options: FolderWalkOptions,
  looseFiles: readonly File[] = [],
): Promise<FolderWalkResult> {
  const out = new Collector(options);
  for (const file of looseFiles) if (out.accepts(file.name, file.name)) out.add(file, file.name);
  const visit = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (options.signal?.aborted) return;
    if (entry.isDirectory) {
      if (isHiddenName(entry.name)) {
        out.skipped.push({ path, reason: 'hidden' });
        return;
      }
      let children: FileSystemEntry[];
      try {
        children = await childrenOf(entry as FileSystemDirectoryEntry);
      } catch (error) {
        out.skipped.push({ path, reason: 'unreadable', detail: message(error) });
        return;
      }
      children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const child of children) await visit(child, `${path}/${child.name}`);
      return;
    }
    if (!entry.isFile || !out.accepts(path, entry.name)) return;
    try {
      out.add(await fileOf(entry as FileSystemFileEntry), path);
    } catch (error) {
      out.skipped.push({ path, reason: 'unreadable', detail: message(error) });
    }
  };
  for (const entry of entries) await visit(entry, entry.name);
  return out.result();
}

/**
 * The same for `<input type="file" webkitdirectory>`: each File carries `webkitRelativePath` ("folder/sub/a.md").
 * Files inside hidden folders are skipped as hidden.
 */
export function walkFileList(files: Iterable<File>, options: FolderWalkOptions): FolderWalkResult {
  const out = new Collector(options);
  for (const file of files) {
    const path = file.webkitRelativePath || file.name;
    const folders = path.split('/').slice(0, -1);
    if (folders.some(isHiddenName)) out.skipped.push({ path, reason: 'hidden' });
    else if (out.accepts(path, file.name)) out.add(file, path);
  }
  return out.result();
}

/** "Skipped 3: 2 hidden, 1 unsupported (archive.xyz)" style counts for the summary. */
export function countSkipped(skipped: readonly SkippedEntry[]): Record<SkipReason, number> {
  const counts: Record<SkipReason, number> = { hidden: 0, unsupported: 0, unreadable: 0, limit: 0 };
  for (const s of skipped) counts[s.reason]++;
  return counts;
}
