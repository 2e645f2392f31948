import { describe, expect, it } from 'vitest';
import { countSkipped, entriesOfDrop, isHiddenName, walkEntries, walkFileList } from './folder-walk.ts';

const EXTENSIONS = ['.md', '.txt', '.pdf', '.docx', '.ts', '.png'];

/** A fake file tree in the shape of the File and Directory Entries API (readEntries in batches of `batch`). */
type Tree = { [name: string]: Tree | string };
function fakeEntry(
  name: string,
  node: Tree | string,
  fullPath: string,
  batch: number,
  broken: Set<string>,
): FileSystemEntry {
  if (typeof node === 'string') {
    return {
      name,
      fullPath,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void, fail: (e: Error) => void) =>
        broken.has(fullPath) ? fail(new Error('NotReadableError: the file changed')) : ok(new File([node], name)),
    } as unknown as FileSystemEntry;
  }
  const children = Object.entries(node).map(([n, child]) => fakeEntry(n, child, `${fullPath}/${n}`, batch, broken));
  return {
    name,
    fullPath,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (e: FileSystemEntry[]) => void, fail: (e: Error) => void) => {
          if (broken.has(fullPath)) return fail(new Error('NotFoundError'));
          const slice = children.slice(at, at + batch);
          at += slice.length;
          queueMicrotask(() => ok(slice));
        },
      };
    },
  } as unknown as FileSystemEntry;
}
const root = (tree: Tree, batch = 100, broken: string[] = []) =>
  Object.entries(tree).map(([n, node]) => fakeEntry(n, node, `/${n}`, batch, new Set(broken)));

describe('walkEntries', () => {
  const tree: Tree = {
    notes: {
      'plan.md': '# Plan',
      '.DS_Store': 'x',
      '.git': { config: 'x', 'HEAD.txt': 'x' },
      sub: { 'deep.txt': 'deep', 'photo.png': 'png', 'archive.zip': 'zip' },
      'Thumbs.db': 'x',
      '~$report.docx': 'lock',
      'report.docx': 'docx',
    },
    'loose.pdf': '%PDF',
  };

  it('returns supported files with their relative folder, and every skip with its reason', async () => {
    const result = await walkEntries(root(tree), { extensions: EXTENSIONS });
    expect(result.files.map((f) => [f.path, f.folder, f.file.name])).toEqual([
      ['notes/plan.md', 'notes', 'plan.md'],
      ['notes/report.docx', 'notes', 'report.docx'],
      ['notes/sub/deep.txt', 'notes/sub', 'deep.txt'],
      ['notes/sub/photo.png', 'notes/sub', 'photo.png'],
      ['loose.pdf', '', 'loose.pdf'],
    ]);
    expect(result.skipped).toEqual([
      { path: 'notes/.DS_Store', reason: 'hidden' },
      { path: 'notes/.git', reason: 'hidden' }, // a hidden folder is one skip, not walked
      { path: 'notes/Thumbs.db', reason: 'hidden' },
      { path: 'notes/sub/archive.zip', reason: 'unsupported' },
      { path: 'notes/~$report.docx', reason: 'hidden' },
    ]);
    expect(countSkipped(result.skipped)).toEqual({ hidden: 4, unsupported: 1, unreadable: 0, limit: 0 });
  });

  it('reads directories whose entries come in many batches (Chromium gives 100 at a time)', async () => {
    const big: Tree = {};
    for (let i = 0; i < 2500; i++) big[`f${String(i).padStart(4, '0')}.txt`] = 'x';
    const result = await walkEntries(root({ big }, 100), { extensions: EXTENSIONS });
    expect(result.files).toHaveLength(2500);
    expect(result.files[2499]!.path).toBe('big/f2499.txt');
  });

  it('records unreadable files and folders and goes on', async () => {
    const result = await walkEntries(
      root({ a: { 'x.md': '1', 'y.md': '2', locked: { 'z.md': '3' } } }, 100, ['/a/x.md', '/a/locked']),
      {
        extensions: EXTENSIONS,
      },
    );
    expect(result.files.map((f) => f.path)).toEqual(['a/y.md']);
    expect(result.skipped).toEqual([
      { path: 'a/locked', reason: 'unreadable', detail: 'NotFoundError' },
      { path: 'a/x.md', reason: 'unreadable', detail: 'NotReadableError: the file changed' },
    ]);
  });

  it('stops at maxFiles, listing the rest as skipped for the limit', async () => {
    const result = await walkEntries(root({ d: { 'a.md': '', 'b.md': '', 'c.md': '' } }), {
      extensions: EXTENSIONS,
      maxFiles: 2,
    });
    expect(result.files.map((f) => f.path)).toEqual(['d/a.md', 'd/b.md']);
    expect(result.skipped).toEqual([{ path: 'd/c.md', reason: 'limit' }]);
  });

  it('adds loose files (items without entries) at the top level', async () => {
    const result = await walkEntries([], { extensions: EXTENSIONS }, [
      new File(['x'], 'a.md'),
      new File(['x'], 'b.exe'),
    ]);
    expect(result.files.map((f) => [f.path, f.folder])).toEqual([['a.md', '']]);
    expect(result.skipped).toEqual([{ path: 'b.exe', reason: 'unsupported' }]);
  });
});

describe('entriesOfDrop', () => {
  it('takes entries where the browser offers them and files otherwise', () => {
    const entry = root({ 'a.md': 'x' })[0]!;
    const file = new File(['y'], 'b.md');
    const dt = {
      items: [
        { kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => null },
        { kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => file },
        { kind: 'string', webkitGetAsEntry: () => null, getAsFile: () => null },
      ],
      files: [],
    } as unknown as DataTransfer;
    expect(entriesOfDrop(dt)).toEqual({ entries: [entry], files: [file] });
  });
});

describe('walkFileList (webkitdirectory)', () => {
  it('uses webkitRelativePath for the folder and skips files in hidden folders', () => {
    const withPath = (name: string, path: string) =>
      Object.defineProperty(new File(['x'], name), 'webkitRelativePath', { value: path });
    const result = walkFileList(
      [
        withPath('a.md', 'docs/a.md'),
        withPath('b.md', 'docs/.obsidian/b.md'),
        withPath('c.bin', 'docs/c.bin'),
        withPath('d.ts', 'docs/src/d.ts'),
      ],
      { extensions: EXTENSIONS },
    );
    expect(result.files.map((f) => [f.path, f.folder])).toEqual([
      ['docs/a.md', 'docs'],
      ['docs/src/d.ts', 'docs/src'],
    ]);
    expect(result.skipped).toEqual([
      { path: 'docs/.obsidian/b.md', reason: 'hidden' },
      { path: 'docs/c.bin', reason: 'unsupported' },
    ]);
  });

  it('knows hidden and system names', () => {
    expect(['.env', '~$doc.docx', 'desktop.ini', '__MACOSX'].every(isHiddenName)).toBe(true);
    expect(isHiddenName('notes.md')).toBe(false);
  });
});
