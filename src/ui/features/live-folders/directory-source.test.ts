import { describe, expect, it } from 'vitest';
import type { DirectoryHandle, FileHandle } from './directory-access.ts';
import { directorySource } from './directory-source.ts';

type Tree = { [name: string]: string | Tree };

/** A directory handle over a tree of names, counting the files opened (getFile). */
function handleOf(name: string, tree: Tree, opened: string[], prefix = ''): DirectoryHandle {
  const child = (key: string): DirectoryHandle | FileHandle => {
    const value = tree[key]!;
    if (typeof value !== 'string') return handleOf(key, value, opened, `${prefix}${key}/`);
    return {
      kind: 'file',
      name: key,
      getFile: async () => {
        opened.push(`${prefix}${key}`);
        return new File([value], key, { lastModified: 1000 + value.length });
      },
    };
  };
  return {
    kind: 'directory',
    name,
    async *values() {
      for (const key of Object.keys(tree)) yield child(key);
    },
    getDirectoryHandle: async (key) => child(key) as DirectoryHandle,
    getFileHandle: async (key) => child(key) as FileHandle,
  };
}

describe('folder handle as a folder source', () => {
  it('lists supported files by relative path with size and time, GIF pictures among them, skipping hidden entries and other types', async () => {
    const opened: string[] = [];
    const source = directorySource(
      handleOf(
        'notes',
        {
          'a.md': 'alpha',
          '.hidden.md': 'no',
          '.git': { 'config.md': 'no' },
          'photo.bin': 'no',
          sub: { deep: { 'b.txt': 'beta!' }, 'loop.gif': 'GIF89a…' },
        },
        opened,
      ),
    );
    const listing = await source.list();
    expect(listing.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: 'a.md', size: 5, lastModified: 1005 },
      { path: 'sub/deep/b.txt', size: 5, lastModified: 1005 },
      { path: 'sub/loop.gif', size: 9, lastModified: 1007 },
    ]);
    const read = await source.read('sub/deep/b.txt');
    expect(new TextDecoder().decode(read.data)).toBe('beta!');
    expect(opened.filter((path) => path.includes('.git') || path.startsWith('.'))).toEqual([]);
  });
});
