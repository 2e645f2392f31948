import { expect, test } from '@playwright/test';
import { recordEgress } from './egress.ts';
import { addFiles, expectJobs, firstResult, fixture, openApp, search } from './helpers.ts';
import { dumpIndexedDb, storesContainingText } from './idb-dump.ts';

// Service workers on: their requests (precaching the app) are recorded on the context too. CSP bypassed: what is
// tested here is what the app tries to send, so an attempt the CSP would have stopped still shows (and fails).
test.use({ serviceWorkers: 'allow', bypassCSP: true });

test('ingest, search, reload and offline use send no request outside the origin (pages, worker, service worker)', async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(180_000); // three full page loads, one offline, on a shared machine
  const egress = recordEgress(context, { origin: new URL(baseURL!).origin });
  await openApp(page);
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );

  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');

  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await search(page, 'hybrid', 'chain oil');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Chain Lubrication');

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
  await context.setOffline(false);

  // The recorder saw the whole app at work: the worker's model downloads and the service worker's precaching.
  expect(egress.requests.some((r) => r.url.includes('/models/'))).toBe(true);
  expect(egress.requests.some((r) => r.from === 'service-worker')).toBe(true);
  egress.expectNoForeignRequests();
  egress.stop();
});

test('the egress recorder catches a foreign fetch from a worker', async ({ page, context, baseURL }) => {
  const egress = recordEgress(context, { origin: new URL(baseURL!).origin });
  await page.goto('/');
  await page.evaluate(async () => {
    const source = "fetch('https://egress-canary.invalid/x').catch(() => postMessage('done'))";
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    await new Promise((resolve) => {
      worker.onmessage = resolve;
      setTimeout(resolve, 5000);
    });
  });
  await expect.poll(() => egress.foreign().join('\n')).toContain('egress-canary.invalid');
  egress.stop();
});

test.describe('with the CSP enforced', () => {
  test.use({ bypassCSP: false });
  test('the recorder counts a fetch the CSP refused as an attempt to leave', async ({ page, context, baseURL }) => {
    const egress = recordEgress(context, { origin: new URL(baseURL!).origin });
    await page.goto('/');
    await page.evaluate(() => fetch('https://egress-canary.invalid/y').catch(() => undefined));
    await expect.poll(() => egress.foreign().join('\n')).toContain('refused by CSP: https://egress-canary.invalid/y');
    expect(egress.requests.some((r) => r.url.includes('egress-canary'))).toBe(false);
    egress.stop();
  });
});

test('the IndexedDB dump reads stored passages (the control for the encryption and redaction checks)', async ({
  page,
}) => {
  await openApp(page);
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  const dump = await dumpIndexedDb(page);
  expect(dump.length).toBeGreaterThan(0);
  // Today the library is stored in plain text; once the lock is wired, a locked library must make this empty.
  expect(storesContainingText(dump, 'lactic acid bacteria').length).toBeGreaterThan(0);
  expect(storesContainingText(dump, 'a phrase that is in no document')).toEqual([]);
});
