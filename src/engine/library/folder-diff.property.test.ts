// The folder diff against a model of a disk: random folders, then at most one operation per file (edit, touch,
// rename, delete) and some created files, every content unique. The diff must recover exactly the operations, and
// hash only what changed metadata or could be a moved file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffFolder, pathsToHash, type ListedFile, type RecordedFile } from './folder-diff.ts';

interface DiskFile {
  path: string;
  size: number;
  lastModified: number;
  content: number;
}

type Operation = 'keep' | 'edit' | 'touch' | 'rename' | 'delete';

const NAMES = ['a', 'b', 'c', 'notes/a', 'notes/d', 'x/y/z', 'e', 'f', 'g', 'notes/h'];

const scenario = fc
  .record({
    files: fc.uniqueArray(
      fc.record({
        path: fc.constantFrom(...NAMES).map((name) => `${name}.md`),
        size: fc.integer({ min: 0, max: 4 }),
        lastModified: fc.integer({ min: 1, max: 1000 }),
      }),
      { selector: (file) => file.path, maxLength: NAMES.length },
    ),
    operations: fc.array(fc.constantFrom<Operation>('keep', 'edit', 'touch', 'rename', 'delete'), {
      minLength: NAMES.length,
      maxLength: NAMES.length,
    }),
    editedSizes: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: NAMES.length, maxLength: NAMES.length }),
    created: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
  })
  .map(({ files, operations, editedSizes, created }) => ({
    before: files.map((file, i): DiskFile => ({ ...file, content: i })),
    operations: files.map((_, i) => operations[i]!),
    editedSizes,
    created,
  }));

function sha(content: number): string {
  return `hash-${content}`;
}

describe('folder diff (property)', () => {
  it('recovers every edit, touch, rename, delete and creation, hashing only what may have changed', () => {
    fc.assert(
      fc.property(scenario, ({ before, operations, editedSizes, created }) => {
        let nextContent = before.length;
        const after: DiskFile[] = [];
        const expected = {
          added: [] as string[],
          changed: [] as string[],
          renamed: [] as Array<{ from: string; to: string }>,
          deleted: [] as string[],
          unchanged: [] as string[],
        };
        const mustHash = new Set<string>();
        const vanishedSizes = new Set<number>();
        before.forEach((file, i) => {
          const operation = operations[i]!;
          if (operation === 'keep') {
            after.push(file);
            expected.unchanged.push(file.path);
          } else if (operation === 'edit') {
            after.push({ ...file, size: editedSizes[i]!, lastModified: file.lastModified + 1, content: nextContent++ });
            expected.changed.push(file.path);
            mustHash.add(file.path);
          } else if (operation === 'touch') {
            after.push({ ...file, lastModified: file.lastModified + 1 });
            expected.unchanged.push(file.path);
            mustHash.add(file.path);
          } else if (operation === 'rename') {
            const to = `moved/${file.path}`;
            after.push({ ...file, path: to });
            expected.renamed.push({ from: file.path, to });
            mustHash.add(to);
            vanishedSizes.add(file.size);
          } else {
            expected.deleted.push(file.path);
            vanishedSizes.add(file.size);
          }
        });
        created.forEach((size, i) => {
          const path = `new/${i}.md`;
          after.push({ path, size, lastModified: 5, content: nextContent++ });
          expected.added.push(path);
          if (vanishedSizes.has(size)) mustHash.add(path);
        });

        const recorded: RecordedFile[] = before.map(({ content, ...file }) => ({ ...file, sha256: sha(content) }));
        const listing: ListedFile[] = after.map(({ content: _content, ...file }) => file);
        const contentOf = new Map(after.map((file) => [file.path, file.content]));
        const hashed = pathsToHash(recorded, listing);
        expect(new Set(hashed)).toEqual(mustHash);
        const hashes = new Map(hashed.map((path) => [path, sha(contentOf.get(path)!)]));
        const diff = diffFolder(recorded, listing, hashes);

        const sorted = (paths: string[]) => [...paths].sort();
        expect(sorted(diff.added)).toEqual(sorted(expected.added));
        expect(sorted(diff.changed)).toEqual(sorted(expected.changed));
        expect(sorted(diff.deleted)).toEqual(sorted(expected.deleted));
        expect(sorted(diff.unchanged)).toEqual(sorted(expected.unchanged));
        const pairs = (list: Array<{ from: string; to: string }>) => list.map((r) => `${r.from}>${r.to}`).sort();
        expect(pairs(diff.renamed)).toEqual(pairs(expected.renamed));
      }),
      { numRuns: 500 },
    );
  });

  it('accounts for every path once, whatever the hashes, and never depends on listing order', () => {
    const file = fc.record({
      path: fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f'),
      size: fc.integer({ min: 0, max: 2 }),
      lastModified: fc.integer({ min: 0, max: 2 }),
      sha256: fc.constantFrom('h1', 'h2', 'h3'),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(file, { selector: (f) => f.path }),
        fc.uniqueArray(file, { selector: (f) => f.path }),
        (recorded, now) => {
          const listing = now.map(({ sha256: _sha, ...rest }) => rest);
          const hashes = new Map(now.map((f) => [f.path, f.sha256]));
          const diff = diffFolder(recorded, listing, hashes);
          const reversed = diffFolder([...recorded].reverse(), [...listing].reverse(), hashes);
          expect(reversed.renamed).toEqual(diff.renamed);
          expect(new Set(reversed.added)).toEqual(new Set(diff.added));
          const listedSide = [
            ...diff.added,
            ...diff.changed,
            ...diff.unchanged,
            ...diff.renamed.map((r) => r.to),
            ...diff.movedAndChanged.map((r) => r.to),
          ];
          expect(listedSide.sort()).toEqual(listing.map((f) => f.path).sort());
          const recordedSide = [
            ...diff.deleted,
            ...diff.changed,
            ...diff.unchanged,
            ...diff.renamed.map((r) => r.from),
            ...diff.movedAndChanged.map((r) => r.from),
          ];
          expect(recordedSide.sort()).toEqual(recorded.map((f) => f.path).sort());
          const recordedHash = new Map(recorded.map((f) => [f.path, f.sha256]));
          for (const { from, to } of diff.renamed) expect(hashes.get(to)).toBe(recordedHash.get(from));
          // No pair was left unmatched: a deleted file's content is never among the added paths'.
          const addedHashes = new Set(diff.added.map((path) => hashes.get(path)));
          for (const path of diff.deleted) expect(addedHashes.has(recordedHash.get(path))).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
