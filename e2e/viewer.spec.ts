// The document viewer, on the ?demo=viewer page and on stored documents opened from results: the passage is marked
// and in view, Markdown is rendered as text (its script, remote image and link never act), matches step, Esc closes.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator } from '@playwright/test';
import { readFileSync } from 'node:fs';
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

test('Markdown: passage highlighted and scrolled into view, rendered safely, next/previous match, Esc closes', async ({
  page,
  baseURL,
}) => {
  const requests = recordRequests(page);
  await page.setViewportSize({ width: 900, height: 420 }); // short, so the passage needs scrolling to be seen
  await page.goto('/?demo=viewer');
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toBeVisible();
  const passage = viewer.locator('[data-passage]').first();
  await expect(passage).toContainText('Oil the chain after wet rides.');
  await expect(passage).toBeInViewport();

  // Markup became structure, not text.
  const body = page.getByTestId('viewer-body');
  await expect(body.getByRole('heading', { name: 'Chain Lubrication' })).toBeVisible();
  await expect(body).not.toContainText('-----');
  await expect(body).not.toContainText('**');
  await expect(body).not.toContainText('](https://');
  // Hostile HTML stays inert text: no elements, no requests, no effect.
  await expect(body.locator('script, img, iframe, a')).toHaveCount(0);
  await expect(body).toContainText('<script>');
  expect(await page.title()).not.toBe('pwned');

  // Matches of "chain oil": step forwards from the passage and back.
  const count = page.getByTestId('viewer-count');
  await expect(count).toHaveText(/\d+ matches/);
  await page.getByTestId('viewer-next').click();
  await expect(count).toHaveText(/^\d+ of \d+$/);
  const first = await count.textContent();
  await expect(viewer.locator('.viewer__match--current')).toBeInViewport();
  await page.getByTestId('viewer-next').click();
  await expect(count).not.toHaveText(first!);
  await page.getByTestId('viewer-previous').click();
  await expect(count).toHaveText(first!);

  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  expect(foreignRequests(requests, new URL(baseURL!).origin)).toEqual([]);
});

test('plain text: line numbers and the passage line in view', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 420 });
  await page.goto('/?demo=viewer&format=text');
  const passage = page.getByTestId('viewer').locator('[data-passage]').first();
  await expect(passage).toContainText('Line 42: oil the chain');
  await expect(passage).toBeInViewport();
  await expect(page.locator('.viewer__line-number').nth(41)).toHaveText('42');
});

test('a result opens in its document: the passage marked on its PDF page and in Markdown; Esc returns to the result', async ({
  page,
}) => {
  await openApp(page);
  await addFiles(page, [generated('two-pages.pdf'), fixture('field-guide.md')]);
  await expectJobs(page, { 'two-pages.pdf': 'done', 'field-guide.md': 'done' });

  // Keyboard: into the results, Enter opens.
  await search(page, 'keyword', 'kelp');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('p. 2');
  await page.getByTestId('search-input').press('ArrowDown');
  await expect(firstResult(page)).toBeFocused();
  await page.keyboard.press('Enter');
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('heading', { level: 2 })).toContainText('two-pages.pdf');
  // The original was kept: page 2 drawn by pdf.js, the passage marked on it and in view.
  await expect(page.getByTestId('pdf-page-number')).toHaveText('Page 2 of 2', { timeout: 30_000 });
  await expectMarkedOnCanvas(viewer);
  // The text stays a tab away.
  await viewer.getByTestId('viewer-tab-text').click();
  const passage = viewer.locator('[data-passage]').first();
  await expect(passage).toContainText(/kelp/i);
  await expect(passage).toBeInViewport();
  // The passage sits under the page-2 marker.
  const pageOfPassage = await passage.evaluate((mark) => {
    const markers = [...document.querySelectorAll<HTMLElement>('[data-testid="viewer-body"] [data-page]')];
    const before = markers.filter((m) => m.compareDocumentPosition(mark) & Node.DOCUMENT_POSITION_FOLLOWING);
    return before.at(-1)?.dataset.page;
  });
  expect(pageOfPassage).toBe('2');
  await expect(viewer.locator('.viewer__match').first()).toHaveText(/kelp/i);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(firstResult(page)).toBeFocused();

  // Mouse: the Open button; Markdown rendered without its markup.
  await search(page, 'keyword', 'lubrication grit');
  // Wait for the new answer: the previous results stay on screen (dimmed) until it arrives.
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Chain Lubrication');
  await firstResult(page).getByTestId('result-open').click();
  await expect(viewer).toBeVisible();
  // The passage spans the heading and its paragraph: one mark in each.
  await expect(viewer.locator('[data-passage]')).toHaveText(['Chain Lubrication', /^Clean the chain/]);
  await expect(viewer.locator('[data-passage]').last()).toBeInViewport();
  await expect(page.getByTestId('viewer-body').getByRole('heading', { name: 'Chain Lubrication' })).toBeVisible();
  await expect(page.getByTestId('viewer-body')).not.toContainText('-----');
  await page.getByTestId('viewer-close').click();
  await expect(viewer).toBeHidden();
});

