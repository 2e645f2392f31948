// A real library end to end: two collections, tags and filter chips, export to a .trove file, a fresh browser
// profile (site data gone), import, the same answers; and a library built by the command line opens by import.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addFiles, expectJobs, fixture, openApp, search } from './helpers.ts';

// Long flows on a slow shared machine: one at a time, with room for the model to load twice.
test.describe.configure({ mode: 'serial', timeout: 360_000 });

/** Every result's source line and text, in rank order. */
async function answers(page: Page, mode: 'keyword' | 'semantic' | 'hybrid', query: string): Promise<string[]> {
  await search(page, mode, query);
  await expect(page.getByTestId('results-summary')).toBeVisible();
  await expect(page.locator('.results--stale')).toHaveCount(0);
  return page.getByTestId('result').evaluateAll((cards) => cards.map((c) => c.textContent ?? ''));
}

async function importTrove(page: Page, path: string): Promise<void> {
  await page.getByTestId('import-input').setInputFiles(path);
  await expect(page.getByTestId('backup-done')).toContainText('Imported', { timeout: 60_000 });
}

test('two collections, tags and chips; export, fresh profile, import: the same library and results', async ({
  page,
  browser,
  baseURL,
}, info) => {
  await openApp(page);
  await expect(page.getByTestId('storage')).toBeVisible();

  // A second collection, made the target: the field guide goes there; the other two into the default one.
  await page.getByTestId('collection-new').click();
  await page.getByTestId('collection-name').fill('Work');
  await page.getByTestId('collection-save').click();
  // The new collection is the target; its id is random (not a slug of the name, which is sealed under the lock).
  await expect(page.getByTestId('target-collection')).not.toHaveValue('library');
  const work = await page.getByTestId('target-collection').inputValue();
  expect(work).toMatch(/^c-[0-9a-f]+$/);
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await page.getByTestId('target-collection').selectOption('library');
  await addFiles(page, [fixture('injection.html'), fixture('windows-1252.txt')]);
  await expectJobs(page, { 'injection.html': 'done', 'windows-1252.txt': 'done' });
  await expect(page.getByTestId('library-row')).toHaveCount(3);
  await expect(page.getByTestId('doc-title').first()).toBeVisible();

  // The same file again is skipped: already in the library.
  await page.getByTestId('target-collection').selectOption(work);
  await addFiles(page, [fixture('field-guide.md')]);
  await expect(page.getByTestId('job-duplicate').last()).toHaveAttribute('data-reason', 'same-content');
  await expect(page.getByTestId('job-duplicate').last()).toContainText('Already in the library');

  // Tag two documents at once.
  for (const name of ['field-guide.md', 'injection.html']) {
    await page.locator(`[data-testid="library-row"][data-name="${name}"]`).getByTestId('select-doc').check();
  }
  await page.getByTestId('tag-input').fill('keep, reading');
  await page.getByTestId('tag-add').click();
  await expect(page.getByTestId('doc-tag').filter({ hasText: 'keep' })).toHaveCount(2);

  // Chips: collection Work only, then tag "keep" across all; they survive a reload.
  await page.locator(`[data-testid="collection-toggle"][data-collection="${work}"]`).click();
  await expect(page.getByTestId('filter-chip')).toHaveText([/Collection: Work/]);
  const workOnly = await answers(page, 'keyword', 'starter keeper');
  expect(workOnly.length).toBeGreaterThan(0);
  expect(workOnly.every((text) => !text.includes('injection.html'))).toBe(true);
  await page.getByTestId('filter-chip-remove').click();
  await page.getByTestId('filter-tag').selectOption('keep');
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('filter-chip')).toHaveText([/Tag: keep/]);
  const tagged = await answers(page, 'hybrid', 'starter keeper café');
  expect(tagged.some((t) => t.includes('field-guide.md')) && tagged.some((t) => t.includes('injection.html'))).toBe(
    true,
  );
  expect(tagged.every((t) => !t.includes('windows-1252.txt'))).toBe(true);
  await page.getByTestId('filter-clear').click();
  const before = {
    keyword: await answers(page, 'keyword', 'starter flame crème'),
    semantic: await answers(page, 'semantic', 'bread'),
    hybrid: await answers(page, 'hybrid', 'lighthouse fog'),
  };

  // Export everything: a plain library exports a plain file by default, and the page says who can read it.
  await expect(page.getByTestId('export-encrypt')).not.toBeChecked();
  await expect(page.getByTestId('export-plain-warning')).toContainText('anyone who has it can read the whole library');
  await expect(page.getByTestId('export')).toHaveText('Export plain .trove');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.trove$/);
  const file = info.outputPath('library.trove');
  await download.saveAs(file);
  await expect(page.getByTestId('backup-done')).toContainText('not encrypted');

  // A fresh profile: nothing stored. Import, and everything is back.
  const context = await browser.newContext({ baseURL });
  const fresh = await context.newPage();
  await openApp(fresh);
  await expect(fresh.getByTestId('library-row')).toHaveCount(0);
  await importTrove(fresh, file);
  await expect(fresh.getByTestId('library-row')).toHaveCount(3);
  await expect(fresh.locator(`[data-testid="collection-toggle"][data-collection="${work}"]`)).toContainText('Work');
  await expect(fresh.getByTestId('doc-tag').filter({ hasText: 'keep' })).toHaveCount(2);
  expect(await answers(fresh, 'keyword', 'starter flame crème')).toEqual(before.keyword);
  expect(await answers(fresh, 'semantic', 'bread')).toEqual(before.semantic);
  expect(await answers(fresh, 'hybrid', 'lighthouse fog')).toEqual(before.hybrid);

  // A damaged copy is refused plainly, and the library stays as it is.
  const bytes = readFileSync(file);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  const broken = info.outputPath('broken.trove');
  writeFileSync(broken, bytes);
  await fresh.getByTestId('import-input').setInputFiles(broken);
  await expect(fresh.getByTestId('backup-error')).toContainText(/broken\.trove/);
  await expect(fresh.getByTestId('library-row')).toHaveCount(3);
  await context.close();
});

