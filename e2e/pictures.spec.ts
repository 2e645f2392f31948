// Pictures found by what they show, in the built site with the offline colour CLIP fixture: image search turned on
// in Settings, a folder of coloured pictures, a scan and a document added; "red" finds the red picture by what it
// shows, "signal lamp" finds the scan by its OCR text; a picture dropped on the search box finds its
// near-duplicate; the viewer shows a picture with its OCR text; pictures survive a reload.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { addFiles, expectJobs, fixture, generated, openApp, search, turnOnImageSearch } from './helpers.ts';

const PICTURES = ['kite.png', 'meadow.png', 'lake.png', 'door.png'];

/** The app with its text model ready: on a loaded shared machine the first worker can take minutes to get there. */
/** Drops a picture file on the search box, as a person dragging it from their desktop would. */
async function dropPicture(page: Page, path: string, name: string) {
  const bytes = [...readFileSync(path)];
  const transfer = await page.evaluateHandle(
    ({ bytes, name }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
      return data;
    },
    { bytes, name },
  );
  const target = page.getByTestId('image-query-drop');
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

const firstPicture = (page: Page) => page.getByTestId('pictures').getByTestId('picture').first();

test('a folder of pictures: found by what they show and by OCR, by a dropped picture, after a reload and in an imported .trove', async ({
  page,
  browser,
  baseURL,
}, info) => {
  test.setTimeout(600_000);
  await openApp(page, 'ready', 180_000);
  await turnOnImageSearch(page);

  await addFiles(page, [
    ...PICTURES.map((name) => generated(`pictures/${name}`)),
    generated('formats/scans/signal-lamp.png'),
    fixture('field-guide.md'),
  ]);
  await expectJobs(
    page,
    Object.fromEntries([...PICTURES, 'signal-lamp.png', 'field-guide.md'].map((n) => [n, 'done'])),
  );

  // By what it shows: no file name or text says "red".
  await search(page, 'hybrid', 'red');
  await expect(firstPicture(page)).toHaveAttribute('data-name', 'kite.png');
  await expect(firstPicture(page).getByTestId('picture-image')).toBeVisible();
  expect(await firstPicture(page).getByTestId('picture-image').getAttribute('src')).toMatch(/^blob:/);

  // By the text OCR read in it.
  await search(page, 'hybrid', 'signal lamp');
  await expect(
    page.getByTestId('pictures').getByTestId('picture').filter({ hasText: 'signal-lamp.png' }),
  ).toBeVisible();

  // The viewer: the picture and its OCR text.
  await page.getByTestId('pictures').getByTestId('picture').filter({ hasText: 'signal-lamp.png' }).click();
  const viewer = page.getByTestId('picture-viewer');
  await expect(viewer).toBeVisible();
  await expect(viewer.getByTestId('picture-ocr-text')).toContainText(/SIGNAL LAMP/i);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // A picture as the query: its near-duplicate comes first.
  await dropPicture(page, generated('pictures/lake-again.png'), 'lake-again.png');
  await expect(page.getByTestId('pictures')).toContainText('Pictures like “lake-again.png”');
  await expect(firstPicture(page)).toHaveAttribute('data-name', 'lake.png');

  // After a reload the pictures are still there (stored), and the setting stays on.
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
  await search(page, 'hybrid', 'yellow');
  await expect(firstPicture(page)).toHaveAttribute('data-name', 'door.png');

  // Exported and imported into a fresh profile: the pictures come with their vectors and thumbnails.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = info.outputPath('pictures.trove');
  await (await downloading).saveAs(file);
  const context = await browser.newContext({ baseURL });
  const fresh = await context.newPage();
  await openApp(fresh);
  await fresh.getByTestId('import-input').setInputFiles(file);
  await expect(fresh.getByTestId('backup-done')).toContainText('Imported', { timeout: 60_000 });
  await turnOnImageSearch(fresh);
  await search(fresh, 'hybrid', 'red');
  await expect(firstPicture(fresh)).toHaveAttribute('data-name', 'kite.png');
  await expect(firstPicture(fresh).getByTestId('picture-image')).toBeVisible();
  await context.close();
});

test('an encrypted library: pictures found before and after lock and unlock', async ({ page }) => {
  test.setTimeout(600_000);
  const passphrase = 'correct horse battery staple';
  await openApp(page, 'ready', 180_000);
  await turnOnImageSearch(page, async (p) => {
    await p.getByTestId('lock-passphrase').fill(passphrase);
    await p.getByTestId('lock-passphrase-again').fill(passphrase);
    await p.getByTestId('lock-understood').check();
    await p.getByTestId('lock-enable').click();
    await expect(p.getByTestId('lock-message')).toContainText('lock is on');
  });
  await addFiles(
    page,
    ['kite.png', 'lake.png'].map((name) => generated(`pictures/${name}`)),
  );
  await expectJobs(page, { 'kite.png': 'done', 'lake.png': 'done' });
  await search(page, 'hybrid', 'red');
  await expect(firstPicture(page)).toHaveAttribute('data-name', 'kite.png');

  await page.getByTestId('lock-button').click();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await expect(page.getByTestId('pictures')).toHaveCount(0);
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('lock-screen')).toBeHidden();
  await search(page, 'hybrid', 'blue');
  await expect(firstPicture(page)).toHaveAttribute('data-name', 'lake.png');
  await expect(firstPicture(page).getByTestId('picture-image')).toBeVisible();
});
