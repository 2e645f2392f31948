// Live folders in Chromium: a real FileSystemDirectoryHandle from the origin-private file system stands in for the
// folder picker. Between scans a paragraph is edited, a file moved and a file deleted; each scan must apply exactly
// that to the library and search, embedding only the passages the edit touched.
import { expect, test, type Page } from '@playwright/test';
import { firstResult, openApp, search } from './helpers.ts';
import { dumpIndexedDb, storesContainingText } from './idb-dump.ts';

const FOLDER = 'notes';
const TOPICS = ['river water fish', 'mountain snow weather', 'bank money interest', 'kitchen food dinner'];

/** Several paragraphs to a passage: an edit that changes one's length would move every boundary after it. */
function longDocument(edited?: string): string {
  return Array.from({ length: 60 }, (_, i) =>
    i === 30 && edited ? edited : `Paragraph ${i} on the ${TOPICS[i % TOPICS.length]}. `.repeat(12),
  ).join('\n\n');
}

/** The picker answers with a folder of the origin-private file system. */
async function standInPicker(page: Page, name = FOLDER): Promise<void> {
  await page.addInitScript((folder) => {
    (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker =
      async () => (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
  }, name);
}

async function writeFile(page: Page, path: string, text: string, folder = FOLDER): Promise<void> {
  await page.evaluate(
    async ({ folder, path, text }) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
      const parts = path.split('/');
      const name = parts.pop()!;
      for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true });
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await writable.write(text);
      await writable.close();
    },
    { folder, path, text },
  );
}

async function removeFile(page: Page, path: string): Promise<void> {
  await page.evaluate(
    async ({ folder, path }) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
      const parts = path.split('/');
      const name = parts.pop()!;
      for (const part of parts) dir = await dir.getDirectoryHandle(part);
      await dir.removeEntry(name);
    },
    { folder: FOLDER, path },
  );
}

async function readFile(page: Page, path: string): Promise<string> {
  return page.evaluate(
    async ({ folder, path }) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
      const parts = path.split('/');
      const name = parts.pop()!;
      for (const part of parts) dir = await dir.getDirectoryHandle(part);
      return (await (await dir.getFileHandle(name)).getFile()).text();
    },
    { folder: FOLDER, path },
  );
}

/** How many folder records the live folders' database holds. */
async function folderRecords(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const opening = indexedDB.open('trove-live-folders');
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const count = opening.result.transaction('folders').objectStore('folders').count();
          count.onsuccess = () => {
            resolve(count.result);
            opening.result.close();
          };
          count.onerror = () => reject(count.error);
        };
      }),
  );
}

