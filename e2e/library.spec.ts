import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  addFiles,
  expectJobs,
  firstResult,
  fixture,
  foreignRequests,
  generated,
  openApp,
  recordRequests,
  search,
} from './helpers.ts';

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

test('a corrupt or binary file is rejected with a message while the others ingest; text is never run as HTML', async ({
  page,
}) => {
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await openApp(page);
  await addFiles(page, [generated('corrupt.pdf'), generated('binary.txt'), fixture('injection.html')]);
  await expectJobs(page, { 'corrupt.pdf': 'failed', 'binary.txt': 'failed', 'injection.html': 'done' });
  await expect(page.getByTestId('job').filter({ hasText: 'corrupt.pdf' }).getByTestId('job-error')).toContainText(
    /damaged|could not|password/i,
  );
  await expect(page.getByTestId('job').filter({ hasText: 'binary.txt' }).getByTestId('job-error')).toContainText(
    /binary/i,
  );
  await expect(page.getByTestId('library-row')).toHaveCount(1);

  await search(page, 'keyword', 'onerror');
  await expect(firstResult(page)).toContainText('<img');
  await expect(page.getByTestId('result').locator('img, script')).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test('without the model, keyword search and the library keep working; vectors arrive when it loads', async ({
  page,
}) => {
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

test('library view: sort, filter, a document’s passages in pages, and several selected for tagging and one delete', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openApp(page);
  const topics = ['river water fish', 'mountain snow weather', 'bank money interest'];
  const long = Array.from(
    { length: 1200 },
    (_, i) => `Ledger paragraph ${i} about the ${topics[i % 3]} in entry ${i}.`,
  ).join('\n\n');
  await page.getByTestId('file-input').setInputFiles([
    { name: 'ledger.txt', mimeType: 'text/plain', buffer: Buffer.from(long) },
    { name: 'apple.txt', mimeType: 'text/plain', buffer: Buffer.from('Apples grow in the orchard near the river.') },
    { name: 'banana.txt', mimeType: 'text/plain', buffer: Buffer.from('Bananas ripen in the kitchen after dinner.') },
    {
      name: 'cherry.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Cherries bloom on the mountain in spring weather.'),
    },
    { name: 'field-guide.md', mimeType: 'text/markdown', buffer: readFileSync(fixture('field-guide.md')) },
  ]);
  await expectJobs(page, {
    'ledger.txt': 'done',
    'apple.txt': 'done',
    'banana.txt': 'done',
    'cherry.txt': 'done',
    'field-guide.md': 'done',
  });
  const rows = page.getByTestId('library-row');
  await expect(rows).toHaveCount(5);
  const names = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-name')));

  // Sort by name, both ways; by passages (the ledger has the most).
  // (By the title shown: the Markdown file's title sorts it, so only the text files' order is checked.)
  const textNames = async () => (await names()).filter((n) => n!.endsWith('.txt'));
  await page.getByTestId('library-sort').selectOption('name');
  await page.getByTestId('library-sort-direction').click();
  expect(await textNames()).toEqual(['apple.txt', 'banana.txt', 'cherry.txt', 'ledger.txt']);
  await page.getByTestId('library-sort-direction').click();
  expect(await textNames()).toEqual(['ledger.txt', 'cherry.txt', 'banana.txt', 'apple.txt']);
  await page.getByTestId('library-sort').selectOption('passages');
  expect((await names())[0]).toBe('ledger.txt');

  // Filter by text and by format.
  await page.getByTestId('library-filter-text').fill('an');
  await expect(rows).toHaveCount(1);
  expect(await names()).toEqual(['banana.txt']);
  await page.getByTestId('library-filter-text').fill('');
  await page.getByTestId('library-filter-format').selectOption('markdown');
  expect(await names()).toEqual(['field-guide.md']);
  await page.getByTestId('library-filter-format').selectOption('');
  await page.getByTestId('library-filter-status').selectOption('failed');
  await expect(page.getByTestId('library-no-match')).toBeVisible();
  await page.getByTestId('library-filter-status').selectOption('');
  await expect(rows).toHaveCount(5);

  // Expand the ledger: its passages, 50 at a time, in document order; its model.
  const ledger = page.locator('[data-testid="library-row"][data-name="ledger.txt"]');
  await ledger.getByTestId('expand-doc').click();
  const details = page.getByTestId('doc-details');
  await expect(details.getByTestId('doc-model')).toContainText('glove-50d-static');
  await expect(details.getByTestId('passages-range')).toHaveText(/^Passages 1–50 of \d+$/);
  await expect(details.getByTestId('passage')).toHaveCount(50);
  await expect(details.getByTestId('passage').first()).toContainText('Ledger paragraph 0 ');
  await details.getByTestId('passages-next').click();
  await expect(details.getByTestId('passages-range')).toHaveText(/^Passages 51–\d+ of \d+$/);
  await expect(details.getByTestId('passage').first()).toHaveAttribute('data-index', '50');
  await ledger.getByTestId('expand-doc').press('Enter'); // keyboard closes it again
  await expect(details).toHaveCount(0);

  // Select three by name with a shift-click range, tag them, filter by the tag, then delete them at once.
  await page.getByTestId('library-sort').selectOption('name');
  await page.getByTestId('library-filter-format').selectOption('text');
  await page.getByTestId('library-sort-direction').click(); // ascending: apple, banana, cherry, ledger
  expect(await names()).toEqual(['apple.txt', 'banana.txt', 'cherry.txt', 'ledger.txt']);
  await rows.nth(0).getByTestId('select-doc').click();
  await rows
    .nth(2)
    .getByTestId('select-doc')
    .click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('bulk-actions')).toContainText('3 documents selected');
  await page.getByTestId('tag-input').fill('fruit');
  await page.getByTestId('tag-add').click();
  for (const name of ['apple.txt', 'banana.txt', 'cherry.txt']) {
    await expect(page.locator(`[data-testid="library-row"][data-name="${name}"]`).getByTestId('doc-tag')).toHaveText(
      'fruit',
    );
  }
  await page.getByTestId('library-filter-tag').selectOption('fruit');
  await expect(rows).toHaveCount(3);
  await page.getByTestId('bulk-delete').click();
  await expect(page.getByTestId('bulk-question')).toHaveText('Delete 3 documents and their passages?');
  await page.getByTestId('bulk-confirm').click();
  await expect(page.getByTestId('library-no-match')).toBeVisible();
  // The tag went with its documents; clearing the filters shows the rest.
  await page.getByTestId('library-clear-filters').click();
  await expect(rows).toHaveCount(2);
  expect((await names()).sort()).toEqual(['field-guide.md', 'ledger.txt']);
  await search(page, 'keyword', 'orchard');
  await expect(page.getByTestId('no-results')).toBeVisible();
});
