import { expect, test } from '@playwright/test';
import { expectCompleteManifest, installabilityErrors, withPersistentContext } from './pwa-helpers.ts';

test('Chromium finds nothing stopping installation, and the manifest has its fields, icons and screenshots', async ({
  baseURL,
}) => {
  const appUrl = new URL('/', baseURL).href;
  await withPersistentContext(async (context) => {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(appUrl);
    await expect(page.getByTestId('model-status')).toBeVisible();
    expect(await installabilityErrors(page)).toEqual([]);
    await expectCompleteManifest(page, appUrl);
    // The page links the PNG icons too (iOS reads apple-touch-icon, not the manifest).
    await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute('href', '/icons/apple-touch-icon.png');
  });
});
