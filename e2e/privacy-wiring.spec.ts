// Privacy, end to end in the built app: PII redaction before storage, the library lock (encryption at rest),
// Forget everything (and deleting one document) leaving nothing behind, and links that cannot turn downloads on.
import { expect, test, type Page } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, openApp, search } from './helpers.ts';
import { dumpIndexedDb, storesContainingText, storesContainingVector } from './idb-dump.ts';

const PASSPHRASE = 'correct horse battery staple';
const CANARY = 'lactic acid bacteria'; // a phrase of field-guide.md

function textFile(name: string, text: string) {
  return { name, mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') };
}

async function openSettings(page: Page) {
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('settings-dialog')).toBeVisible();
}

/** The first stored vector of a plain library (read straight from IndexedDB). */
async function firstStoredVector(page: Page): Promise<Float32Array> {
  const floats = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('trove');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const rows = await new Promise<Array<{ dims: number; vectors: Float32Array }>>((resolve, reject) => {
      const r = db.transaction('vectors').objectStore('vectors').getAll();
      r.onsuccess = () => resolve(r.result as Array<{ dims: number; vectors: Float32Array }>);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return Array.from(rows[0].vectors.subarray(0, rows[0].dims));
  });
  return Float32Array.from(floats);
}

test('with redaction on, planted PII is found neither by search nor anywhere in IndexedDB', async ({ page }) => {
  await openApp(page);
  await openSettings(page);
  await page.getByTestId('setting-redact').check();
  // A pattern the engine would refuse is explained as it is typed.
  await page.getByTestId('custom-pattern-add').click();
  await page.getByTestId('custom-pattern-label').fill('nested');
  await page.getByTestId('custom-pattern-source').fill('(a+)+$');
  await expect(page.getByTestId('custom-pattern-error')).toBeVisible();
  await page.getByTestId('custom-pattern-source').fill('EMP-\\d{6}');
  await expect(page.getByTestId('custom-pattern-error')).toHaveCount(0);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-dialog')).toBeHidden();

  const planted = [
    'jane.doe@example.com',
    '4111 1111 1111 1111',
    'GB82 WEST 1234 5698 7654 32',
    'EMP-314159',
    '+44 20 7946 0958',
  ];
  const text = `Sourdough notes. Contact jane.doe@example.com or call +44 20 7946 0958.\n\nPay with 4111 1111 1111 1111 or to GB82 WEST 1234 5698 7654 32. Badge EMP-314159 kneads the dough.`;
  await page.getByTestId('file-input').setInputFiles([textFile('contacts.txt', text)]);
  await expectJobs(page, { 'contacts.txt': 'done' });
  await expect(page.getByTestId('doc-redactions')).toContainText('5 values redacted');

  await search(page, 'keyword', 'sourdough');
  await expect(firstResult(page)).toContainText('[EMAIL]');
  for (const value of ['jane.doe', '4111', 'EMP-314159']) {
    await search(page, 'keyword', value);
    await expect(page.getByTestId('no-results')).toBeVisible();
  }
  const dump = await dumpIndexedDb(page);
  expect(storesContainingText(dump, 'Sourdough').length).toBeGreaterThan(0); // the control: the text is there
  for (const value of [...planted, 'jane.doe', '7946 0958', '5698 7654'])
    expect(storesContainingText(dump, value), value).toEqual([]);
});

test('a locked library stores no canary and no known vector; after a reload it answers only to the passphrase', async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000); // three full app starts (one in a second context) on a shared machine
  // The known vector: the same passage embedded in a plain library (same model, same bytes).
  const plain = await browser.newContext({ baseURL });
  const plainPage = await plain.newPage();
  await openApp(plainPage);
  await addFiles(plainPage, [fixture('field-guide.md')]);
  await expectJobs(plainPage, { 'field-guide.md': 'done' });
  const known = await firstStoredVector(plainPage);
  expect(storesContainingVector(await dumpIndexedDb(plainPage), known).length).toBeGreaterThan(0); // the control
  await plain.close();

  await openApp(page);
  await openSettings(page);
  await expect(page.getByTestId('lock-warning')).toContainText('lose the library');
  await page.getByTestId('lock-passphrase').fill(PASSPHRASE);
  await page.getByTestId('lock-passphrase-again').fill(PASSPHRASE);
  await page.getByTestId('lock-understood').check();
  await page.getByTestId('lock-enable').click();
  await expect(page.getByTestId('lock-message')).toContainText('lock is on');
  await page.keyboard.press('Escape');
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });

  await page.reload();
  await expect(page.getByTestId('lock-screen')).toBeVisible({ timeout: 60_000 });
  const dump = await dumpIndexedDb(page);
  expect(dump.some((s) => s.store === 'chunks' && s.rows > 0)).toBe(true);
  expect(storesContainingText(dump, CANARY)).toEqual([]);
  expect(storesContainingText(dump, 'field-guide')).toEqual([]);
  expect(storesContainingVector(dump, known)).toEqual([]);

  await page.getByTestId('unlock-passphrase').fill('not the passphrase');
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('unlock-error')).toContainText('Wrong passphrase');
  await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
  await page.getByTestId('lock-button').click();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await expect(page.getByTestId('result')).toHaveCount(0);
});

test('deleting a document leaves nothing of it; Forget everything empties IndexedDB and the app starts afresh', async ({
  page,
}) => {
  test.setTimeout(150_000); // two full app starts on a shared machine
  await openApp(page);
  await addFiles(page, [fixture('field-guide.md')]);
  await page
    .getByTestId('file-input')
    .setInputFiles([textFile('secret.txt', 'The zqxwvcanary ledger is kept in the blue drawer.')]);
  await expectJobs(page, { 'field-guide.md': 'done', 'secret.txt': 'done' });
  expect(storesContainingText(await dumpIndexedDb(page), 'zqxwvcanary').length).toBeGreaterThan(0);
  const row = page.locator('[data-testid="library-row"][data-name="secret.txt"]');
  await row.getByTestId('delete-doc').click();
  await row.getByTestId('confirm-delete').click();
  await expect(page.getByTestId('library-row')).toHaveCount(1);
  // The keyword snapshot is rewritten once writes pause (2 s): then no store holds anything of the document.
  await expect
    .poll(async () => storesContainingText(await dumpIndexedDb(page), 'zqxwvcanary'), { timeout: 15_000 })
    .toEqual([]);

  await page.getByTestId('privacy-button').click();
  await expect(page.getByTestId('privacy-egress')).toContainText('https://huggingface.co');
  await page.getByTestId('forget-everything').click();
  await page.getByTestId('forget-confirm').click();
  await expect(page.getByTestId('forget-removed')).toContainText('IndexedDB database “trove”');
  expect(await dumpIndexedDb(page)).toEqual([]);
  await page.getByTestId('forget-restart').click();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('empty-library')).toBeVisible();
});

test('?remote=1 with downloads off is refused with a notice, and not saved', async ({ page }) => {
  await page.goto('/?remote=1');
  await expect(page.getByTestId('refused-notice')).toContainText('downloads are off');
  await expect(page.getByTestId('allow-downloads')).toBeVisible();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await openSettings(page);
  await expect(page.getByTestId('setting-remote')).not.toBeChecked();
});