/** The drawn page is there, and a passage highlight sits over it, in the viewport. */
async function expectMarkedOnCanvas(viewer: Locator): Promise<void> {
  const canvas = viewer.getByTestId('pdf-canvas');
  await expect(canvas).toHaveAttribute('data-drawing', 'false', { timeout: 30_000 });
  const mark = viewer.getByTestId('pdf-highlight').first();
  await expect(mark).toBeInViewport();
  const [c, m] = [(await canvas.boundingBox())!, (await mark.boundingBox())!];
  expect(m.width).toBeGreaterThan(4);
  expect(m.height).toBeGreaterThan(4);
  // Overlapping: the mark lies within the page's canvas.
  expect(m.x).toBeGreaterThanOrEqual(c.x - 1);
  expect(m.y).toBeGreaterThanOrEqual(c.y - 1);
  expect(m.x + m.width).toBeLessThanOrEqual(c.x + c.width + 1);
  expect(m.y + m.height).toBeLessThanOrEqual(c.y + c.height + 1);
  // The canvas was drawn on (not blank): some pixel is not white.
  const inked = await canvas.evaluate((element: HTMLCanvasElement) => {
    const data = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 200 && data[i + 3]! > 0) return true;
    return false;
  });
  expect(inked).toBe(true);
}

test('PDF: the passage marked on its drawn page; previous/next page; the original downloads byte for byte', async ({
  page,
  baseURL,
}) => {
  const requests = recordRequests(page);
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  await page.setViewportSize({ width: 1000, height: 700 });
  await openApp(page);
  await addFiles(page, [generated('two-pages.pdf')]);
  await expectJobs(page, { 'two-pages.pdf': 'done' });
  await search(page, 'keyword', 'kelp');
  await firstResult(page).getByTestId('result-open').click();
  const viewer = page.getByTestId('viewer');
  await expect(page.getByTestId('pdf-page-number')).toHaveText('Page 2 of 2', { timeout: 30_000 });
  await expectMarkedOnCanvas(viewer);

  // Page 1 holds no part of the passage: no mark; back on page 2 it is marked again.
  await viewer.getByTestId('pdf-previous-page').click();
  await expect(page.getByTestId('pdf-page-number')).toHaveText('Page 1 of 2');
  await expect(viewer.getByTestId('pdf-canvas')).toHaveAttribute('data-drawing', 'false', { timeout: 30_000 });
  await expect(viewer.getByTestId('pdf-highlight')).toHaveCount(0);
  await viewer.getByTestId('pdf-next-page').click();
  await expectMarkedOnCanvas(viewer);
  await page.screenshot({ path: test.info().outputPath('pdf-page.png') });

  // The page view's controls (tabs, page buttons, download) pass axe in both themes.
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Colours change with a short transition: audit the settled ones.
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
    const { violations } = await new AxeBuilder({ page }).include('[data-testid="viewer"]').analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      serious.flatMap((v) =>
        v.nodes.map((n) => `${scheme}: ${v.id} at ${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
      ),
    ).toEqual([]);
  }

  // A PDF may also open in a tab; the download is the stored bytes, under the file's name.
  await expect(viewer.getByTestId('viewer-open-original')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByTestId('viewer-download').click()]);
  expect(download.suggestedFilename()).toBe('two-pages.pdf');
  const saved = readFileSync((await download.path())!);
  expect(saved.equals(readFileSync(generated('two-pages.pdf')))).toBe(true);

  // Phone width: the page is drawn again to fit, nothing scrolls sideways, the passage is still marked.
  await page.setViewportSize({ width: 360, height: 740 });
  await expect
    .poll(async () => (await viewer.getByTestId('pdf-canvas').boundingBox())!.width, { timeout: 30_000 })
    .toBeLessThanOrEqual(360);
  await expectMarkedOnCanvas(viewer);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // Settings: the setting is on by default and says what the kept copies take.
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('setting-keep-originals')).toBeChecked();
  await expect(page.getByTestId('originals-kept')).toContainText(/Kept now: 1 file, [\d.]+ (B|KB|kB|MB)/);

  // pdf.js (its worker included) ran under the page's CSP from this site: nothing refused, nothing fetched elsewhere.
  expect(refused).toEqual([]);
  expect(foreignRequests(requests, new URL(baseURL!).origin)).toEqual([]);
  expect(requests.some((r) => /pdf\.worker[^/]*\.mjs$/.test(r.url()))).toBe(true);
});

test('HTML and Markdown with a script and remote images: rendered as text, nothing runs or is fetched; the HTML original only downloads', async ({
  page,
  baseURL,
}) => {
  const requests = recordRequests(page);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await openApp(page);
  const html = [
    '<!doctype html><html><head><title>Tide tables</title>',
    '<script>document.title = "pwned"; alert("script ran");</script>',
    '<link rel="stylesheet" href="http://198.51.100.7/style.css"></head><body>',
    '<h1>Tide tables</h1><p>Spring tides follow the full moon; neap tides the quarter moons.</p>',
    '<img src="http://198.51.100.7/pixel.png" alt="tracker"><p onclick="alert(3)">Slack water lasts minutes.</p>',
    '</body></html>',
  ].join('\n');
  const markdown =
    '# Rope work\n\nA **bowline** makes a fixed loop; see [the knot guide](http://198.51.100.7/knots).\n\n![tracker](http://198.51.100.7/md.png)\n\n<script>alert("md")</script>\n';
  await page.getByTestId('file-input').setInputFiles([
    { name: 'tides.html', mimeType: 'text/html', buffer: Buffer.from(html) },
    { name: 'rope.md', mimeType: 'text/markdown', buffer: Buffer.from(markdown) },
  ]);
  await expectJobs(page, { 'tides.html': 'done', 'rope.md': 'done' });
  const viewer = page.getByTestId('viewer');
  const body = page.getByTestId('viewer-body');

  await search(page, 'keyword', 'neap tides');
  await expect(firstResult(page)).toContainText(/neap/i);
  await firstResult(page).getByTestId('result-open').click();
  await expect(viewer).toBeVisible();
  await expect(body.getByRole('heading', { name: 'Tide tables' })).toBeVisible();
  // The passage may take in the heading too: the mark holding its paragraph is in view.
  await expect(viewer.locator('[data-passage]').filter({ hasText: /neap/i })).toBeInViewport();
  await expect(body.locator('script, img, iframe, link, a, [onclick]')).toHaveCount(0);
  // HTML never opens in a tab (a blob: URL would run it at this origin): download only, as opaque bytes.
  await expect(viewer.getByTestId('viewer-open-original')).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByTestId('viewer-download').click()]);
  expect(download.suggestedFilename()).toBe('tides.html');
  expect(readFileSync((await download.path())!).toString()).toBe(html);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  await search(page, 'keyword', 'bowline loop');
  await expect(firstResult(page)).toContainText(/bowline/i);
  await firstResult(page).getByTestId('result-open').click();
  await expect(viewer).toBeVisible();
  await expect(body.getByRole('heading', { name: 'Rope work' })).toBeVisible();
  // Inline Markdown shows as styles; the link as text, its URL nowhere.
  await expect(body.locator('strong')).toHaveText('bowline');
  await expect(body.locator('u')).toHaveText('the knot guide');
  await expect(body).not.toContainText('198.51.100.7');
  await expect(viewer.locator('[data-passage]').filter({ hasText: /bowline/i })).toBeInViewport();
  await expect(body.locator('script, img, iframe, link, a')).toHaveCount(0);

  expect(dialogs).toEqual([]);
  expect(await page.title()).not.toBe('pwned');
  expect(foreignRequests(requests, new URL(baseURL!).origin)).toEqual([]);
});

test('PDF: when the page cannot be drawn (pdf.js worker unavailable), the text shows with the reason', async ({
  page,
}) => {
  await page.route(/pdf\.worker[^/]*\.mjs$/, (route) => route.abort());
  await openApp(page);
  await addFiles(page, [generated('two-pages.pdf')]);
  await expectJobs(page, { 'two-pages.pdf': 'done' });
  await search(page, 'keyword', 'kelp');
  await firstResult(page).getByTestId('result-open').click();
  const viewer = page.getByTestId('viewer');
  await expect(page.getByTestId('viewer-note')).toContainText('Shown as text: the page could not be drawn', {
    timeout: 30_000,
  });
  await expect(viewer.getByTestId('viewer-tab-text')).toHaveAttribute('aria-selected', 'true');
  await expect(viewer.locator('[data-passage]').first()).toContainText(/kelp/i);
  await expect(viewer.locator('[data-passage]').first()).toBeInViewport();
  await expect(viewer.getByTestId('pdf-canvas')).toHaveCount(0);
});
