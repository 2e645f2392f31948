// A build under a sub-path (`vite build --base=/trove/`, a GitHub Pages project site) on a bare static host:
// manifest, icons, service-worker scope, precache, offline reload and the self-hosted model all under /trove/.
// The build goes to dist-base/ (git-ignored), made once here so the other specs' server is unaffected.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, search } from './helpers.ts';
import { expectCompleteManifest, installabilityErrors, withPersistentContext } from './pwa-helpers.ts';
import { startStaticHost, type StaticHost } from './static-host.ts';

const BASE = '/trove/';
const OUT_DIR = 'dist-base';

test.use({ serviceWorkers: 'allow' });
test.describe.configure({ mode: 'serial' });

let host: StaticHost;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  if (process.env.E2E_BASE_PREBUILT !== '1') {
    execFileSync(
      'npx',
      ['vite', 'build', `--base=${BASE}`, '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'],
      {
        env: { ...process.env, VITE_TROVE_MODEL: 'local' },
        stdio: 'inherit',
      },
    );
  }
  host = await startStaticHost(resolve(OUT_DIR), BASE);
});
test.afterAll(async () => host?.close());

test('under /trove/ Chromium finds nothing stopping installation; manifest, icons and service worker follow the base', async () => {
  await withPersistentContext(async (context) => {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(host.url);
    await expect(page.getByTestId('model-status')).toBeVisible();
    expect(await installabilityErrors(page)).toEqual([]);
    await expectCompleteManifest(page, host.url);
    const registration = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready;
      return { scope: r.scope, script: r.active?.scriptURL };
    });
    expect(registration).toEqual({ scope: host.url, script: new URL('sw.js', host.url).href });
  });
});

test('under /trove/ the app shell reloads offline, and a deep link inside the scope gets the app', async ({
  page,
  context,
}) => {
  await page.goto(host.url);
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('search-input')).toBeVisible();
  await page.goto(new URL('library/some-document', host.url).href); // navigation fallback from the precache
  await expect(page.getByTestId('search-input')).toBeVisible();
  // A missing model file stays a 404, never the app page (navigateFallbackDenylist follows the base).
  await context.setOffline(false);
  const missing = await page.request.get(new URL('models/none/config.json', host.url).href);
  expect(missing.status()).toBe(404);
});

// Needs the lead's wiring: the engine's localModelPath must come from src/ui/client/base-path.ts (defaultLocalModelPath()),
// or the fixture model is fetched from /models/ (404 on this host) and the status never becomes "ready".
test('under /trove/ the self-hosted fixture model loads from /trove/models/, ingests and searches, also offline', async ({
  page,
  context,
}) => {
  const modelRequests: string[] = [];
  page.on('request', (request) => {
    if (/\/models\//.test(new URL(request.url()).pathname)) modelRequests.push(new URL(request.url()).pathname);
  });
  await page.goto(host.url);
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect(modelRequests.length).toBeGreaterThan(0);
  expect(modelRequests.filter((path) => !path.startsWith(`${BASE}models/`))).toEqual([]);

  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
  await context.setOffline(false);
});
