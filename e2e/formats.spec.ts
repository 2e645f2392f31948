import { expect, test } from '@playwright/test';
import { FORMAT_PHRASES } from '../scripts/make-format-fixtures.mjs';
import { expectJobs, firstResult, fixture, foreignRequests, generated, recordRequests, search } from './helpers.ts';

type Expected = { phrase: string; heading?: string[]; row?: number; page?: number };

// A folder with every format, a scanned PDF page and two images of text (one like a phone photo), chosen with the
// folder picker: every file is found by a phrase and cited by its page, heading or row; hidden and unsupported
// files are skipped and said so. Fixtures: npm run fixtures:formats (scripts/make-format-fixtures.mjs).
test('a folder of every format: each file found by a phrase, cited by page, heading or row, OCR included', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const requests = recordRequests(page);
  await page.goto('/');
  // Keyword search is all this needs; the model loading in parallel only has to be settled for stable timing.
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await page.getByTestId('folder-input').setInputFiles(generated('formats'));

  const names = Object.keys(FORMAT_PHRASES).map((path) => path.split('/').pop()!);
  const started = Date.now();
  await expectJobs(page, Object.fromEntries(names.map((name) => [name, 'done'])));
  console.log(
    `folder of ${names.length} files (3 OCR'd pages) added in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  // The folder is one job: its counts, and what the walk left out with why.
  const summary = page.getByTestId('folder-job');
  await expect(summary).toHaveCount(1);
  await expect(summary.getByTestId('folder-job-counts')).toContainText(
    `${names.length} added, 0 failed, 2 left out (1 hidden, 1 unsupported)`,
  );
  await expect(summary.locator('[data-testid="folder-skipped"][data-reason="hidden"]')).toContainText(
    '.hidden-notes.txt',
  );
  await expect(summary.locator('[data-testid="folder-skipped"][data-reason="unsupported"]')).toContainText(
    'archive.xyz',
  );
  await expect(page.getByTestId('library-row')).toHaveCount(names.length);

  for (const [path, expected] of Object.entries(FORMAT_PHRASES) as Array<[string, Expected]>) {
    await search(page, 'keyword', expected.phrase);
    const source = firstResult(page).getByTestId('result-source');
    await expect(source, path).toContainText(path.split('/').pop()!);
    if (expected.page !== undefined) await expect(source, path).toContainText(`p. ${expected.page}`);
    if (expected.heading) await expect(source, path).toContainText(expected.heading.join(' › '));
    if (expected.row !== undefined) await expect(source, path).toContainText(`row ${expected.row}`);
  }
  // A row's other fields are shown as metadata.
  await search(page, 'keyword', FORMAT_PHRASES['catalogue.csv'].phrase);
  await expect(firstResult(page).getByTestId('result-fields')).toContainText('Herbarium');

  expect(foreignRequests(requests, new URL(baseURL!).origin)).toEqual([]);
});

test('a table chosen on its own is previewed: the user picks its text fields, the rest become metadata', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await page.getByTestId('file-input').setInputFiles(generated('formats/catalogue.csv'));
  const dialog = page.getByTestId('record-preview');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Pencil sketches of coastal birds');
  // The suggestion: the long description is text; id, title and year are metadata.
  await expect(dialog.getByTestId('text-field-description')).toBeChecked();
  await expect(dialog.getByTestId('text-field-title')).not.toBeChecked();
  await dialog.getByTestId('text-field-description').uncheck();
  await dialog.getByTestId('text-field-title').check();
  await dialog.getByTestId('record-preview-add').click();
  await expect(dialog).toBeHidden();
  await expectJobs(page, { 'catalogue.csv': 'done' });

  await search(page, 'keyword', 'herbarium');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('row 2');
  await expect(firstResult(page).getByTestId('result-fields')).toContainText('A hand-bound herbarium of alpine mosses');
  await search(page, 'keyword', 'alpine mosses');
  await expect(page.getByTestId('no-results')).toBeVisible();
});

test('a table in a batch never waits for the chooser: it takes the suggested fields, changed later from the library', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await page.getByTestId('file-input').setInputFiles([generated('formats/catalogue.csv'), fixture('field-guide.md')]);
  await expectJobs(page, { 'catalogue.csv': 'done', 'field-guide.md': 'done' });
  await expect(page.getByTestId('record-preview')).toHaveCount(0);
  await expect(page.getByTestId('job').filter({ hasText: 'catalogue.csv' })).toContainText(
    'text fields: description (suggested',
  );
  // The suggested field is the text: its words are found.
  await search(page, 'keyword', 'alpine mosses');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('row 2');

  // From the library: the fields in use are checked; choosing the title indexes the table again by it.
  const row = page.locator('[data-testid="library-row"][data-name="catalogue.csv"]');
  await row.getByTestId('doc-fields').click();
  const chooser = page.getByTestId('fields-chooser');
  await expect(chooser.getByTestId('text-field-description')).toBeChecked();
  await expect(chooser.getByTestId('text-field-title')).not.toBeChecked();
  await chooser.getByTestId('text-field-description').uncheck();
  await chooser.getByTestId('text-field-title').check();
  await chooser.getByTestId('fields-chooser-add').click();
  await expect(chooser).toHaveCount(0, { timeout: 60_000 });
  await expect(page.locator('[data-testid="library-row"][data-name="catalogue.csv"]')).toHaveCount(1);
  // Indexed again by the title alone: the description is metadata now, the title is the text.
  await search(page, 'keyword', 'alpine mosses');
  await expect(page.getByTestId('no-results')).toBeVisible();
  await search(page, 'keyword', 'herbarium');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('row 2');
});
