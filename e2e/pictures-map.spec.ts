// Pictures on the embedding map, in the built site with the offline colour CLIP fixture: with image search on, a
// folder of pictures (a GIF among them, picked like any file) and a document are added; "red" finds the red GIF;
// the map marks the pictures' points and draws their thumbnails (fewer than the limit are in view); zoomed in on
// one, its thumbnail is still drawn under the pointer, and a click on it opens its document.
import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { COLOURS } from '../scripts/make-clip-fixture.mjs';
import { encodeGif } from '../src/engine/testing/gif.ts';
import { addFiles, expectJobs, fixture, generated, openApp, search, turnOnImageSearch } from './helpers.ts';

const PICTURES = ['kite.png', 'meadow.png', 'lake.png', 'door.png'];

/**
 * The middle of the first patch of this colour on the canvas (CSS px from its corner), or undefined: scanning
 * rows, the first such pixel, then how far the colour runs right and down from it.
 */
function findColour(page: Page, rgb: readonly number[]) {
  return page.getByTestId('map-canvas').evaluate((element: HTMLCanvasElement, want) => {
    const context = element.getContext('2d')!;
    const { width, height } = element;
    const pixels = context.getImageData(0, 0, width, height).data;
    const near = (x: number, y: number) => want.every((v, c) => Math.abs(pixels[(y * width + x) * 4 + c]! - v) <= 12);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        if (!near(x, y)) continue;
        let right = x;
        while (right + 1 < width && near(right + 1, y)) right++;
        let down = y;
        while (down + 1 < height && near(x, down + 1)) down++;
        const scale = element.clientWidth / width;
        return { x: ((x + right) / 2) * scale, y: ((y + down) / 2) * scale };
      }
    return undefined;
  }, rgb);
}

test('pictures on the map: marked, drawn as thumbnails up close, a GIF among them; a click on one opens it', async ({
  page,
}, info) => {
  test.setTimeout(600_000);
  // A red GIF, two frames (the second blue): a GIF is a picture by its first frame.
  const frame = (rgb: readonly number[]) => ({
    width: 48,
    height: 36,
    rgb: new Uint8Array(48 * 36 * 3).map((_, i) => rgb[i % 3]!),
  });
  const gif = info.outputPath('balloon.gif');
  writeFileSync(gif, encodeGif([frame(COLOURS.red), frame(COLOURS.blue)]));

  await page.setViewportSize({ width: 1200, height: 900 });
  await openApp(page, 'ready', 180_000);
  await turnOnImageSearch(page);
  await addFiles(page, [...PICTURES.map((name) => generated(`pictures/${name}`)), gif, fixture('field-guide.md')]);
  await expectJobs(page, Object.fromEntries([...PICTURES, 'balloon.gif', 'field-guide.md'].map((n) => [n, 'done'])));

  await search(page, 'hybrid', 'red');
  const strip = page.getByTestId('pictures').getByTestId('picture');
  await expect(strip.first()).toHaveAttribute('data-name', /^(kite\.png|balloon\.gif)$/);
  await expect(strip.nth(1)).toHaveAttribute('data-name', /^(kite\.png|balloon\.gif)$/);

  await page.getByTestId('map-toggle').click();
  const canvas = page.getByTestId('map-canvas');
  await expect(canvas).toHaveAttribute('data-points', /^[1-9]\d*$/, { timeout: 60_000 });
  // One point per picture (its text is its name: no OCR text in a flat colour), each marked.
  await expect(canvas).toHaveAttribute('data-pictures', '5');
  await expect(canvas).toHaveAttribute('aria-label', /5 of them from pictures/);
  // Five pictures are fewer than the limit: each is drawn as its thumbnail, fetched from the stored ones.
  await expect(canvas).toHaveAttribute('data-thumbnails', '5', { timeout: 30_000 });

  // Zoomed in about a red thumbnail (the GIF's or the kite's), pointing at it again after each step: it is drawn.
  const box = (await canvas.boundingBox())!;
  for (let step = 0; step < 4; step++) {
    const red = await findColour(page, COLOURS.red);
    expect(red).toBeDefined();
    await page.mouse.move(box.x + red!.x, box.y + red!.y);
    const zoom = await canvas.getAttribute('data-zoom');
    await page.mouse.wheel(0, -400);
    await expect(canvas).not.toHaveAttribute('data-zoom', zoom!);
  }
  expect(Number(await canvas.getAttribute('data-zoom'))).toBeGreaterThan(8);
  await expect(canvas).toHaveAttribute('data-thumbnails', /^[1-5]$/);
  const red = await findColour(page, COLOURS.red);
  expect(red).toBeDefined();
  const spot = { x: box.x + red!.x, y: box.y + red!.y };

  // The thumbnail is part of its point: pointing at it shows the passage, a click opens the picture's document.
  await page.mouse.move(spot.x, spot.y);
  await expect(page.getByTestId('map-tooltip')).toContainText(/kite\.png|balloon\.gif/);
  await page.mouse.click(spot.x, spot.y);
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('heading', { level: 2 })).toContainText(/kite\.png|balloon\.gif/);
});
