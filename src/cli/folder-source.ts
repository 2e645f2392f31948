// A folder on disk as the engine's FolderSource, for `trove sync`: the listing is metadata only (stat), paths are
// relative and '/'-separated on every platform, and a read says the size and time of what it read.
import { readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { FolderEntry, FolderSource } from '../engine/api/folders.ts';

export function diskFolder(folder: string, files: readonly string[]): FolderSource {
  const toPath = (file: string) => relative(folder, file).split(sep).join('/');
  return {
    async list(): Promise<FolderEntry[]> {
      const entries: FolderEntry[] = [];
      for (const file of files) {
        const info = await stat(file).catch(() => undefined);
        // Gone since the walk: the next scan sees it deleted, this one does not guess.
        if (info?.isFile())
          entries.push({ path: toPath(file), size: info.size, lastModified: Math.floor(info.mtimeMs) });
      }
      return entries;
    },
    async read(path: string) {
      const file = join(folder, ...path.split('/'));
      const info = await stat(file);
      const data = await readFile(file);
      return {
        data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
        size: data.byteLength,
        lastModified: Math.floor(info.mtimeMs),
      };
    },
  };
}
