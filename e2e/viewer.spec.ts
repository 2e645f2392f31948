// The document viewer, on the ?demo=viewer page and on stored documents opened from results: the passage is marked
// and in view, Markdown is rendered as text (its script, remote image and link never act), matches step, Esc closes.
import { expect, test } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, foreignRequests, generated, openApp, recordRequests, search } from './helpers.ts';

test('Markdown: passage highlighted and scrolled into view, rendered safely, next/previous match, Esc closes', async ({ page, baseURL }) => {
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

test('a result opens in its document: the passage marked on its PDF page and in Markdown; Esc returns to the result', async ({ page }) => {
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