test('the CLI builds a library from e2e/fixtures that the app imports', async ({ page }) => {
  const folder = mkdtempSync(join(tmpdir(), 'trove-cli-'));
  const docs = join(folder, 'docs');
  mkdirSync(docs);
  for (const name of ['field-guide.md', 'injection.html', 'windows-1252.txt'])
    copyFileSync(fixture(name), join(docs, name));
  const out = join(folder, 'lib.trove');
  execFileSync(process.execPath, ['bin/trove.mjs', 'ingest', docs, '--out', out], { stdio: 'pipe', timeout: 120_000 });

  await openApp(page);
  await importTrove(page, out);
  await expect(page.getByTestId('library-row')).toHaveCount(3);
  // Semantic search uses the CLI's vectors as they are (same model): nothing waits to be embedded.
  await expect(page.getByTestId('pending-vectors')).toHaveCount(0);
  await search(page, 'semantic', 'bread');
  await expect(page.getByTestId('result').first().getByTestId('result-source')).toContainText('field-guide.md');
  await search(page, 'keyword', 'lighthouse');
  await expect(page.getByTestId('result').first().getByTestId('result-source')).toContainText('injection.html');

  // A changed file of the same name: the app asks, and Replace swaps the old version for the new one.
  const changed = join(folder, 'windows-1252.txt');
  writeFileSync(changed, 'The winter menu now offers roasted chestnuts and mulled cider.');
  await addFiles(page, [changed]);
  await expect(page.getByTestId('job-duplicate')).toHaveAttribute('data-reason', 'same-name');
  await page.getByTestId('duplicate-replace').click();
  await expectJobs(page, { 'windows-1252.txt': 'done' });
  await expect(page.getByTestId('library-row')).toHaveCount(3);
  await search(page, 'keyword', 'chestnuts');
  await expect(page.getByTestId('result').first().getByTestId('result-source')).toContainText('windows-1252.txt');
  await search(page, 'keyword', 'rösti');
  await expect(page.getByTestId('no-results')).toBeVisible();
});
