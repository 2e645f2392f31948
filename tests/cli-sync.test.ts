// `trove sync <folder> lib.trove` end to end, spawned as `node bin/trove.mjs`: a folder on disk changes between
// runs (a paragraph edited, a file moved, a file deleted) and each run applies exactly that to the library file.
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SearchResponse } from '../src/engine/api/index.ts';
import { trove } from './trove-command.ts';

function longText(edited?: string): string {
  return Array.from({ length: 30 }, (_, i) =>
    i === 15 && edited ? edited : `Part ${i} of the river and the boat. `.repeat(14),
  ).join('\n\n');
}

// Each spawn loads Node, tsx and the model: seconds apiece on a busy machine.
describe('trove sync (command line)', { timeout: 240_000 }, () => {
  it('creates the library, then applies an edit, a move and a deletion, re-embedding only what changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trove-sync-'));
    const docs = join(dir, 'docs');
    const library = join(dir, 'lib.trove');
    await mkdir(join(docs, 'sub'), { recursive: true });
    await writeFile(join(docs, 'long.md'), longText());
    await writeFile(join(docs, 'sub', 'garden.md'), 'The garden flower tree blooms in summer.');
    await writeFile(join(docs, 'bank.txt'), 'The bank pays interest on money.');

    const first = await trove('sync', docs, library);
    expect(first.stderr).toMatch(/3 added, 0 changed, 0 moved, 0 removed, 0 unchanged/);
    expect(first.stderr).toMatch(/Wrote .*lib\.trove: 3 documents/);
    expect(first.code).toBe(0);

    const idle = await trove('sync', docs, library);
    expect(idle.stderr).toMatch(
      /0 added, 0 changed, 0 moved, 0 removed, 3 unchanged; 0 files read, 0 passages embedded/,
    );

    await writeFile(join(docs, 'long.md'), longText('Part 15 now tells of a violin and an orchestra.'));
    await mkdir(join(docs, 'moved'));
    await rename(join(docs, 'sub', 'garden.md'), join(docs, 'moved', 'flowers.md'));
    await rm(join(docs, 'bank.txt'));
    const second = await trove('sync', docs, library);
    expect(second.stderr).toContain('changed: long.md');
    expect(second.stderr).toContain('moved: sub/garden.md → moved/flowers.md');
    expect(second.stderr).toContain('removed: bank.txt');
    const embedded = Number(/(\d+) passages embedded, (\d+) reused/.exec(second.stderr)?.[1]);
    const reused = Number(/(\d+) passages embedded, (\d+) reused/.exec(second.stderr)?.[2]);
    expect(embedded).toBeGreaterThan(0);
    expect(embedded).toBeLessThanOrEqual(3);
    expect(reused).toBeGreaterThan(embedded);
    expect(second.stderr).toMatch(/Wrote .*lib\.trove: 2 documents/);
    expect(second.code).toBe(0);

    const search = await trove('search', library, 'violin orchestra', '--mode', 'keyword', '--json');
    const hits = (JSON.parse(search.stdout) as SearchResponse).results;
    expect(hits[0]?.documentName).toBe('long.md');
    const moved = await trove('search', library, 'garden flower', '--mode', 'keyword', '--json');
    expect((JSON.parse(moved.stdout) as SearchResponse).results[0]?.documentName).toBe('moved/flowers.md');
  });

  it('--keep-deleted keeps the documents of deleted files; a missing folder changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trove-sync-keep-'));
    const docs = join(dir, 'docs');
    const library = join(dir, 'lib.trove');
    await mkdir(docs);
    await writeFile(join(docs, 'a.md'), 'Snow on the mountain.');
    await writeFile(join(docs, 'b.md'), 'Bread for dinner.');
    expect((await trove('sync', docs, library)).code).toBe(0);
    await rm(join(docs, 'b.md'));
    const kept = await trove('sync', docs, library, '--keep-deleted');
    expect(kept.stderr).toContain('kept (deleted from the folder): b.md');
    expect(kept.stderr).toMatch(/Wrote .*lib\.trove: 2 documents/);
    const missing = await trove('sync', join(dir, 'nowhere'), library);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No folder at .*nowhere/);
  });
});
