// The library view at the size of a large library (2,000 generated documents on the ?demo=library page, no engine):
// a page of rows, not 2,000; filter, sort, select all shown and Show more stay quick; phone width works.
import { expect, test, type Page } from '@playwright/test';

/** Sets a control's value the way a person would and returns how long the page took to handle it (render + commit). */
async function timed(page: Page, testId: string, value: string): Promise<number> {
  return page.evaluate(
    ({ testId, value }) => {
      const el = document.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-testid="${testId}"]`)!;
      const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
      const started = performance.now();
      Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
      el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
      return performance.now() - started; // React handles input events synchronously: the DOM is updated here
    },
    { testId, value },
  );
}

test('2,000 documents: a page of rows, quick filter and sort, select all shown, show more, passages in pages', async ({
  page,
}) => {
  await page.goto('/?demo=library&documents=2000');
  const rows = page.getByTestId('library-row');
  await expect(rows).toHaveCount(100);
  await expect(page.getByTestId('library-count')).toHaveText('2,000 documents');

  const times: Record<string, number> = {};
  times.filterText = await timed(page, 'library-filter-text', 'harbour');
  const filtered = Number((await page.getByTestId('library-count').textContent())!.split(' ')[0].replace(/,/g, ''));
  expect(filtered).toBeGreaterThan(100);
  expect(filtered).toBeLessThan(2_000);
  for (const name of await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-name')!)))
    expect(name).toContain('harbour');
  times.clearText = await timed(page, 'library-filter-text', '');
  times.sortByName = await timed(page, 'library-sort', 'name');
  times.sortBySize = await timed(page, 'library-sort', 'size');
  times.statusFailed = await timed(page, 'library-filter-status', 'failed');
  await expect(rows.first()).toHaveAttribute('data-status', 'failed');
  for (const status of await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-status'))))
    expect(status).toBe('failed');
  times.statusAny = await timed(page, 'library-filter-status', '');
  console.log(
    `library view, 2,000 documents, ms per change: ${JSON.stringify(times, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`,
  );

  await page.getByTestId('select-all').check();
  await expect(page.getByTestId('bulk-actions')).toContainText('100 documents selected');
  await page.getByTestId('library-more').click();
  await expect(rows).toHaveCount(200);
  await expect(page.getByTestId('bulk-actions')).toContainText('100 documents selected'); // the new rows are not selected
  await page.getByTestId('bulk-delete').click();
  await page.getByTestId('bulk-confirm').click();
  await expect(page.getByTestId('library-count')).toHaveText('1,900 documents');

  // A document of 5,000 passages, 50 at a time; its last page.
  await page.getByTestId('library-sort').selectOption('passages');
  await rows.first().getByTestId('expand-doc').click();
  const range = page.getByTestId('passages-range');
  await expect(range).toHaveText('Passages 1–50 of 5,000');
  await expect(page.getByTestId('passage')).toHaveCount(50);
  await page.getByTestId('passages-next').click();
  await expect(range).toHaveText('Passages 51–100 of 5,000');
});

test('the library view fits a phone (360 px) without horizontal scrolling, details open', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/?demo=library&documents=300');
  await expect(page.getByTestId('library-row')).toHaveCount(100);
  await expect(page.getByTestId('select-all')).toBeVisible(); // the table head is hidden on a phone, this box is not
  await page.getByTestId('library-row').first().getByTestId('expand-doc').click();
  await expect(page.getByTestId('passage').first()).toBeVisible();
  await page.getByTestId('library-row').nth(1).getByTestId('select-doc').check();
  await page.getByTestId('bulk-delete').click();
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(inner);
});
