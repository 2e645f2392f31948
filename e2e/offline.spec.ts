import { expect, test } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, openApp, search } from './helpers.ts';

test.use({ serviceWorkers: 'allow' });

test('after one visit the app opens, loads its model and searches with the network off', async ({ page, context }) => {
  await openApp(page);
  // The service worker has precached the app (engine worker, ONNX Runtime wasm, pdf.js included).
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('library-row')).toHaveCount(1);
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
  await context.setOffline(false);
});
