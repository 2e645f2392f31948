// Screenshots of the main views for the README. Every e2e run takes them (so a broken view fails here too);
// `npm run screenshots` (UPDATE_SCREENSHOTS=1) writes them into docs/, otherwise they go to test-results/.
import { expect, test, type Page } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, generated, openApp, search } from './helpers.ts';

const DIR = process.env.UPDATE_SCREENSHOTS ? 'docs' : 'test-results/screenshots';

async function library(page: Page): Promise<void> {
  await openApp(page);
  await addFiles(page, [generated('two-pages.pdf'), fixture('field-guide.md'), fixture('injection.html')]);
  await expectJobs(page, { 'two-pages.pdf': 'done', 'field-guide.md': 'done', 'injection.html': 'done' });
  // The ingest dashboard's end summary, then dismissed (with the finished jobs) so the pictures show the library.
  await expect(page.getByTestId('ingest-summary')).toBeVisible();
  await page.getByTestId('ingest-dashboard').screenshot({ path: `${DIR}/screenshots/dashboard.png` });
  await page.getByTestId('summary-dismiss').click();
  await expect(page.getByTestId('job')).toHaveCount(0);
}

test.use({ viewport: { width: 1100, height: 860 } });

test('README screenshots: search, library, dark theme, phone width', async ({ page }) => {
  test.setTimeout(180_000);
  await library(page);
  await search(page, 'hybrid', 'chain oil');
  await expect(firstResult(page)).toContainText('Chain Lubrication');
  await expect(page.locator('.results--stale')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${DIR}/screenshot.png` });

  // The viewer on a kept PDF: its page drawn by pdf.js with the passage marked.
  await search(page, 'keyword', 'kelp');
  await expect(firstResult(page)).toContainText(/kelp/i);
  await expect(page.locator('.results--stale')).toHaveCount(0);
  await firstResult(page).getByTestId('result-open').click();
  const viewer = page.getByTestId('viewer');
  await expect(viewer.getByTestId('pdf-canvas')).toHaveAttribute('data-drawing', 'false', { timeout: 30_000 });
  await expect(viewer.getByTestId('pdf-highlight').first()).toBeInViewport();
  await page.screenshot({ path: `${DIR}/screenshots/pdf-viewer.png` });
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  await page.getByTestId('search-input').fill('');
  await expect(page.getByTestId('library')).toBeVisible();
  // One document opened to its passages.
  await page
    .getByTestId('library-row')
    .filter({ hasText: /field.guide/i })
    .getByTestId('expand-doc')
    .click();
  await expect(page.getByTestId('passage').first()).toBeVisible();
  await page.getByTestId('library').screenshot({ path: `${DIR}/screenshots/library.png` });

  await page.emulateMedia({ colorScheme: 'dark' });
  await search(page, 'hybrid', 'sourdough starter');
  await expect(firstResult(page)).toContainText('Sourdough');
  await expect(page.locator('.results--stale')).toHaveCount(0);
  await page.screenshot({ path: `${DIR}/screenshots/dark.png` });

  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 360, height: 740 });
  await search(page, 'keyword', 'kelp');
  await expect(page.getByTestId('results-summary')).toContainText('Keyword');
  await expect(firstResult(page)).toContainText(/kelp/i);
  await page.screenshot({ path: `${DIR}/screenshots/phone.png` });
});

test('README screenshots: document viewer and embedding map', async ({ page }) => {
  await page.goto('/?demo=viewer');
  await expect(page.getByTestId('viewer').locator('[data-passage]').first()).toBeInViewport();
  await page.screenshot({ path: `${DIR}/screenshots/viewer.png` });

  await page.goto('/?demo=map');
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-points', '20000');
  await page.getByTestId('map-canvas').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('map-tooltip')).toBeVisible();
  await page.screenshot({ path: `${DIR}/screenshots/map.png` });
});
