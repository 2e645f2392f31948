// Interrupted work leaves the library consistent: a page closed mid-ingest, two pages writing at once, a dead
// worker, and a schema upgrade in another page. Each test reads IndexedDB itself to check what was stored.
import { expect, test, type Page } from '@playwright/test';
import { openApp, search } from './helpers.ts';

/** A long plain-text file: distinct numbered paragraphs, the last one with a phrase nothing else has. */
function longText(prefix: string, paragraphs: number, last: string): string {
  const topics = [
    'river water fish',
    'mountain snow weather',
    'bank money interest',
    'football team players',
    'kitchen food dinner',
  ];
  const body = Array.from(
    { length: paragraphs },
    (_, i) =>
      `${prefix} paragraph ${i} tells about the ${topics[i % topics.length]} seen in record ${i} of the archive.`,
  );
  body.push(last);
  return body.join('\n\n');
}

async function drop(page: Page, files: Array<{ name: string; text: string }>): Promise<void> {
  await page
    .getByTestId('file-input')
    .setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text) })));
}

/** What IndexedDB holds: per document its status and chunk count, and rows of chunks and vectors per document. */
async function stored(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('trove');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const docs = await all<{ id: number; name: string; status: string; chunkCount: number }>('documents');
    const chunks = await all<{ docId: number }>('chunks');
    const vectors = await all<{ docId: number; chunkIds: Uint32Array }>('vectors');
    db.close();
    return docs.map((doc) => ({
      name: doc.name,
      status: doc.status,
      chunkCount: doc.chunkCount,
      chunkRows: chunks.filter((c) => c.docId === doc.id).length,
      vectorRows: vectors.filter((v) => v.docId === doc.id).reduce((n, v) => n + v.chunkIds.length, 0),
    }));
  });
}

test('a page closed in the middle of an ingest: on reopening, the document completes, never duplicated', async ({
  context,
}) => {
  const page = await context.newPage();
  await openApp(page);
  const last = 'The final paragraph mentions a zeppelin over the lighthouse.';
  await drop(page, [{ name: 'archive.txt', text: longText('Archive', 4000, last) }]);
  const job = page.getByTestId('job').filter({ hasText: 'archive.txt' });
  await expect(job).toHaveAttribute('data-stage', /embedding|indexing/, { timeout: 60_000 });
  await page.close(); // mid-ingest: the worker dies with the page

  const again = await context.newPage();
  await openApp(again);
  const row = again.locator('[data-testid="library-row"][data-name="archive.txt"]');
  await expect(row).toHaveAttribute('data-status', 'ready', { timeout: 90_000 });
  await search(again, 'keyword', 'zeppelin lighthouse');
  await expect(again.getByTestId('result').first()).toContainText('zeppelin');
  const [doc] = await stored(again);
  expect(doc.status).toBe('ready');
  expect(doc.chunkRows).toBe(doc.chunkCount);
  await expect.poll(async () => (await stored(again))[0].vectorRows, { timeout: 30_000 }).toBe(doc.chunkCount);
});

test('two pages on one library ingest different files at the same time: exact counts, same results, no duplicates', async ({
  context,
}) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  await openApp(a);
  await openApp(b);
  await Promise.all([
    drop(a, [{ name: 'alpha.txt', text: longText('Alpha', 600, 'Alpha ends with an albatross.') }]),
    drop(b, [{ name: 'beta.txt', text: longText('Beta', 500, 'Beta ends with a barracuda.') }]),
  ]);
  for (const page of [a, b]) {
    // Each page sees both documents without a reload.
    await expect(page.getByTestId('library-row')).toHaveCount(2, { timeout: 90_000 });
    for (const name of ['alpha.txt', 'beta.txt']) {
      await expect(page.locator(`[data-testid="library-row"][data-name="${name}"]`)).toHaveAttribute(
        'data-status',
        'ready',
        { timeout: 90_000 },
      );
    }
  }
  const docs = await stored(a);
  expect(docs).toHaveLength(2);
  for (const doc of docs) {
    expect(doc.chunkRows).toBe(doc.chunkCount);
    expect(doc.vectorRows).toBe(doc.chunkCount);
  }
  const sources = async (page: Page) => {
    await search(page, 'keyword', 'albatross barracuda');
    await expect(page.getByTestId('result')).toHaveCount(2);
    return page.getByTestId('result-source').allTextContents();
  };
  expect(await sources(a)).toEqual(await sources(b));
  await a.reload();
  await expect(a.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect(await sources(a)).toEqual(await sources(b));
  expect(await stored(a)).toEqual(docs);
});

test('a worker killed mid-ingest: the job fails with a message, the engine restarts, search works', async ({
  page,
}) => {
  await openApp(page);
  await drop(page, [{ name: 'first.txt', text: 'A short note about the harbour and its cranes.' }]);
  await expect(page.getByTestId('job').filter({ hasText: 'first.txt' })).toHaveAttribute('data-stage', 'done', {
    timeout: 60_000,
  });
  // Large enough that it is still being indexed or embedded when the test looks (a faster runtime once finished a
  // smaller file between two looks).
  await drop(page, [{ name: 'victim.txt', text: longText('Victim', 12000, 'The victim file ends with a walrus.') }]);
  const job = page.getByTestId('job').filter({ hasText: 'victim.txt' }).first();
  await expect(job).toHaveAttribute('data-stage', /embedding|indexing/, { timeout: 60_000 });
  const engineWorker = page.workers().find((w) => w.url().includes('engine'));
  expect(engineWorker).toBeTruthy();
  await engineWorker!.evaluate(() => (self as unknown as { close(): void }).close());

  await expect(job).toHaveAttribute('data-stage', 'failed', { timeout: 60_000 });
  await expect(job.getByTestId('job-error')).toContainText(/stopped unexpectedly/i);
  await expect(page.getByTestId('engine-banner')).toHaveAttribute('data-kind', 'restarted', { timeout: 60_000 });
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await search(page, 'keyword', 'harbour cranes');
  await expect(page.getByTestId('result').first()).toContainText('harbour');
  // The half-written document is resumed by the new engine (or marked failed with Retry): never half-searchable.
  const row = page.locator('[data-testid="library-row"][data-name="victim.txt"]');
  await expect(row).toHaveAttribute('data-status', /ready|failed/, { timeout: 90_000 });
  const victim = (await stored(page)).find((d) => d.name === 'victim.txt')!;
  if (victim.status === 'ready') expect(victim.chunkRows).toBe(victim.chunkCount);
  else await expect(row.getByTestId('retry-doc')).toBeVisible();
});

test('a database upgrade in a second page shows the reload banner in the first', async ({ context }) => {
  const first = await context.newPage();
  await openApp(first);
  const second = await context.newPage();
  await second.goto('/');
  await second.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('trove', 999); // a newer Trove with a newer schema
        request.onsuccess = () => {
          request.result.close();
          resolve();
        };
        request.onerror = () => reject(request.error);
      }),
  );
  await expect(first.getByTestId('engine-banner')).toHaveAttribute('data-kind', 'stale', { timeout: 20_000 });
  await expect(first.getByTestId('engine-banner')).toContainText(/another tab.*reload/i);
  await expect(first.getByTestId('reload-page')).toBeVisible();
});
