// What a locked library leaves readable, end to end in the built app: collection names, custom redaction patterns
// and filter chips (tags, folders, collections) are in neither IndexedDB nor localStorage while locked, and the
// export of an encrypted library is encrypted with a passphrase that the import asks for.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectJobs } from './helpers.ts';
import { dumpIndexedDb, storesContainingText } from './idb-dump.ts';

test.describe.configure({ mode: 'serial', timeout: 300_000 });

const PASSPHRASE = 'correct horse battery staple';
const EXPORT_PASSPHRASE = 'a passphrase for the file';
const COLLECTION = 'Zqxvault Ledger';
const TAG = 'zqxtagged';
const PATTERN = 'ZQXPAT-\\d{4}';

function textFile(name: string, text: string) {
  return { name, mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') };
}

/** The app without its model: what is stored is the question here, and keyword search is enough. */
async function openApp(page: Page): Promise<void> {
  await page.route('**/models/**', (route) => route.abort('internetdisconnected'));
  await page.goto('/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'unavailable', { timeout: 120_000 });
}

async function localStorageText(page: Page): Promise<string> {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .map((key) => `${key}=${localStorage.getItem(key)}`)
      .join('\n'),
  );
}

async function unlock(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('lock-screen')).toBeHidden();
}

/** An encrypted library with a named collection, a custom pattern, a tagged document, and chips set on both. */
async function lockedLibrary(page: Page): Promise<void> {
  await openApp(page);
  await page.getByTestId('settings-button').click();
  await page.getByTestId('lock-passphrase').fill(PASSPHRASE);
  await page.getByTestId('lock-passphrase-again').fill(PASSPHRASE);
  await page.getByTestId('lock-understood').check();
  await page.getByTestId('lock-enable').click();
  await expect(page.getByTestId('lock-message')).toContainText('lock is on');
  await page.getByTestId('setting-redact').check();
  await page.getByTestId('custom-pattern-add').click();
  await page.getByTestId('custom-pattern-label').fill('zqxlabel');
  await page.getByTestId('custom-pattern-source').fill(PATTERN);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-dialog')).toBeHidden();

  await page.getByTestId('collection-new').click();
  await page.getByTestId('collection-name').fill(COLLECTION);
  await page.getByTestId('collection-save').click();
  await expect(page.getByTestId('target-collection')).not.toHaveValue('library'); // the new one is the target
  const id = await page.getByTestId('target-collection').inputValue();
  expect(id).toMatch(/^c-[0-9a-f]+$/); // random, not a slug of the name
  await page
    .getByTestId('file-input')
    .setInputFiles([textFile('ledger.txt', 'The ledger entry ZQXPAT-1234 covers sourdough flour.')]);
  await expectJobs(page, { 'ledger.txt': 'done' });
  await page.locator('[data-testid="library-row"][data-name="ledger.txt"]').getByTestId('select-doc').check();
  await page.getByTestId('tag-input').fill(TAG);
  await page.getByTestId('tag-add').click();
  await expect(page.getByTestId('doc-tag').filter({ hasText: TAG })).toHaveCount(1);
  await page.locator(`[data-testid="collection-toggle"][data-collection="${id}"]`).click();
  await page.getByTestId('filter-tag').selectOption(TAG);
  await expect(page.getByTestId('filter-chip')).toHaveText([/Collection: Zqxvault/, /Tag: zqxtagged/]);
}

test('a dump of IndexedDB and localStorage while locked holds no collection name, custom pattern or filter value', async ({
  page,
}) => {
  await lockedLibrary(page);
  await page.getByTestId('lock-button').click();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  const secrets = ['Zqxvault', 'zqxvault', 'ZQXPAT', 'zqxlabel', TAG];
  const check = async () => {
    const dump = await dumpIndexedDb(page);
    expect(dump.some((s) => s.store === 'settings' && s.rows > 0)).toBe(true); // the dump reads the settings
    for (const secret of secrets) expect(storesContainingText(dump, secret)).toEqual([]);
    const stored = await localStorageText(page);
    for (const secret of secrets) expect(stored).not.toContain(secret);
  };
  await check();
  // And after a reload, locked from the start.
  await page.reload();
  await expect(page.getByTestId('lock-screen')).toBeVisible({ timeout: 60_000 });
  await check();
  await unlock(page);
  await expect(page.locator('[data-testid="collection-toggle"]').filter({ hasText: COLLECTION })).toBeVisible();
});

test('encrypted export by default: the file is sealed, the import asks for its passphrase and refuses a wrong one', async ({
  page,
  browser,
  baseURL,
}, info) => {
  await lockedLibrary(page);
  await expect(page.getByTestId('export-encrypt')).toBeChecked();
  await expect(page.getByTestId('export')).toBeDisabled(); // no passphrase yet
  await page.getByTestId('export-passphrase').fill(EXPORT_PASSPHRASE);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = info.outputPath('sealed.trove');
  await (await downloading).saveAs(file);
  await expect(page.getByTestId('backup-done')).toContainText('encrypted with your passphrase');
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('TROVE\0EN');
  for (const secret of ['sourdough', 'ledger.txt', 'Zqxvault']) expect(bytes.includes(secret)).toBe(false);

  const context = await browser.newContext({ baseURL });
  const fresh = await context.newPage();
  await openApp(fresh);
  await fresh.getByTestId('import-input').setInputFiles(file);
  await fresh.getByTestId('import-passphrase').fill('not the passphrase');
  await fresh.getByTestId('import-passphrase-submit').click();
  await expect(fresh.getByTestId('backup-error')).toContainText('Wrong passphrase');
  await expect(fresh.getByTestId('library-row')).toHaveCount(0);
  await fresh.getByTestId('import-passphrase').fill(EXPORT_PASSPHRASE);
  await fresh.getByTestId('import-passphrase-submit').click();
  await expect(fresh.getByTestId('backup-done')).toContainText('Imported', { timeout: 60_000 });
  await expect(fresh.getByTestId('library-row')).toHaveCount(1);
  await expect(fresh.locator('[data-testid="collection-toggle"]').filter({ hasText: COLLECTION })).toBeVisible();
  await context.close();
});

test('a plain export is labelled as readable by anyone with the file', async ({ page }, info) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles([textFile('notes.txt', 'Plain notes about sourdough.')]);
  await expectJobs(page, { 'notes.txt': 'done' });
  await expect(page.getByTestId('export-encrypt')).not.toBeChecked();
  await expect(page.getByTestId('export-plain-warning')).toContainText('anyone who has it can read the whole library');
  await expect(page.getByTestId('export')).toHaveText('Export plain .trove');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = info.outputPath('plain.trove');
  await (await downloading).saveAs(file);
  await expect(page.getByTestId('backup-done')).toContainText('not encrypted');
  await expect(page.getByTestId('backup-done')).toContainText('anyone who has it can read');
  expect(readFileSync(file).includes('sourdough')).toBe(true);
  // Ticking the box asks for a passphrase and the warning goes.
  await page.getByTestId('export-encrypt').check();
  await expect(page.getByTestId('export-plain-warning')).toHaveCount(0);
  await expect(page.getByTestId('export')).toHaveText('Export encrypted .trove');
});
