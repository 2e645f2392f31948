// A folder chosen with <input type="file" webkitdirectory> (browsers without showDirectoryPicker) as a FolderSource,
// for a one-shot sync: the same comparison of paths, sizes, times and hashes, applied once. Each File carries
// "folder/sub/a.md"; the first part is the folder's name.
import type { FolderEntry, FolderSource } from '../../../engine/api/index.ts';
import { SUPPORTED_EXTENSIONS } from '../../../engine/public.ts';

export type ChosenFile = Pick<File, 'webkitRelativePath' | 'size' | 'lastModified' | 'arrayBuffer'>;

export interface ChosenFolder {
  /** The folder's name (undefined when the files came without relative paths). */
  root: string | undefined;
  source: FolderSource;
}

export function fileListSource(files: readonly ChosenFile[]): ChosenFolder {
  const byPath = new Map<string, ChosenFile>();
  let root: string | undefined;
  for (const file of files) {
    const [top, ...rest] = file.webkitRelativePath.split('/');
    const path = rest.join('/');
    const lower = path.toLowerCase();
    if (!top || !path || rest.some((part) => part.startsWith('.'))) continue;
    if (!SUPPORTED_EXTENSIONS.some((ext) => lower.endsWith(ext))) continue;
    root ??= top;
    if (top === root) byPath.set(path, file);
  }
  return {
    root,
    source: {
      async list(): Promise<FolderEntry[]> {
        return [...byPath].map(([path, file]) => ({ path, size: file.size, lastModified: file.lastModified }));
      },
      async read(path: string) {
        const file = byPath.get(path);
        if (!file) throw new Error(`“${path}” is not in the chosen folder.`);
        return { data: await file.arrayBuffer(), size: file.size, lastModified: file.lastModified };
      },
    },
  };
}
