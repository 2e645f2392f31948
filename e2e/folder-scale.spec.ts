// A folder of thousands of small files, generated at test time: the job list stays one folder job, a search typed
// while the folder is being added answers, a reload mid-folder followed by adding the folder again resumes without
// duplicates, and at the end every file is in the library once and found by its own word.
// FOLDER_SCALE_FILES sets the number of files (default 2,000).
import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstResult, search } from './helpers.ts';
import { writeSmallFolder, type SmallNote } from './small-folder.ts';

const FILES = Number(process.env.FOLDER_SCALE_FILES ?? 2_000);
/** Notes looked up one by one at the end (evenly spread), besides the library count. */
const SAMPLE = 25;

let dir: string;
let notes: SmallNote[];

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trove-folder-scale-'));
  notes = await writeSmallFolder(dir, FILES);
});

test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Keyword-only (the model files unreachable, as offline): this test is about the job list and keyword search. */
async function modelSettled(page: Page): Promise<void> {
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'unavailable', { timeout: 600_000 });
}

/** Files of the folder job settled so far (added, skipped or failed), read from its counts line. */
let lastLogged = 0;
async function settled(page: Page): Promise<number> {
  const text = (await page.getByTestId('folder-job-counts').textContent()) ?? '';
  const match = /^([\d,]+) of [\d,]+ files/.exec(text);
  const count = match ? Number(match[1].replace(/,/g, '')) : /to go/.test(text) ? 0 : FILES; // finished: no "of"
  if (Math.abs(count - lastLogged) >= 100) {
    lastLogged = count;
    console.log(`folder-scale: ${text}`);
  }
  return count;
}

test('a folder of thousands of files: one folder job, search during the ingest, reload resumes without duplicates', async ({
  page,
}) => {
  test.setTimeout(3 * 60 * 60_000); // the ingest is long on 2 loaded cores; every wait below is for a condition
  const started = Date.now();
  await page.route('**/models/**', (route) => route.abort('internetdisconnected'));
  await page.goto('/');
  await modelSettled(page);
  // A new user meets the place to add files first.
  const dropZone = page.getByTestId('drop-zone');
  const searchBox = page.getByTestId('search-input');
  expect((await dropZone.boundingBox())!.y).toBeLessThan((await searchBox.boundingBox())!.y);

  await page.getByTestId('folder-input').setInputFiles(join(dir, 'notes'));
  const job = page.getByTestId('folder-job');
  await expect(job).toHaveCount(1);
  await expect(job.getByTestId('folder-job-counts')).toContainText(`of ${FILES.toLocaleString('en-US')} files`);

  // A quarter in: still one folder job, no row per file, and a search typed now answers.
  const quarter = Math.max(1, Math.floor(FILES / 4));
  await expect.poll(() => settled(page), { timeout: 3 * 60 * 60_000, intervals: [1_000] }).toBeGreaterThanOrEqual(10);
  await expect(job).toHaveCount(1);
  await expect(page.getByTestId('job')).toHaveCount(0);
  await search(page, 'keyword', 'harbour ledger');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('note-', { timeout: 30_000 });
  await expect
    .poll(() => settled(page), { timeout: 3 * 60 * 60_000, intervals: [1_000] })
    .toBeGreaterThanOrEqual(quarter);
  await expect(job).toHaveCount(1);
  await expect(page.getByTestId('job')).toHaveCount(0);
  const beforeReload = Date.now();

  // Reload mid-folder, then add the same folder again: what is stored is skipped as the same file, the rest is added.
  await page.reload();
  await modelSettled(page);
  // A returning user meets the search box first.
  expect((await searchBox.boundingBox())!.y).toBeLessThan((await dropZone.boundingBox())!.y);
  await page.getByTestId('folder-input').setInputFiles(join(dir, 'notes'));
  await expect(job).toHaveCount(1);
  await expect(job).toHaveAttribute('data-finished', 'true', { timeout: 3 * 60 * 60_000 });
  const counts = (await job.getByTestId('folder-job-counts').textContent()) ?? '';
  expect(counts).toMatch(/skipped \(same as a file already there\)/);
  expect(counts).toContain('0 failed');
  // The engine's own resumed jobs may show as rows; nothing else does.
  await expect(page.locator('[data-testid="job"]:not(:has([data-testid="job-resumed"]))')).toHaveCount(0);

  // Every file is in the library once.
  await expect(page.getByTestId('library-count')).toHaveText(`${FILES.toLocaleString('en-US')} documents`, {
    timeout: 60_000,
  });
  const step = Math.max(1, Math.floor(FILES / SAMPLE));
  const sample = notes.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  const filter = page.getByTestId('library-filter-text');
  for (const note of sample) {
    await filter.fill(note.name);
    await expect(page.getByTestId('library-count'), note.name).toHaveText(
      `1 of ${FILES.toLocaleString('en-US')} documents`,
    );
    await search(page, 'keyword', note.token);
    await expect(firstResult(page).getByTestId('result-source'), note.name).toContainText(note.name);
  }
  test.info().annotations.push({
    type: 'folder-scale runtime',
    description: `${FILES} files: ${((beforeReload - started) / 1000).toFixed(0)} s to a quarter, ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
  });
  console.log(
    `folder-scale: ${FILES} files, ${((beforeReload - started) / 1000).toFixed(0)} s to the reload, ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
  );
});
