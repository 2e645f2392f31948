// Pictures inside documents, in the built site with the offline colour CLIP fixture: a DOCX holding a red and a
// blue picture and a PDF with a yellow picture on page 2 are added with image search on; "red" shows the DOCX's red
// picture in the strip, "yellow" the PDF's with its page, whose viewer opens the document at that page; a reload
// keeps them; deleting the DOCX removes its pictures.
import { expect, test, type Page } from '@playwright/test';
import { COLOURS, colourPng } from '../scripts/make-clip-fixture.mjs';
import { makeDocx } from '../scripts/make-format-fixtures.mjs';
import { makePdfWithImages } from '../src/engine/testing/pdf-with-images.ts';
import { expectJobs, openApp, search, turnOnImageSearch } from './helpers.ts';

/** No word in either file names a colour: only the image model can find their pictures by colour. */
const REPORT = makeDocx([
  ['h1', 'Field report'],
  ['p', 'The kite flew over the meadow all afternoon.'],
  ['image', colourPng({ width: 96, height: 72, rgb: COLOURS.red })],
  ['p', 'The lake was calm by evening.'],
  ['image', colourPng({ width: 120, height: 90, rgb: COLOURS.blue })],
]);
const BROCHURE = makePdfWithImages({ Door: { width: 80, height: 120, rgb: COLOURS.yellow } }, [
  { paints: [], text: ['Welcome to the old town.'] },
  { paints: ['Door'], text: ['The painted door of the bakery.'] },
]);

const strip = (page: Page) => page.getByTestId('pictures').getByTestId('picture');

test('pictures inside a DOCX and a PDF: found by what they show, with their page; kept after a reload; gone with their document', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await openApp(page, 'ready', 180_000);
  await turnOnImageSearch(page);
  await page.getByTestId('file-input').setInputFiles([
    {
      name: 'field-report.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: Buffer.from(REPORT),
    },
    { name: 'brochure.pdf', mimeType: 'application/pdf', buffer: Buffer.from(BROCHURE) },
  ]);
  await expectJobs(page, { 'field-report.docx': 'done', 'brochure.pdf': 'done' });

  await search(page, 'hybrid', 'red');
  await expect(strip(page).first()).toHaveAttribute('data-name', 'field-report.docx');
  await expect(strip(page).first()).toHaveAttribute('data-n', '1');
  await expect(strip(page).first().getByTestId('picture-image')).toBeVisible();
  await strip(page).first().click();
  await expect(page.getByTestId('picture-viewer')).toContainText('A picture inside “field-report.docx”');
  await expect(page.getByTestId('picture-viewer').getByRole('img')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('picture-viewer')).toBeHidden();

  // The PDF's picture names its page; its viewer shows that page's text and opens the document there.
  await search(page, 'hybrid', 'yellow');
  await expect(strip(page).first()).toHaveAttribute('data-name', 'brochure.pdf');
  await expect(strip(page).first()).toContainText('brochure.pdf · p. 2');
  await strip(page).first().click();
  const viewer = page.getByTestId('picture-viewer');
  await expect(viewer.getByTestId('picture-page-text')).toHaveText('The painted door of the bakery.');
  await viewer.getByTestId('picture-open-page').click();
  await expect(viewer).toBeHidden();
  await expect(page.getByTestId('viewer')).toBeVisible();
  // The PDF is kept, so the viewer shows its pages: at the picture's.
  await expect(page.getByTestId('viewer-body')).toContainText('Page 2 of 2');
  await page.getByTestId('viewer-close').click();

  // Stored: after a reload the same query shows the same picture.
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
  await search(page, 'hybrid', 'blue');
  await expect(strip(page).first()).toHaveAttribute('data-name', 'field-report.docx');
  await expect(strip(page).first()).toHaveAttribute('data-n', '2');

  // Deleting the DOCX removes its pictures from the strip.
  const row = page.locator('[data-testid="library-row"][data-name="field-report.docx"]');
  await row.getByTestId('delete-doc').click();
  await row.getByTestId('confirm-delete').click();
  await expect(page.getByTestId('library-row')).toHaveCount(1);
  await search(page, 'hybrid', 'red');
  // Waits for the strip of this query (the one before showed the DOCX's picture).
  await expect(page.locator('[data-testid="picture"][data-name="field-report.docx"]')).toHaveCount(0);
});
