import { expect, test } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, generated, openApp, search } from './helpers.ts';

test('crossing the HNSW threshold builds the graph once; a reload loads it from IndexedDB and searches', async ({
  page,
}) => {
  await openApp(page);
  // A low threshold, as a user would set it in Settings, so a few passages are enough.
  await page.getByTestId('settings-button').click();
  await page.getByTestId('setting-threshold').fill('5');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-dialog')).not.toBeVisible();

  await addFiles(page, [fixture('field-guide.md'), generated('two-pages.pdf')]);
  await expectJobs(page, { 'field-guide.md': 'done', 'two-pages.pdf': 'done' });
  await expect(page.getByTestId('index-info')).toHaveAttribute('data-kind', 'hnsw');
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');

  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const info = page.getByTestId('index-info');
  await expect(info).toHaveAttribute('data-kind', 'hnsw');
  await expect(info).toContainText('loaded from storage');
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
  await search(page, 'keyword', 'kelp');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('p. 2');
});
