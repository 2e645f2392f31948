// The search experience: keyboard flow, clean Markdown passages, the URL as the search's address, the theme
// switch, and a phone-width layout without horizontal scrolling on every view.
import { expect, test, type Page } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, generated, openApp, search } from './helpers.ts';

async function addGuide(page: Page): Promise<void> {
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
}

test('keyboard: "/" focuses search, arrows move through results, Escape returns to the box', async ({ page }) => {
  await openApp(page);
  await addGuide(page);
  // Ingest progress is spoken by a polite live region.
  await expect(page.getByTestId('jobs-summary')).toHaveAttribute('aria-live', 'polite');
  await expect(page.getByTestId('jobs-summary')).toContainText('1 added');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  await expect(page.getByTestId('search-input')).toBeFocused();
  await page.keyboard.type('chain oil');
  await expect(page.getByTestId('results-summary')).toContainText(/\d+ results?/);
  // The count is spoken by a live region that stays in the page.
  await expect(page.getByTestId('results-announcement')).toHaveText(/^\d+ results? for “chain oil”$/);
  await expect(page.getByTestId('results-announcement')).toHaveAttribute('role', 'status');
  const results = page.getByTestId('result');
  expect(await results.count()).toBeGreaterThan(1);

  await page.keyboard.press('ArrowDown');
  await expect(results.nth(0)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(results.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(results.nth(0)).toBeFocused();
  // One Tab stop for the list: Tab leaves the card for its own controls or onwards, never to the next card.
  await expect(results.nth(1)).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('search-input')).toBeFocused();

  // Every control reachable by Tab has an accessible name.
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, input, select, [tabindex="0"]')]
      .filter((el) => !el.closest('[hidden], dialog:not([open])') && el.offsetParent !== null)
      .filter((el) => {
        const labelled =
          el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title');
        const labels = (el as HTMLInputElement).labels?.length;
        return !labelled && !labels && !(el.textContent ?? '').trim();
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(unnamed).toEqual([]);
});

test('Markdown passages show without markup (no setext underline), highlights on the words', async ({ page }) => {
  await openApp(page);
  await addGuide(page);
  await search(page, 'keyword', 'lubrication grit');
  const text = firstResult(page).getByTestId('result-text');
  await expect(text).toContainText('Chain Lubrication');
  await expect(text).not.toContainText('----');
  await expect(text).not.toContainText('##');
  await expect(firstResult(page).locator('mark').first()).toHaveText(/lubrication|grit/i);
});

test('the URL carries query and mode: a bookmark restores the search and Back returns to the previous one', async ({
  page,
}) => {
  await openApp(page);
  await addGuide(page);
  await page.goto('/?q=starter&mode=keyword');
  await expect(page.getByTestId('search-input')).toHaveValue('starter');
  await expect(page.getByTestId('mode-keyword')).toHaveAttribute('aria-checked', 'true');
  await expect(firstResult(page)).toContainText(/starter/i);

  await page.getByTestId('search-input').fill('chain');
  await expect(page).toHaveURL(/q=chain/);
  await page.getByTestId('mode-hybrid').click();
  await expect(page).not.toHaveURL(/mode=/);
  await page.goBack();
  await expect(page.getByTestId('mode-keyword')).toHaveAttribute('aria-checked', 'true');
  await page.goBack();
  await expect(page.getByTestId('search-input')).toHaveValue('starter');
  await expect(firstResult(page)).toContainText(/starter/i);
});

test('theme: follows the system, switches, and the choice survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const dark = await background();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();

  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('data-theme-choice', 'system');
  await toggle.click(); // → light
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const light = await background();
  expect(light).not.toEqual(dark);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await background()).toEqual(light);
  await page.getByTestId('theme-toggle').click(); // → dark
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).toEqual(dark);
  await page.getByTestId('theme-toggle').click(); // → system again
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
});

test('phone width (360 px): no horizontal scrolling on any view', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = async (view: string) => {
    const { scroll, inner } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: innerWidth,
    }));
    return scroll > inner ? [`${view}: scrollWidth ${scroll} > ${inner}`] : [];
  };
  const found: string[] = [];
  await openApp(page);
  await expect(page.getByTestId('empty-library')).toBeVisible();
  found.push(...(await overflow('empty library')));

  await addFiles(page, [generated('two-pages.pdf'), fixture('field-guide.md')]);
  await expectJobs(page, { 'two-pages.pdf': 'done', 'field-guide.md': 'done' });
  found.push(...(await overflow('library')));
  await search(page, 'hybrid', 'chain oil');
  await expect(firstResult(page)).toBeVisible();
  found.push(...(await overflow('results')));
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('settings-dialog')).toBeVisible();
  found.push(...(await overflow('settings dialog')));
  await page.keyboard.press('Escape');

  await page.goto('/?demo=map&points=2000');
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-frame-ms', /\d/);
  found.push(...(await overflow('map demo')));
  await page.goto('/?demo=viewer');
  await expect(page.getByTestId('viewer-body')).toContainText('Chain Lubrication');
  found.push(...(await overflow('viewer')));
  expect(found).toEqual([]);
});
