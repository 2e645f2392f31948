import { describe, expect, it } from 'vitest';
import { groupLabel, groupProgress, type FileState } from './folder-job.ts';

function files(states: Array<FileState['progress']>): Map<string, FileState> {
  return new Map(states.map((progress, i) => [`j${i}`, { jobId: `j${i}`, fileName: `f${i}.md`, progress }]));
}

describe('groupProgress', () => {
  it('counts done, skipped, failed and remaining files of one folder job', () => {
    const states = files([
      { stage: 'done', chunksTotal: 4 },
      { stage: 'done', chunksTotal: 6 },
      { stage: 'skipped', note: 'Skipped: same as “a.md”, already in the library.' },
      { stage: 'failed', error: { code: 'PARSE_FAILED', message: 'bad' } },
      { stage: 'indexing', chunksDone: 2, chunksTotal: 5 },
      { stage: 'queued' },
    ]);
    const progress = groupProgress({ jobIds: [...states.keys()], startedAt: 0 }, states, 2_000);
    expect(progress).toMatchObject({ total: 6, done: 2, skipped: 1, failed: 1, remaining: 2, passages: 12 });
    expect(progress.finished).toBe(false);
  });

  it('gives files and passages per second and the time left once it has run long enough', () => {
    const states = files([{ stage: 'done', chunksTotal: 10 }, { stage: 'done', chunksTotal: 10 }, { stage: 'queued' }]);
    const ids = [...states.keys()];
    expect(groupProgress({ jobIds: ids, startedAt: 0 }, states, 500).filesPerSecond).toBeUndefined();
    const later = groupProgress({ jobIds: ids, startedAt: 0 }, states, 4_000);
    expect(later.filesPerSecond).toBeCloseTo(0.5);
    expect(later.passagesPerSecond).toBeCloseTo(5);
    expect(later.secondsLeft).toBeCloseTo(2);
  });

  it('counts a file it has not heard of yet as remaining', () => {
    const progress = groupProgress({ jobIds: ['x', 'y'], startedAt: 0 }, new Map(), 10);
    expect(progress).toMatchObject({ total: 2, remaining: 2, finished: false });
  });
});

describe('groupLabel', () => {
  it('names the folder when every file is in it, else counts the files', () => {
    expect(
      groupLabel([
        { folder: 'manual/a', file: { name: 'x.md' } },
        { folder: 'manual', file: { name: 'y' } },
      ]),
    ).toBe('Folder “manual”');
    expect(groupLabel([{ file: { name: 'x.md' } }, { file: { name: 'y.md' } }])).toBe('2 files');
  });
});
