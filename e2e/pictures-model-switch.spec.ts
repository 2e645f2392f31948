// Switching the image–text model, as a person sees it in the built site with the two offline colour CLIP fixtures
// (scripts/make-clip-fixture.mjs: the second has another bias, so its own vector space and fingerprint): image
// search on with the first, a folder of coloured pictures added and found by what they show; Settings → Pictures →
// Image model → the second fixture; once the status says every picture is described again by the new model, "red"
// still finds the red kite and the answers come from the new model's space ("orange" finds the yellow door with
// that space's cosine), after a reload too, and the library keeps the pictures of one model's space only. Then back
// to the first model, and the same again. The in-between state (the old model answering while the new one
// describes) is too short with four pictures to be seen reliably: tests/picture-model-switch.test.ts holds it. With
// sixty pictures a choice can be made mid-switch (once the store shows the new model's first rows): the first model
// chosen again must leave no rows of the second behind, and second → first → second must still complete. And the
// status line's counts (which the switching line's count is made of) must follow the pictures as they are described.
import { expect, test, type Page } from '@playwright/test';
import { COLOURS, SECOND_BIAS, colourPng, colourVector } from '../scripts/make-clip-fixture.mjs';
import { addFiles, expectJobs, generated, openApp, search, turnOnImageSearch } from './helpers.ts';

const FIRST = 'trove-colour-clip';
const SECOND = 'trove-colour-clip-b';
const PICTURES = ['kite.png', 'meadow.png', 'lake.png', 'door.png'];

async function openSettings(page: Page) {
  await page.getByTestId('settings-button').click();
  const dialog = page.getByTestId('settings-dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

async function closeSettings(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-dialog')).toBeHidden();
}

/** Image search on, with the first fixture (the e2e build's); the second is offered beside it. */
async function turnOnImageSearchWithTwoModels(page: Page): Promise<void> {
  await turnOnImageSearch(page);
  const dialog = await openSettings(page);
  await expect(dialog.getByTestId('setting-image-model')).toHaveValue(FIRST);
  await expect(dialog.getByTestId('setting-image-model').locator(`option[value="${SECOND}"]`)).toHaveCount(1);
  await closeSettings(page);
}

/** The status line once `modelId` has described every picture and no switch is under way. */
async function expectModelSettled(page: Page, modelId: string, pictures = PICTURES.length): Promise<void> {
  const dialog = page.getByTestId('settings-dialog');
  await expect(dialog.getByTestId('setting-image-model')).toHaveValue(modelId);
  await expect(dialog.getByTestId('image-model-status')).toHaveText(
    new RegExp(`^Ready \\(\\w+\\): ${pictures} pictures described\\.$`),
    { timeout: 60_000 },
  );
  await expect(dialog.getByTestId('image-model-switching')).toHaveCount(0);
}

/** Chooses an image model in Settings and waits until its switch has completed. */
async function switchImageModel(page: Page, modelId: string): Promise<void> {
  const dialog = await openSettings(page);
  // Saved at once (not with the dialog's Save), like the image search box.
  await dialog.getByTestId('setting-image-model').selectOption(modelId);
  await expectModelSettled(page, modelId);
  await closeSettings(page);
}

/** The rows of the library's `pictures` store, counted by fingerprint (the model space they belong to). */
function rowsBySpace(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const opening = indexedDB.open('trove');
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const db = opening.result;
          const reading = db.transaction('pictures').objectStore('pictures').getAll();
          reading.onerror = () => reject(reading.error);
          reading.onsuccess = () => {
            db.close();
            const counts: Record<string, number> = {};
            for (const { fingerprint } of reading.result as Array<{ fingerprint: string }>) {
              counts[fingerprint] = (counts[fingerprint] ?? 0) + 1;
            }
            resolve(counts);
          };
        };
      }),
  );
}

/** The distinct fingerprints of the rows in the `pictures` store. */
async function pictureFingerprints(page: Page): Promise<string[]> {
  return Object.keys(await rowsBySpace(page)).sort();
}

/** How many rows the `pictures` store holds. */
async function pictureRows(page: Page): Promise<number> {
  return Object.values(await rowsBySpace(page)).reduce((sum, n) => sum + n, 0);
}

