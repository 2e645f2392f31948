// Threads on any static host: a host that sends no COOP/COEP (e2e/static-host.ts) still gets a cross-origin isolated
// app once the service worker controls the page, because the worker adds the headers (src/sw/isolation-headers.ts).
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { wasmThreads } from '../src/engine/models/wasm-threads.ts';
import { startStaticHost, type StaticHost } from './static-host.ts';

test.use({ serviceWorkers: 'allow' });

let host: StaticHost;
test.beforeAll(async () => {
  host = await startStaticHost(resolve('dist'));
});
test.afterAll(async () => host?.close());

test('a host without isolation headers: after the service worker takes over, page and engine worker are isolated and embed with threads', async ({
  page,
}) => {
  const firstLoad = await page.goto(host.url);
  expect(firstLoad?.headers()['cross-origin-embedder-policy']).toBeUndefined(); // the host really sends none
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );

  await page.reload();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });

  // The engine worker is isolated too (its script came from the service worker with COEP).
  const engineWorker = page.workers().find((w) => /engine\.worker/.test(w.url()));
  expect(
    engineWorker,
    `workers: ${page
      .workers()
      .map((w) => w.url())
      .join(', ')}`,
  ).toBeDefined();
  const scope = await engineWorker!.evaluate(() => ({
    isolated: self.crossOriginIsolated,
    cores: navigator.hardwareConcurrency,
  }));
  expect(scope.isolated).toBe(true);
  // The thread count the embedder configures for ONNX Runtime there (src/engine/models/wasm-threads.ts).
  if (scope.cores < 2)
    test.info().annotations.push({ type: 'note', description: `only ${scope.cores} core: one thread is right` });
  else expect(wasmThreads(scope.cores, scope.isolated)).toBeGreaterThan(1);
});
