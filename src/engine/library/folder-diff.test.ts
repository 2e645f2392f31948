import { describe, expect, it } from 'vitest';
import { diffFolder, pathsToHash, type RecordedFile } from './folder-diff.ts';

const recorded: Array<RecordedFile & { lastModified: number }> = [
  { path: 'a.md', size: 10, lastModified: 1, sha256: 'A' },
  { path: 'b.md', size: 20, lastModified: 1, sha256: 'B' },
  { path: 'c.md', size: 30, lastModified: 1, sha256: 'C' },
];

describe('folder diff', () => {
  it('a folder listed as recorded needs no file read and is all unchanged', () => {
    const listing = recorded.map(({ sha256: _sha, ...file }) => file);
    expect(pathsToHash(recorded, listing)).toEqual([]);
    expect(diffFolder(recorded, listing, new Map())).toEqual({
      added: [],
      changed: [],
      renamed: [],
      movedAndChanged: [],
      deleted: [],
      unchanged: ['a.md', 'b.md', 'c.md'],
    });
  });

  it('a new file is hashed only when a vanished file had its size', () => {
    const listing = [
      { path: 'a.md', size: 10, lastModified: 1 },
      { path: 'moved/b.md', size: 20, lastModified: 1 },
      { path: 'other.md', size: 99, lastModified: 1 },
    ];
    expect(pathsToHash(recorded, listing)).toEqual(['moved/b.md']);
    const diff = diffFolder(recorded, listing, new Map([['moved/b.md', 'B']]));
    expect(diff.renamed).toEqual([{ from: 'b.md', to: 'moved/b.md' }]);
    expect(diff.added).toEqual(['other.md']);
    expect(diff.deleted).toEqual(['c.md']);
  });

  it('a touched file (newer time, same content) is unchanged once hashed', () => {
    const listing = [{ path: 'a.md', size: 10, lastModified: 2 }];
    expect(pathsToHash(recorded.slice(0, 1), listing)).toEqual(['a.md']);
    expect(diffFolder(recorded.slice(0, 1), listing, new Map([['a.md', 'A']])).unchanged).toEqual(['a.md']);
    expect(diffFolder(recorded.slice(0, 1), listing, new Map([['a.md', 'A2']])).changed).toEqual(['a.md']);
  });

  it('a file that could not be hashed counts as changed, never as deleted', () => {
    const listing = [{ path: 'a.md', size: 11, lastModified: 2 }];
    const diff = diffFolder(recorded.slice(0, 1), listing, new Map());
    expect(diff.changed).toEqual(['a.md']);
    expect(diff.deleted).toEqual([]);
  });

  it('a recorded file without a modification time is always hashed', () => {
    const old: RecordedFile[] = [{ path: 'a.md', size: 10, sha256: 'A' }];
    expect(pathsToHash(old, [{ path: 'a.md', size: 10, lastModified: 5 }])).toEqual(['a.md']);
  });

  it('two copies moved at once pair with the new paths in path order', () => {
    const copies: RecordedFile[] = [
      { path: 'x/1.md', size: 5, lastModified: 1, sha256: 'S' },
      { path: 'x/2.md', size: 5, lastModified: 1, sha256: 'S' },
    ];
    const listing = [
      { path: 'y/2.md', size: 5, lastModified: 1 },
      { path: 'y/1.md', size: 5, lastModified: 1 },
    ];
    const diff = diffFolder(
      copies,
      listing,
      new Map([
        ['y/1.md', 'S'],
        ['y/2.md', 'S'],
      ]),
    );
    expect(diff.renamed).toEqual([
      { from: 'x/1.md', to: 'y/1.md' },
      { from: 'x/2.md', to: 'y/2.md' },
    ]);
  });

  it('a file moved and edited at once is one file when its name is unique and its size similar', () => {
    const recorded: RecordedFile[] = [
      { path: 'drafts/report.md', size: 1000, lastModified: 1, sha256: 'R' },
      { path: 'drafts/notes.md', size: 100, lastModified: 1, sha256: 'N' },
    ];
    const listing = [
      { path: 'final/report.md', size: 1100, lastModified: 2 },
      { path: 'final/notes.md', size: 900, lastModified: 2 }, // nine times larger: another file of that name
    ];
    const hashes = new Map([
      ['final/report.md', 'R2'],
      ['final/notes.md', 'N2'],
    ]);
    expect(diffFolder(recorded, listing, hashes)).toEqual({
      added: ['final/notes.md'],
      changed: [],
      renamed: [],
      movedAndChanged: [{ from: 'drafts/report.md', to: 'final/report.md' }],
      deleted: ['drafts/notes.md'],
      unchanged: [],
    });
  });

  it('a moved and edited file is not guessed where its name is not unique on either side', () => {
    const recorded: RecordedFile[] = [
      { path: 'a/index.md', size: 100, lastModified: 1, sha256: 'A' },
      { path: 'b/index.md', size: 100, lastModified: 1, sha256: 'B' },
      { path: 'c/readme.md', size: 100, lastModified: 1, sha256: 'C' },
    ];
    const listing = [
      { path: 'x/index.md', size: 110, lastModified: 2 },
      { path: 'y/readme.md', size: 110, lastModified: 2 },
      { path: 'z/readme.md', size: 120, lastModified: 2 },
    ];
    const diff = diffFolder(recorded, listing, new Map());
    expect(diff.movedAndChanged).toEqual([]);
    expect(diff.added.sort()).toEqual(['x/index.md', 'y/readme.md', 'z/readme.md']);
    expect(diff.deleted.sort()).toEqual(['a/index.md', 'b/index.md', 'c/readme.md']);
  });
});
