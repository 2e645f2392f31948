// Screenshots of the main views for the README. Every e2e run takes them (so a broken view fails here too);
// `npm run screenshots` (UPDATE_SCREENSHOTS=1) writes them into docs/, otherwise they go to test-results/.
import { expect, test, type Page } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, generated, openApp, search } from './helpers.ts';

const DIR = process.env.UPDATE_SCREENSHOTS ? 'docs' : 'test-results/screenshots';

async function library(page: Page): Promise<void> {
  await openApp(page);
  await addFiles(page, [generated('two-pages.pdf'), fixture('field-guide.md'), fixture('injection.html')]);
  await expectJobs(page, { 'two-pages.pdf': 'done', 'field-guide.md': 'done', 'injection.html': 'done' });
  await page.getByTestId('job-dismiss').first().waitFor();
  // Finished jobs are cleared so the pictures show the library, not the upload log.
  while ((await page.getByTestId('job-dismiss').count()) > 0) await page.getByTestId('job-dismiss').first().click();
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

  await page.getByTestId('search-input').fill('');
  await expect(page.getByTestId('library')).toBeVisible();
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
