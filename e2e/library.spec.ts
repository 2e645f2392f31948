import { expect, test } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, foreignRequests, generated, openApp, recordRequests, search } from './helpers.ts';

test('drop a PDF and a Markdown file, search in every mode, reload, delete', async ({ page, baseURL }) => {
  const requests = recordRequests(page);
  await openApp(page);
  await expect(page.getByTestId('model-status')).toContainText('glove-50d-static');

  await addFiles(page, [generated('two-pages.pdf'), fixture('field-guide.md')]);
  await expectJobs(page, { 'two-pages.pdf': 'done', 'field-guide.md': 'done' });
  await expect(page.getByTestId('library-row')).toHaveCount(2);

  // Keyword: the exact word, highlighted, on the right PDF page.
  await search(page, 'keyword', 'kelp');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('two-pages.pdf');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('p. 2');
  await expect(firstResult(page).locator('mark').first()).toHaveText(/kelp/i);
  await expect(firstResult(page).getByTestId('result-score')).toContainText(/BM25/i);

  // Semantic: no query word occurs in the passage; the meaning must carry it.
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('field-guide.md');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');

  // Hybrid (the default): keyword and vector ranks fused.
  await search(page, 'hybrid', 'chain oil');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Chain Lubrication');
  await expect(firstResult(page).locator('mark').first()).toHaveText(/chain|oil/i);

  // Reload: the library is still there and searchable, with no re-embedding needed.
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('library-row')).toHaveCount(2);
  await expect(page.getByTestId('pending-vectors')).toHaveCount(0);
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
  await search(page, 'keyword', 'kelp');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('p. 2');

  // Delete the PDF: its passages are gone from every mode.
  const row = page.locator('[data-testid="library-row"][data-name="two-pages.pdf"]');
  await row.getByTestId('delete-doc').click();
  await row.getByTestId('confirm-delete').click();
  await expect(page.getByTestId('library-row')).toHaveCount(1);
  await search(page, 'keyword', 'kelp');
  await expect(page.getByTestId('no-results')).toBeVisible();
  await search(page, 'hybrid', 'kelp forests ocean');
  await expect(page.getByTestId('result').filter({ hasText: 'kelp' })).toHaveCount(0);

  expect(foreignRequests(requests, new URL(baseURL!).origin)).toEqual([]);
});

test('a corrupt or binary file is rejected with a message while the others ingest; text is never run as HTML', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await openApp(page);
  await addFiles(page, [generated('corrupt.pdf'), generated('binary.txt'), fixture('injection.html')]);
  await expectJobs(page, { 'corrupt.pdf': 'failed', 'binary.txt': 'failed', 'injection.html': 'done' });
  await expect(page.getByTestId('job').filter({ hasText: 'corrupt.pdf' }).getByTestId('job-error')).toContainText(/damaged|could not|password/i);
  await expect(page.getByTestId('job').filter({ hasText: 'binary.txt' }).getByTestId('job-error')).toContainText(/binary/i);
  await expect(page.getByTestId('library-row')).toHaveCount(1);

  await search(page, 'keyword', 'onerror');
  await expect(firstResult(page)).toContainText('<img');
  await expect(page.getByTestId('result').locator('img, script')).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test('without the model, keyword search and the library keep working; vectors arrive when it loads', async ({ page }) => {
  // The model host is unreachable (as when offline).
  await page.route('**/models/**', (route) => route.abort('internetdisconnected'));
  await openApp(page, 'unavailable');
  await expect(page.getByTestId('model-status')).toContainText(/could not be loaded/i);

  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await search(page, 'hybrid', 'starter flour');
  await expect(page.getByTestId('notice')).toContainText(/keyword/i);
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Feeding the Starter');
  await expect(page.getByTestId('pending-vectors')).toContainText(/waiting for vectors/);

  // The network is back: retry, and the stored passages get their vectors without adding the file again.
  await page.unroute('**/models/**');
  await page.getByRole('button', { name: /retry/i }).click();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('pending-vectors')).toHaveCount(0, { timeout: 30_000 });
  await search(page, 'semantic', 'bread');
  await expect(page.getByTestId('notice')).toHaveCount(0);
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
});

test('without WebGPU the engine falls back to WebAssembly and says so', async ({ page }) => {
  await openApp(page);
  expect(await page.evaluate(async () => !!(await (navigator as { gpu?: GPU }).gpu?.requestAdapter()))).toBe(false);
  await expect(page.getByTestId('model-status')).toContainText('WASM');
});