const firstPicture = (page: Page) => page.getByTestId('pictures').getByTestId('picture').first();

/**
 * Cosine, in the space of the fixture with this bias, of the query "orange" and the yellow door (its nearest): 0.90
 * in the first model's space, 0.95 in the second's, so the strip's "looks like it (…)" tells which space answered.
 */
function orangeToYellow(bias?: number[]): string {
  const a = colourVector(COLOURS.orange, bias);
  const b = colourVector(COLOURS.yellow, bias);
  const dot = a.reduce((sum, x, i) => sum + x * b[i], 0);
  return (dot / (Math.hypot(...a) * Math.hypot(...b))).toFixed(2);
}

/**
 * "red" finds the red kite first by what it shows (no name or text says red), and "orange" the yellow door with the
 * cosine of the space of the model with this bias. Each call searches "red" then "orange", so every search is a new
 * one whatever the box held before (the same text again would not search again).
 */
async function expectAnsweredBy(page: Page, bias?: number[]): Promise<void> {
  await search(page, 'hybrid', 'red');
  await expect(firstPicture(page)).toHaveAttribute('data-name', 'kite.png');
  await expect(firstPicture(page).getByTestId('picture-image')).toBeVisible();
  await search(page, 'hybrid', 'orange');
  await expect(firstPicture(page)).toHaveAttribute('data-name', 'door.png');
  await expect(firstPicture(page)).toHaveAttribute('title', `looks like it (${orangeToYellow(bias)})`);
}

/** The page reloaded, with its text model ready again. */
async function reload(page: Page): Promise<void> {
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
}

test('switching the image model and back: pictures still found, after a reload too, one space kept', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await openApp(page, 'ready', 180_000);
  await turnOnImageSearchWithTwoModels(page);

  await addFiles(
    page,
    PICTURES.map((name) => generated(`pictures/${name}`)),
  );
  await expectJobs(page, Object.fromEntries(PICTURES.map((name) => [name, 'done'])));
  await expectAnsweredBy(page);
  // Every picture described by the first model, in one space.
  await expect.poll(() => pictureRows(page), { timeout: 60_000 }).toBe(PICTURES.length);
  const firstSpace = await pictureFingerprints(page);
  expect(firstSpace).toHaveLength(1);

  // To the second model: once it has described every picture its space is the only one kept.
  await switchImageModel(page, SECOND);
  await expect.poll(() => pictureFingerprints(page), { timeout: 60_000 }).toHaveLength(1);
  const secondSpace = await pictureFingerprints(page);
  expect(secondSpace).not.toEqual(firstSpace);
  expect(await pictureRows(page)).toBe(PICTURES.length);
  await expectAnsweredBy(page, SECOND_BIAS);

  // After a reload the second model is still the chosen one and still answers.
  await reload(page);
  await expectAnsweredBy(page, SECOND_BIAS);
  await openSettings(page);
  await expectModelSettled(page, SECOND);
  await closeSettings(page);
  expect(await pictureFingerprints(page)).toEqual(secondSpace);

  // And back to the first model: its space again (the same model, the same fingerprint), the second's gone.
  await switchImageModel(page, FIRST);
  await expect.poll(() => pictureFingerprints(page), { timeout: 60_000 }).toEqual(firstSpace);
  expect(await pictureRows(page)).toBe(PICTURES.length);
  await expectAnsweredBy(page);

  await reload(page);
  await expectAnsweredBy(page);
  await openSettings(page);
  await expectModelSettled(page, FIRST);
  await closeSettings(page);
  expect(await pictureFingerprints(page)).toEqual(firstSpace);
});

// The two tests below catch the switch in the middle: enough pictures that the second model takes a while to describe
// them all, and a choice made once the store shows its first rows (a condition, not a time).
const SHELVES = 56;

