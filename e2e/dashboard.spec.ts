// The ingest dashboard: totals for a batch of files (files done, passages per second, time remaining), a summary at
// the end that stays until dismissed, and a reload mid-ingest: the engine resumes the document and the new page
// shows that job again until it completes.
import { expect, test, type Page } from '@playwright/test';
import { generated, openApp } from './helpers.ts';

function longText(prefix: string, paragraphs: number): string {
  const topics = [
    'river water fish',
    'mountain snow weather',
    'bank money interest',
    'football team players',
    'kitchen food dinner',
  ];
  return Array.from(
    { length: paragraphs },
    (_, i) =>
      `${prefix} paragraph ${i} tells about the ${topics[i % topics.length]} seen in record ${i} of the archive.`,
  ).join('\n\n');
}

async function drop(page: Page, files: Array<{ name: string; text: string }>): Promise<void> {
  await page
    .getByTestId('file-input')
    .setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text) })));
}

test('several files: totals and a measured rate while they run, a summary with reasons at the end', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openApp(page);
  await drop(page, [
    { name: 'north.txt', text: longText('North', 6000) },
    { name: 'south.txt', text: longText('South', 6000) },
    { name: 'east.txt', text: longText('East', 6000) },
  ]);
  await page.getByTestId('file-input').setInputFiles([generated('binary.txt')]);

  const totals = page.getByTestId('dashboard-totals');
  await expect(totals).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('dashboard-files')).toHaveText(/^\d of 4$/);
  // A rate appears once embedding has run a moment, measured from progress (a number, not a constant).
  const rate = page.getByTestId('dashboard-rate');
  await expect(rate).toHaveText(/[\d.,]+ passages\/s/, { timeout: 120_000 });
  expect(Number(await rate.getAttribute('data-rate'))).toBeGreaterThan(0);
  await expect(page.getByTestId('dashboard-eta')).toHaveText(/about \d+ (s|min)|estimating…/);

  const summary = page.getByTestId('ingest-summary');
  await expect(summary).toBeVisible({ timeout: 180_000 });
  await expect(totals).toHaveCount(0);
  await expect(summary).toContainText('Added 3 of 4 files');
  const failed = summary.getByTestId('summary-failed');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('binary.txt');
  await expect(failed).toContainText(/binary/i);
  // The summary's passages are the passages the jobs report, and its rate is a measured number.
  const jobPassages = await page
    .getByTestId('job')
    .filter({ hasText: /\.txt/ })
    .locator('.job__counts')
    .allTextContents();
  const sum = jobPassages.map((t) => Number(t.replace(/[^\d]/g, ''))).reduce((a, b) => a + b, 0);
  expect(sum).toBeGreaterThan(0);
  expect(Number((await summary.getByTestId('summary-passages').textContent())!.replace(/[^\d]/g, ''))).toBe(sum);
  await expect(summary.getByTestId('summary-rate')).toHaveText(/^[\d.,]+$/);
  console.log(
    `ingest dashboard: ${sum} passages, batch ${await summary.getByTestId('summary-rate').textContent()} passages/s`,
  );
  // It stays until dismissed (the rows' sizes and counts stay with it).
  await page.waitForTimeout(1_500);
  await expect(summary).toBeVisible();
  // The failed file can be tried again from its row: a new batch of one, which fails again with its reason.
  await page.getByTestId('job').filter({ hasText: 'binary.txt' }).getByTestId('job-retry').click();
  await expect(summary).toContainText('Added 0 of 1 file', { timeout: 60_000 });
  await expect(summary.getByTestId('summary-failed')).toContainText(/binary\.txt failed: .*binary/i);
  await expect(page.getByTestId('job').filter({ hasText: 'binary.txt' })).toHaveCount(1);
  await summary.getByTestId('summary-dismiss').click();
  await expect(summary).toHaveCount(0);
  await expect(page.getByTestId('job')).toHaveCount(0);
  await expect(page.getByTestId('library-row')).toHaveCount(3);
});

test('a reload mid-ingest: the resumed job shows again in the dashboard and completes', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await drop(page, [{ name: 'big.txt', text: longText('Big', 12000) }]);
  const job = page.getByTestId('job').filter({ hasText: 'big.txt' });
  await expect(job).toHaveAttribute('data-stage', 'embedding', { timeout: 120_000 });
  await expect
    .poll(async () => Number((await page.getByTestId('dashboard-passages').textContent()) ?? '0'), { timeout: 60_000 })
    .toBeGreaterThan(0);

  await page.reload();
  const resumed = page.getByTestId('job').filter({ hasText: 'big.txt' });
  await expect(resumed.getByTestId('job-resumed')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('dashboard-files')).toHaveText(/of 1$/);
  await expect(resumed).toHaveAttribute('data-stage', 'done', { timeout: 180_000 });
  await expect(page.getByTestId('ingest-summary')).toContainText('Added 1 of 1 file');
  const row = page.locator('[data-testid="library-row"][data-name="big.txt"]');
  await expect(row).toHaveAttribute('data-status', 'ready');
});
