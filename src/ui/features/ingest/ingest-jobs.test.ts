import { describe, expect, it } from 'vitest';
import { IngestJobs } from './ingest-jobs.ts';

const file = (name: string) => ({ name, size: 10 }) as File;
const group = (id: string) => ({ id, label: 'Folder “docs”', walkSkipped: [], startedAt: 0 });

describe('IngestJobs', () => {
  it('keeps a folder of many files as one group, not one row per file', () => {
    const jobs = new IngestJobs();
    const files = Array.from({ length: 2_000 }, (_, i) => ({ jobId: `j${i}`, file: file(`f${i}.md`) }));
    jobs.add(files, group('g'));
    const view = jobs.snapshot();
    expect(view.groups).toHaveLength(1);
    expect(view.groups[0].jobIds).toHaveLength(2_000);
    expect(view.singles).toHaveLength(0);
  });

  it('says when a file landed, once, and keeps its first final state', () => {
    const jobs = new IngestJobs();
    jobs.add([{ jobId: 'a', file: file('a.md') }]);
    expect(jobs.apply([{ jobId: 'a', fileName: 'a.md', stage: 'indexing', fraction: 0.5 }])).toBe(false);
    expect(jobs.apply([{ jobId: 'a', fileName: 'a.md', stage: 'done', fraction: 1, chunksTotal: 3 }])).toBe(true);
    expect(jobs.apply([{ jobId: 'a', fileName: 'a.md', stage: 'indexing', fraction: 0.6 }])).toBe(false);
    expect(jobs.get('a')!.progress.stage).toBe('done');
  });

  it('a dismissed or replaced file stays gone when its batch reports its final state afterwards', () => {
    const jobs = new IngestJobs();
    jobs.add([{ jobId: 'a', file: file('menu.txt') }]);
    jobs.apply([{ jobId: 'a', fileName: 'menu.txt', stage: 'skipped', fraction: 1 }]);
    jobs.forget((job) => job.jobId === 'a'); // Replace: the file is sent again as a new job
    jobs.apply([{ jobId: 'a', fileName: 'menu.txt', stage: 'skipped', fraction: 1 }]);
    expect(jobs.snapshot().jobs).toHaveLength(0);
  });

  it('shows a job the engine started itself (a resumed document) as a row of its own', () => {
    const jobs = new IngestJobs();
    jobs.apply([{ jobId: 'resume-1', fileName: 'big.txt', stage: 'embedding', fraction: 0.5, resumed: true }]);
    expect(jobs.snapshot().singles.map((j) => j.fileName)).toEqual(['big.txt']);
  });

  it('a retried file joins its folder job again; dismissing the folder job keeps files still running', () => {
    const jobs = new IngestJobs();
    jobs.add(
      [
        { jobId: 'a', file: file('a.md') },
        { jobId: 'b', file: file('b.md') },
      ],
      group('g'),
    );
    jobs.apply([{ jobId: 'a', fileName: 'a.md', stage: 'failed', fraction: 1 }]);
    jobs.forget((j) => j.jobId === 'a');
    jobs.add([{ jobId: 'a2', file: file('a.md') }], { ...group('other'), into: 'g' });
    expect(jobs.snapshot().groups.map((g) => g.jobIds)).toEqual([['b', 'a2']]);
    jobs.apply([{ jobId: 'a2', fileName: 'a.md', stage: 'done', fraction: 1 }]);
    jobs.dismissGroup('g');
    const view = jobs.snapshot();
    expect(view.groups).toHaveLength(0);
    expect(view.singles.map((j) => j.jobId)).toEqual(['b']);
  });
});
