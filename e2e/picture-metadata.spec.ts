// A photo's camera data (EXIF text, GPS) is not stored in the browser unless the user keeps it: the kept original is
// cleaned and the thumbnail re-encoded, so no store of any database holds it; with "Keep camera data" ticked, the
// kept original holds it (which also shows this dump would find it).
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { dumpIndexedDb, storesContainingText } from './idb-dump.ts';

async function photo(secret: string): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 210, g: 30, b: 30 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { ImageDescription: secret, Artist: secret }, IFD3: { GPSLatitudeRef: 'N' } })
    .toBuffer();
}

async function add(page: Page, name: string, secret: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'image/jpeg', buffer: await photo(secret) });
  const job = page.getByTestId('job').filter({ hasText: name });
  await expect(job).toHaveAttribute('data-stage', 'done', { timeout: 120_000 });
}

test('camera data of a photo is stored nowhere unless the user keeps it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
  await page.getByTestId('settings-button').click();
  const dialog = page.getByTestId('settings-dialog');
  await dialog.getByTestId('setting-image-search').click();
  await expect(dialog.getByTestId('image-model-status')).toContainText('Ready', { timeout: 60_000 });
  await expect(dialog.getByTestId('setting-keep-picture-metadata')).not.toBeChecked();
  await page.keyboard.press('Escape');

  const secret = 'Trove-GPS-48-8584N-home';
  await add(page, 'harbour.jpg', secret);
  await page.getByTestId('mode-hybrid').click();
  await page.getByTestId('search-input').fill('red');
  await expect(page.getByTestId('pictures').getByTestId('picture').first()).toHaveAttribute('data-name', 'harbour.jpg');
  expect(storesContainingText(await dumpIndexedDb(page), secret)).toEqual([]);

  await page.getByTestId('settings-button').click();
  await dialog.getByTestId('setting-keep-picture-metadata').check();
  await dialog.getByTestId('settings-save').click();
  await expect(dialog).toBeHidden();
  const kept = 'Trove-GPS-kept-on-request';
  await add(page, 'harbour-kept.jpg', kept);
  expect(storesContainingText(await dumpIndexedDb(page), kept)).toEqual(['trove/originals']);
});