/** Scan now, and the row's account of the scan once it is over. */
async function scan(page: Page): Promise<string> {
  const row = page.getByTestId('live-folder');
  const before = await row.getByTestId('live-folder-state').textContent();
  await row.getByTestId('live-folder-scan').click();
  // Over when the row says "Last scan …" again, with another account than before.
  let text = '';
  await expect
    .poll(
      async () => {
        text = (await row.getByTestId('live-folder-state').textContent()) ?? '';
        return (await row.getAttribute('data-scanning')) === 'false' && text !== before && text.startsWith('Last scan');
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return text;
}

test('a folder kept in sync follows an edited paragraph, a moved file and a deleted file', async ({ page }) => {
  test.setTimeout(180_000);
  await standInPicker(page);
  await openApp(page);
  await writeFile(page, 'long.md', longDocument());
  await writeFile(page, 'sub/garden.md', 'The garden flower tree blooms in summer.');
  await writeFile(page, 'bank.txt', 'Quarterly dividends from the harbour ledger.');

  await page.getByTestId('live-folder-add').click();
  const row = page.getByTestId('live-folder');
  await expect(row.getByTestId('live-folder-state')).toContainText('3 added', { timeout: 60_000 });
  await expect(row).toHaveAttribute('data-scanning', 'false');
  await search(page, 'keyword', 'garden flower');
  await expect(firstResult(page)).toContainText('garden.md');

  // A scan with nothing changed.
  expect(await scan(page)).toMatch(/0 added, 0 changed, 0 moved, 0 removed, 3 unchanged; 0 passages embedded/);

  // One paragraph edited: one passage embedded, the others' vectors reused.
  await writeFile(page, 'long.md', longDocument('Paragraph 30 now speaks of a violin and an orchestra.'));
  const edited = await scan(page);
  expect(edited).toMatch(/0 added, 1 changed, 0 moved, 0 removed, 2 unchanged/);
  const [, embedded, reused] = /(\d+) passages? embedded, (\d+) reused/.exec(edited) ?? [];
  expect(Number(embedded)).toBeGreaterThan(0);
  expect(Number(embedded)).toBeLessThanOrEqual(2);
  expect(Number(reused)).toBeGreaterThan(10);
  await search(page, 'keyword', 'violin orchestra');
  await expect(firstResult(page)).toContainText('long.md');

  // A file moved: re-pathed, nothing embedded.
  const garden = await readFile(page, 'sub/garden.md');
  await writeFile(page, 'moved/flowers.md', garden);
  await removeFile(page, 'sub/garden.md');
  expect(await scan(page)).toMatch(/0 added, 0 changed, 1 moved, 0 removed, 2 unchanged; 0 passages embedded/);
  await search(page, 'keyword', 'garden flower');
  await expect(firstResult(page)).toContainText('flowers.md');

  // A file deleted: its document removed.
  await removeFile(page, 'bank.txt');
  expect(await scan(page)).toMatch(/0 added, 0 changed, 0 moved, 1 removed, 2 unchanged/);
  await search(page, 'keyword', 'dividends harbour ledger');
  await expect(page.getByTestId('no-results')).toBeVisible();
});

test('after a reload the folder is still kept in sync and rescanned on open', async ({ page }) => {
  await standInPicker(page);
  await openApp(page);
  await writeFile(page, 'a.md', 'River water and fish.');
  await page.getByTestId('live-folder-add').click();
  const row = page.getByTestId('live-folder');
  await expect(row.getByTestId('live-folder-state')).toContainText('1 added', { timeout: 60_000 });
  await writeFile(page, 'b.md', 'Snow on the mountain.');
  await page.reload();
  await expect(page.getByTestId('live-folder').getByTestId('live-folder-state')).toContainText(
    '1 added, 0 changed, 0 moved, 0 removed, 1 unchanged',
    { timeout: 60_000 },
  );
  await page.getByTestId('live-folder-stop').click();
  await expect(page.getByTestId('live-folder')).toHaveCount(0);
});

test('a change in the folder is scanned without Scan now, from the browser’s change notification', async ({ page }) => {
  await standInPicker(page);
  await openApp(page);
  expect(await page.evaluate(() => 'FileSystemObserver' in window)).toBe(true);
  await writeFile(page, 'a.md', 'River water and fish.');
  await page.getByTestId('live-folder-add').click();
  const state = page.getByTestId('live-folder').getByTestId('live-folder-state');
  await expect(state).toContainText('1 added', { timeout: 60_000 });
  await writeFile(page, 'b.md', 'Snow on the mountain.');
  await expect(state).toContainText('1 added, 0 changed, 0 moved, 0 removed, 1 unchanged', { timeout: 30_000 });
  await search(page, 'keyword', 'snow mountain');
  await expect(firstResult(page)).toContainText('b.md');
});

test('a reload in the middle of a rescan leaves one document per file, with the edit applied', async ({ page }) => {
  test.setTimeout(180_000);
  await standInPicker(page);
  await openApp(page);
  await writeFile(page, 'long.md', longDocument());
  await writeFile(page, 'other.md', 'Snow on the mountain.');
  await page.getByTestId('live-folder-add').click();
  const state = page.getByTestId('live-folder').getByTestId('live-folder-state');
  await expect(state).toContainText('2 added', { timeout: 60_000 });
  await writeFile(page, 'long.md', longDocument('Paragraph 30 now speaks of a violin and an orchestra.'));
  await page.getByTestId('live-folder').getByTestId('live-folder-scan').click();
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // Whether the reload cut the listing, the replacement or nothing: the new version answers, once.
  await search(page, 'keyword', 'violin orchestra');
  await expect(firstResult(page)).toContainText('long.md', { timeout: 60_000 });
  await expect(page.getByTestId('library-row').filter({ hasText: 'long.md' })).toHaveCount(1);
  await expect(page.getByTestId('library-row')).toHaveCount(2);
});

test('two tabs scanning the same folder at once leave one document per file', async ({ page, context }) => {
  test.setTimeout(180_000);
  await standInPicker(page);
  await openApp(page);
  await writeFile(page, 'a.md', 'River water and fish.');
  await page.getByTestId('live-folder-add').click();
  await expect(page.getByTestId('live-folder').getByTestId('live-folder-state')).toContainText('1 added', {
    timeout: 60_000,
  });
  const other = await context.newPage();
  await openApp(other);
  await expect(other.getByTestId('live-folder')).toHaveCount(1);
  await writeFile(page, 'b.md', 'Snow on the mountain.');
  await writeFile(page, 'a.md', 'River water and fish, and a boat now.');
  await Promise.all([
    page.getByTestId('live-folder').getByTestId('live-folder-scan').click(),
    other.getByTestId('live-folder').getByTestId('live-folder-scan').click(),
  ]);
  for (const tab of [page, other]) {
    await expect(tab.getByTestId('live-folder')).toHaveAttribute('data-scanning', 'false', { timeout: 60_000 });
  }
  await search(page, 'keyword', 'boat');
  await expect(firstResult(page)).toContainText('a.md', { timeout: 60_000 });
  await expect(page.getByTestId('library-row')).toHaveCount(2);
  await expect(page.getByTestId('library-row').filter({ hasText: 'a.md' })).toHaveCount(1);
  await expect(other.getByTestId('library-row')).toHaveCount(2);
});

test('files a scan adds are counted in the folder’s row, not listed as jobs of their own', async ({ page }) => {
  await standInPicker(page);
  await openApp(page);
  for (let i = 0; i < 5; i++) await writeFile(page, `file-${i}.md`, `Note ${i} on the ${TOPICS[i % TOPICS.length]}.`);
  await page.getByTestId('live-folder-add').click();
  const state = page.getByTestId('live-folder').getByTestId('live-folder-state');
  await expect(state).toContainText('5 added', { timeout: 60_000 });
  await expect(page.getByTestId('library-row')).toHaveCount(5);
  await expect(page.getByTestId('job')).toHaveCount(0);
  await expect(page.getByTestId('ingest-summary')).toHaveCount(0);
});

test('a file moved and edited between scans replaces its document at the new place', async ({ page }) => {
  test.setTimeout(180_000);
  await standInPicker(page);
  await openApp(page);
  await writeFile(page, 'drafts/report.md', longDocument());
  await page.getByTestId('live-folder-add').click();
  await expect(page.getByTestId('live-folder').getByTestId('live-folder-state')).toContainText('1 added', {
    timeout: 60_000,
  });
  await writeFile(page, 'final/report.md', longDocument('Paragraph 30 now speaks of a violin and an orchestra.'));
  await removeFile(page, 'drafts/report.md');
  const text = await scan(page);
  expect(text).toMatch(/0 added, 1 changed, 0 moved, 0 removed, 0 unchanged/);
  const [, embedded, reused] = /(\d+) passages? embedded, (\d+) reused/.exec(text) ?? [];
  expect(Number(reused)).toBeGreaterThan(Number(embedded));
  await expect(page.getByTestId('library-row')).toHaveCount(1);
  await search(page, 'keyword', 'violin orchestra');
  await expect(firstResult(page)).toContainText('report.md');
});

test('Stop syncing stops a scan that is adding files: those added stay whole, the next scan adds the rest once', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const files = 500;
  await standInPicker(page);
  await openApp(page);
  await page.evaluate(
    async ({ folder, files, topics }) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
      for (let i = 0; i < files; i++) {
        const writable = await (await dir.getFileHandle(`note-${i}.md`, { create: true })).createWritable();
        await writable.write(`Note ${i} on the ${topics[i % topics.length]}. `.repeat(20));
        await writable.close();
      }
    },
    { folder: FOLDER, files, topics: TOPICS },
  );
  await page.getByTestId('live-folder-add').click();
  const state = page.getByTestId('live-folder').getByTestId('live-folder-state');
  await expect(state).toHaveText(new RegExp(`Scanning: [1-9]\\d* of ${files} changes applied`), { timeout: 60_000 });
  await page.getByTestId('live-folder-stop').click();
  await expect(page.getByTestId('live-folder')).toHaveCount(0);
  await expect.poll(() => folderRecords(page)).toBe(0);

  // After a reload: no folder record, and only whole documents, fewer than the folder's files.
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('library-count')).toHaveText(/^\d+ documents?$/, { timeout: 30_000 });
  const kept = Number((await page.getByTestId('library-count').textContent())?.split(' ')[0]);
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(files);
  await expect(page.getByTestId('live-folder')).toHaveCount(0);
  await expect(page.locator('[data-testid="library-row"]:not([data-status="ready"])')).toHaveCount(0);

  await page.getByTestId('live-folder-add').click();
  await expect(page.getByTestId('live-folder').getByTestId('live-folder-state')).toContainText(
    `${files - kept} added, 0 changed, 0 moved, 0 removed, ${kept} unchanged`,
    { timeout: 120_000 },
  );
  await expect(page.getByTestId('library-count')).toHaveText(`${files} documents`, { timeout: 30_000 });
});

