// The folder benchmark's parts that its numbers rest on: the generated manual (same bytes for the same seed, the
// shape it promises) and the CPU profile summary (self and total time per function, recursion counted once).
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeManualFolder } from '../bench/manual-folder.ts';
import { summarizeProfile, type CpuProfile } from '../bench/cpu-profile-summary.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trove-manual-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('writeManualFolder', () => {
  it('writes the same files with the same bytes for the same seed, and other bytes for another seed', async () => {
    const [a, b, c] = await Promise.all([tempDir(), tempDir(), tempDir()]);
    const first = await writeManualFolder(a, 30, 7);
    const again = await writeManualFolder(b, 30, 7);
    const other = await writeManualFolder(c, 30, 8);
    expect(again.pages).toEqual(first.pages);
    for (const page of first.pages.slice(0, 5)) {
      expect(await readFile(join(b, page.path), 'utf8')).toBe(await readFile(join(a, page.path), 'utf8'));
    }
    expect(other.bytes).not.toBe(first.bytes);
  });

  it('is shaped like a manual: HTML and Markdown pages of 2–60 KB in sub-folders, with headings, code and tables', async () => {
    const dir = await tempDir();
    const folder = await writeManualFolder(dir, 250, 1);
    expect(folder.pages).toHaveLength(250);
    expect(folder.bytes).toBe(folder.pages.reduce((sum, p) => sum + p.bytes, 0));
    for (const page of folder.pages) {
      expect(page.bytes).toBeGreaterThanOrEqual(2 * 1024);
      expect(page.bytes).toBeLessThanOrEqual(62 * 1024); // the last block may run a little past the 60 KB target
    }
    const html = folder.pages.filter((p) => p.path.endsWith('.html'));
    const markdown = folder.pages.filter((p) => p.path.endsWith('.md'));
    expect(html.length).toBeGreaterThan(50);
    expect(markdown.length).toBeGreaterThan(50);
    expect(await readdir(dir)).toEqual(['part-01', 'part-02']);
    const htmlText = (await Promise.all(html.slice(0, 20).map((p) => readFile(join(dir, p.path), 'utf8')))).join('');
    for (const tag of ['<h1>', '<h2>', '<pre><code>', '<table>', '<th>']) expect(htmlText).toContain(tag);
    const mdText = (await Promise.all(markdown.slice(0, 20).map((p) => readFile(join(dir, p.path), 'utf8')))).join('');
    for (const mark of ['\n# ', '\n## ', '```sql\n', '| --- |']) expect(`\n${mdText}`).toContain(mark);
  });

  it('gives each page a term no other page has, so a keyword search can find that page', async () => {
    const dir = await tempDir();
    const folder = await writeManualFolder(dir, 40, 3);
    const texts = await Promise.all(folder.pages.map((p) => readFile(join(dir, p.path), 'utf8')));
    expect(new Set(folder.pages.map((p) => p.term)).size).toBe(40);
    folder.pages.forEach((page, i) => {
      expect(texts.filter((text) => text.includes(page.term)).length, page.term).toBe(1);
      expect(texts[i]).toContain(page.term);
    });
  });
});

describe('summarizeProfile', () => {
  // root → main → work → work (recursion) and main → idle-ish (program); samples 1 ms apart.
  const frame = (functionName: string, lineNumber = 0) => ({
    functionName,
    url: 'http://x/app.js',
    lineNumber,
    columnNumber: 0,
  });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { ...frame('(root)'), url: '' }, children: [2, 5] },
      { id: 2, callFrame: frame('main', 9), children: [3] },
      { id: 3, callFrame: frame('work', 19), children: [4] },
      { id: 4, callFrame: frame('work', 19) },
      { id: 5, callFrame: { ...frame('(program)'), url: '' } },
    ],
    startTime: 0,
    endTime: 6000,
    samples: [2, 3, 4, 4, 5, 3],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
  };

  it('adds self time per function and counts a recursive function once per sample in its total', () => {
    const summary = summarizeProfile(profile);
    const byKey = Object.fromEntries(summary.functions.map((f) => [f.key, f]));
    expect(byKey['work app.js:20']).toEqual({ key: 'work app.js:20', selfMs: 4, totalMs: 4 });
    expect(byKey['main app.js:10']).toEqual({ key: 'main app.js:10', selfMs: 1, totalMs: 5 });
    expect(byKey['(program)']).toBeUndefined();
    expect(summary.busyMs).toBe(5);
    expect(summary.spanMs).toBe(6);
  });
});
