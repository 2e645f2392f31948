// No silent version swap: when a new build is deployed, its service worker installs and then waits; the open page
// keeps running the old version until it asks for the new one (what "update available — reload" does).
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startStaticHost, type StaticHost } from './static-host.ts';

test.use({ serviceWorkers: 'allow' });

let site: string;
let host: StaticHost;
test.beforeAll(async () => {
  site = mkdtempSync(path.join(tmpdir(), 'trove-update-'));
  cpSync(path.resolve('dist'), site, { recursive: true });
  host = await startStaticHost(site);
});
test.afterAll(async () => {
  await host?.close();
  rmSync(site, { recursive: true, force: true });
});

test('a new version waits for the user, then takes over with one reload when asked', async ({ page }) => {
  await page.goto(host.url);
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );
  await page.evaluate(() => ((window as { marker?: string }).marker = 'old page'));

  // Deploy "version 2": a byte-different service worker is what browsers treat as an update.
  appendFileSync(path.join(site, 'sw.js'), '\n// version 2\n');
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting, undefined, {
    timeout: 30_000,
  });

  // Installed and waiting, not active: the page is still the old one, controlled by the old worker.
  await page.waitForTimeout(1000);
  const state = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return {
      marker: (window as { marker?: string }).marker,
      controllerIsActive: navigator.serviceWorker.controller?.scriptURL === registration?.active?.scriptURL,
      waiting: registration?.waiting?.state,
    };
  });
  expect(state).toEqual({ marker: 'old page', controllerIsActive: true, waiting: 'installed' });

  // The user accepts (applyUpdate() sends this message): the new worker activates and the page reloads once.
  const reloaded = page.waitForEvent('load');
  await page.evaluate(async () =>
    (await navigator.serviceWorker.getRegistration())?.waiting?.postMessage({ type: 'SKIP_WAITING' }),
  );
  await reloaded;
  await page.waitForFunction(async () => !(await navigator.serviceWorker.getRegistration())?.waiting);
  expect(await page.evaluate(() => (window as { marker?: string }).marker)).toBeUndefined();
  await expect(page.getByTestId('search-input')).toBeVisible();
});
