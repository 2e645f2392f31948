// The document viewer (on the ?demo=viewer page until the engine serves stored documents): the passage is marked
// and in view, Markdown is rendered as text (its script, remote image and link never act), matches step, Esc closes.
import { expect, test } from '@playwright/test';
import { foreignRequests, recordRequests } from './helpers.ts';

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