test('with the library lock on, no folder or file name is readable in IndexedDB while locked', async ({ page }) => {
  test.setTimeout(180_000);
  const folder = 'Zqxcase folder';
  const passphrase = 'correct horse battery staple';
  await standInPicker(page, folder);
  await openApp(page);
  await page.getByTestId('settings-button').click();
  await page.getByTestId('lock-passphrase').fill(passphrase);
  await page.getByTestId('lock-passphrase-again').fill(passphrase);
  await page.getByTestId('lock-understood').check();
  await page.getByTestId('lock-enable').click();
  await expect(page.getByTestId('lock-message')).toContainText('lock is on');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-dialog')).toBeHidden();
  await writeFile(page, 'zqxfile-notes.md', 'River water and fish.', folder);
  await page.getByTestId('live-folder-add').click();
  const state = page.getByTestId('live-folder').getByTestId('live-folder-state');
  await expect(state).toContainText('1 added', { timeout: 60_000 });
  await expect(page.getByTestId('live-folder')).toContainText(folder);

  await page.getByTestId('lock-button').click();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await expect(page.getByText(folder)).toHaveCount(0);
  const dump = await dumpIndexedDb(page);
  expect(dump.find((s) => s.database === 'trove-live-folders')?.rows).toBe(1); // the dump reads the record
  for (const secret of ['Zqxcase', 'zqxfile']) expect(storesContainingText(dump, secret)).toEqual([]);
  // Nor the folder's handle, which the browser would store with the folder's path.
  const stored = await page.evaluate(
    () =>
      new Promise<string[][]>((resolve, reject) => {
        const opening = indexedDB.open('trove-live-folders');
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const all = opening.result.transaction('folders').objectStore('folders').getAll();
          all.onsuccess = () => {
            resolve((all.result as object[]).map((row) => Object.keys(row).sort()));
            opening.result.close();
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
  expect(stored).toEqual([['id', 'sealed']]);

  // Unlocked, the row is back; the folder is chosen again and the scan finds it unchanged.
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('lock-screen')).toBeHidden();
  const row = page.getByTestId('live-folder');
  await expect(row).toContainText(folder);
  await expect(row).toHaveAttribute('data-permission', 'choose');
  await row.getByTestId('live-folder-choose').click();
  await expect(state).toContainText('0 added, 0 changed, 0 moved, 0 removed, 1 unchanged', { timeout: 60_000 });

  // Forget everything removes the folder's record with the rest.
  await page.getByTestId('privacy-button').click();
  await page.getByTestId('forget-everything').click();
  await page.getByTestId('forget-confirm').click();
  await expect(page.getByTestId('forget-removed')).toContainText('trove-live-folders');
  expect(await dumpIndexedDb(page)).toEqual([]);
  await page.getByTestId('forget-restart').click();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('live-folder')).toHaveCount(0);
});
