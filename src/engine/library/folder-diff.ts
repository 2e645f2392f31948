// What changed in a folder since it was last recorded, in two pure steps: which files must be read to hash them
// (the only contents a scan reads before it applies anything), then the diff itself. A file whose size and
// modification time are as recorded is unchanged without being read; a new file is hashed only when a vanished
// file had its size, since only then can it be that file moved. A file moved and edited at once (no content
// matches) is recognised by its name: a vanished file and a new one of the same file name, each the only one of
// that name, and of similar size, are one file (its document replaced at the new place, tags and collection kept).

/** A file as the library recorded it: where it was, its metadata, and its content's hash. */
export interface RecordedFile {
  path: string;
  size: number;
  /** Absent when the browser gave no time: the file is then always hashed. */
  lastModified?: number;
  sha256: string;
}

/** A file as the folder lists it now (no content read). */
export interface ListedFile {
  path: string;
  size: number;
  lastModified: number;
}

export interface FolderDiff {
  /** Paths with no recorded file, and no vanished file of the same content. */
  added: string[];
  /** Paths recorded and listed whose content differs. */
  changed: string[];
  /** A vanished recorded file and a new path with the same content. */
  renamed: Array<{ from: string; to: string }>;
  /** A vanished recorded file and a new path of the same file name and a similar size, with other content. */
  movedAndChanged: Array<{ from: string; to: string }>;
  /** Recorded paths gone from the folder, with no new path of the same content. */
  deleted: string[];
  /** Paths recorded and listed with the same content (metadata as recorded, or hashed equal). */
  unchanged: string[];
}

/** Paths whose content must be hashed before `diffFolder`: metadata changed, or possibly a moved file. */
export function pathsToHash(previous: readonly RecordedFile[], listing: readonly ListedFile[]): string[] {
  const recorded = byPath(previous);
  const listed = new Set(listing.map((file) => file.path));
  const vanishedSizes = new Set(previous.filter((file) => !listed.has(file.path)).map((file) => file.size));
  const paths: string[] = [];
  for (const file of listing) {
    const before = recorded.get(file.path);
    if (before ? metadataChanged(before, file) : vanishedSizes.has(file.size)) paths.push(file.path);
  }
  return paths;
}

/**
 * The diff of a recorded folder and its listing, given the hashes of the paths `pathsToHash` named. A path with
 * metadata changed but no hash (it could not be read) counts as changed; a new path without one as added.
 * Vanished files pair with new paths of the same content in path order, so the answer never depends on listing order.
 */
export function diffFolder(
  previous: readonly RecordedFile[],
  listing: readonly ListedFile[],
  hashes: ReadonlyMap<string, string>,
): FolderDiff {
  const recorded = byPath(previous);
  const listed = new Set(listing.map((file) => file.path));
  const diff: FolderDiff = { added: [], changed: [], renamed: [], movedAndChanged: [], deleted: [], unchanged: [] };
  const fresh: ListedFile[] = [];
  for (const file of listing) {
    const before = recorded.get(file.path);
    if (!before) fresh.push(file);
    else if (!metadataChanged(before, file) || hashes.get(file.path) === before.sha256) diff.unchanged.push(file.path);
    else diff.changed.push(file.path);
  }
  // New paths by content, each list in path order, taken from the front as vanished files claim them.
  const freshByHash = new Map<string, string[]>();
  for (const file of [...fresh].sort(byPathOrder)) {
    const hash = hashes.get(file.path);
    if (hash === undefined) continue;
    const list = freshByHash.get(hash);
    if (list) list.push(file.path);
    else freshByHash.set(hash, [file.path]);
  }
  const moved = new Set<string>();
  const gone: RecordedFile[] = [];
  for (const before of previous.filter((file) => !listed.has(file.path)).sort(byPathOrder)) {
    const to = freshByHash.get(before.sha256)?.shift();
    if (to === undefined) gone.push(before);
    else {
      diff.renamed.push({ from: before.path, to });
      moved.add(to);
    }
  }
  // Moved and edited: only where the name leaves no doubt (one vanished file and one new file of that name).
  const goneByName = groupByName(gone);
  const freshByName = groupByName(fresh.filter((file) => !moved.has(file.path)));
  for (const before of gone) {
    const otherGone = goneByName.get(nameOf(before.path))!.length - 1;
    const [to, ...otherFresh] = freshByName.get(nameOf(before.path)) ?? [];
    if (to && otherGone === 0 && otherFresh.length === 0 && similarSize(before.size, to.size)) {
      diff.movedAndChanged.push({ from: before.path, to: to.path });
      moved.add(to.path);
    } else diff.deleted.push(before.path);
  }
  for (const file of fresh) if (!moved.has(file.path)) diff.added.push(file.path);
  return diff;
}

/** Sizes within a factor of two: an edit rarely doubles or halves a file; another file of the same name may. */
function similarSize(a: number, b: number): boolean {
  return Math.min(a, b) * 2 >= Math.max(a, b);
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function groupByName<T extends { path: string }>(files: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const file of files) {
    const name = nameOf(file.path);
    const group = groups.get(name);
    if (group) group.push(file);
    else groups.set(name, [file]);
  }
  return groups;
}

function metadataChanged(before: RecordedFile, now: ListedFile): boolean {
  return before.size !== now.size || before.lastModified !== now.lastModified;
}

function byPath<T extends { path: string }>(files: readonly T[]): Map<string, T> {
  return new Map(files.map((file) => [file.path, file]));
}

function byPathOrder(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
