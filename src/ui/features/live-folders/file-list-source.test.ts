import { describe, expect, it } from 'vitest';
import { fileListSource, type ChosenFile } from './file-list-source.ts';

function chosen(path: string, text: string, lastModified = 1000): ChosenFile {
  const bytes = new TextEncoder().encode(text);
  return {
    webkitRelativePath: path,
    size: bytes.byteLength,
    lastModified,
    arrayBuffer: async () => bytes.slice().buffer,
  };
}

describe('one-shot folder source (webkitdirectory)', () => {
  it('lists supported files under the chosen folder by their path inside it, and reads them', async () => {
    const { root, source } = fileListSource([
      chosen('notes/a.md', 'alpha'),
      chosen('notes/sub/b.txt', 'beta', 2000),
      chosen('notes/.git/config.md', 'hidden'),
      chosen('notes/picture.bin', 'binary'),
    ]);
    expect(root).toBe('notes');
    expect(await source.list()).toEqual([
      { path: 'a.md', size: 5, lastModified: 1000 },
      { path: 'sub/b.txt', size: 4, lastModified: 2000 },
    ]);
    const read = await source.read('sub/b.txt');
    expect(new TextDecoder().decode(read.data)).toBe('beta');
    await expect(source.read('../elsewhere.md')).rejects.toThrow(/not in the chosen folder/);
  });
});
