// A folder handle as the engine's FolderSource: the listing walks the folder and reads each file's size and time
// (File objects are lazy: no content is read), skipping hidden entries and unsupported types; a read opens one file.
import type { FolderEntry, FolderSource } from '../../../engine/api/index.ts';
import { SUPPORTED_EXTENSIONS } from '../../../engine/public.ts';
import type { DirectoryHandle, FileHandle } from './directory-access.ts';

/** File metadata requests in flight at once while listing. */
const CONCURRENT_STATS = 64;

function supported(name: string): boolean {
  const lower = name.toLowerCase();
  return !name.startsWith('.') && SUPPORTED_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** `signal` stops the listing (Stop syncing): a large folder's walk is most of a scan with no changes. */
export function directorySource(root: DirectoryHandle, signal?: AbortSignal): FolderSource {
  return {
    async list(): Promise<FolderEntry[]> {
      const entries: FolderEntry[] = [];
      const walk = async (folder: DirectoryHandle, prefix: string): Promise<void> => {
        const files: FileHandle[] = [];
        for await (const entry of folder.values()) {
          signal?.throwIfAborted();
          if (entry.name.startsWith('.')) continue;
          if (entry.kind === 'directory') await walk(entry, `${prefix}${entry.name}/`);
          else if (supported(entry.name)) files.push(entry);
        }
        // Each getFile is a round trip to the browser: a folder's are asked for together, not one after another.
        for (let from = 0; from < files.length; from += CONCURRENT_STATS) {
          signal?.throwIfAborted();
          const batch = files.slice(from, from + CONCURRENT_STATS);
          const stats = await Promise.all(batch.map((handle) => handle.getFile()));
          stats.forEach((file, i) =>
            entries.push({ path: `${prefix}${batch[i]!.name}`, size: file.size, lastModified: file.lastModified }),
          );
        }
      };
      await walk(root, '');
      return entries;
    },
    async read(path: string) {
      const parts = path.split('/');
      const name = parts.pop() ?? '';
      let folder = root;
      for (const part of parts) folder = await folder.getDirectoryHandle(part);
      const file = await (await folder.getFileHandle(name)).getFile();
      return { data: await file.arrayBuffer(), size: file.size, lastModified: file.lastModified };
    },
  };
}