/** The colour pictures and grey shelves, all described by the first model; Settings open. */
async function manyPictures(page: Page): Promise<{ total: number; firstSpace: string[] }> {
  const total = PICTURES.length + SHELVES;
  await openApp(page, 'ready', 180_000);
  await turnOnImageSearchWithTwoModels(page);
  await addFiles(
    page,
    PICTURES.map((name) => generated(`pictures/${name}`)),
  );
  await page.getByTestId('file-input').setInputFiles(
    Array.from({ length: SHELVES }, (_, i) => ({
      name: `shelf-${i + 1}.png`,
      mimeType: 'image/png',
      buffer: Buffer.from(colourPng({ width: 40 + i, height: 40, rgb: COLOURS.grey })),
    })),
  );
  await expect.poll(() => pictureRows(page), { timeout: 120_000 }).toBe(total);
  const firstSpace = await pictureFingerprints(page);
  expect(firstSpace).toHaveLength(1);
  await openSettings(page);
  await expectModelSettled(page, FIRST, total);
  return { total, firstSpace };
}

/**
 * Chooses the second model and waits until it has described some pictures, but (with this many) not all; answers
 * the second model's fingerprint.
 */
async function startSwitch(page: Page, firstSpace: string[]): Promise<string> {
  await page.getByTestId('settings-dialog').getByTestId('setting-image-model').selectOption(SECOND);
  await expect.poll(() => pictureFingerprints(page), { timeout: 60_000, intervals: [10] }).toHaveLength(2);
  const spaces = await pictureFingerprints(page);
  expect(spaces).toEqual(expect.arrayContaining(firstSpace));
  return spaces.find((fingerprint) => !firstSpace.includes(fingerprint))!;
}

test("the first model chosen again mid-switch: its space answers and the second model's partial space is deleted", async ({
  page,
}) => {
  test.setTimeout(600_000);
  const { total, firstSpace } = await manyPictures(page);
  await startSwitch(page, firstSpace);
  await page.getByTestId('settings-dialog').getByTestId('setting-image-model').selectOption(FIRST);
  await expectModelSettled(page, FIRST, total);
  await closeSettings(page);
  await expectAnsweredBy(page);
  // The rows the second model wrote before it was abandoned are of no use: they go as the other spaces do.
  await expect.poll(() => pictureFingerprints(page), { timeout: 60_000 }).toEqual(firstSpace);
});

test('second, first and second again mid-switch: the switch to the second model still completes', async ({ page }) => {
  test.setTimeout(600_000);
  const { total, firstSpace } = await manyPictures(page);
  const secondSpace = await startSwitch(page, firstSpace);
  const select = page.getByTestId('settings-dialog').getByTestId('setting-image-model');
  await select.selectOption(FIRST);
  await select.selectOption(SECOND);
  // The second model describes every picture (the store shows it, whatever the status line says)...
  await expect.poll(async () => (await rowsBySpace(page))[secondSpace], { timeout: 60_000 }).toBe(total);
  // ...and the status says so.
  await expectModelSettled(page, SECOND, total);
  await closeSettings(page);
  await expectAnsweredBy(page, SECOND_BIAS);
  await expect.poll(() => pictureFingerprints(page), { timeout: 60_000 }).toHaveLength(1);
  expect(await pictureFingerprints(page)).not.toEqual(firstSpace);
});

test('the status line follows the pictures as they are described, not only the count when Settings opened', async ({
  page,
}) => {
  // The same counts make the switching line's "N pictures still to describe": they must move as the work is done.
  test.setTimeout(600_000);
  await openApp(page, 'ready', 180_000);
  await turnOnImageSearchWithTwoModels(page);
  await page.getByTestId('file-input').setInputFiles(
    Array.from({ length: SHELVES }, (_, i) => ({
      name: `shelf-${i + 1}.png`,
      mimeType: 'image/png',
      buffer: Buffer.from(colourPng({ width: 40 + i, height: 40, rgb: COLOURS.grey })),
    })),
  );
  // Settings opened as soon as the files are added, while the image model may still be describing them.
  await expect(page.getByTestId('jobs-summary')).toContainText(`${SHELVES} added`, { timeout: 120_000 });
  await openSettings(page);
  await expect.poll(() => pictureRows(page), { timeout: 120_000 }).toBe(SHELVES);
  await expectModelSettled(page, FIRST, SHELVES);
});
