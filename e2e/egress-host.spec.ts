// Issue 12's egress test with the PRODUCTION configuration: a normal build (not VITE_TROVE_MODEL=local) made with
// VITE_TROVE_MODEL_HOST pointing at a local stand-in for the Hugging Face hub, served by a static host that sends the
// build's own dist-egress/_headers. The model is chosen in Settings like any model and downloaded by the production
// code path (remote host, Cache Storage). Requests are recorded on the browser context (pages, the engine worker,
// the service worker) through ingest, search, reload and offline; any request to an origin other than the app and
// the stand-in fails the test, and with downloads off not one request leaves the app's origin.
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { EGRESS_APP_PORT, EGRESS_HUB_ORIGIN, EGRESS_HUB_PORT, EGRESS_OUT_DIR, buildEgressApp } from './egress-build.ts';
import { recordEgress } from './egress.ts';
import { addFiles, expectJobs, firstResult, fixture, saveSettings, search } from './helpers.ts';
import { readHeadersFile, startHubStandIn, type HubStandIn } from './model-host-stand-in.ts';
import { startStaticHost, type StaticHost } from './static-host.ts';

const OUT_DIR = EGRESS_OUT_DIR;
const APP_PORT = EGRESS_APP_PORT;
const HUB_PORT = EGRESS_HUB_PORT;
const HUB_ORIGIN = EGRESS_HUB_ORIGIN;
const MODEL_ID = 'glove-50d-hub';
const MODEL_REPO = 'trove-hub/glove-50d-static';

test.use({ serviceWorkers: 'allow' });
test.describe.configure({ mode: 'serial' });

let app: StaticHost;
let hub: HubStandIn;
test.beforeAll(async () => {
  test.setTimeout(240_000);
  buildEgressApp();
  hub = await startHubStandIn(HUB_PORT, { [MODEL_REPO]: resolve('public/models/trove/glove-50d-static') });
  app = await startStaticHost(resolve(OUT_DIR), '/', {
    port: APP_PORT,
    headers: readHeadersFile(resolve(OUT_DIR, '_headers')),
  });
});
test.afterAll(async () => {
  await app?.close();
  await hub?.close();
});

async function chooseModel(page: Page, options: { modelId?: string; downloads?: boolean }): Promise<void> {
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('settings-dialog')).toBeVisible();
  if (options.modelId) await page.getByTestId('setting-model').selectOption(options.modelId);
  if (options.downloads !== undefined) await page.getByTestId('setting-remote').setChecked(options.downloads);
  await saveSettings(page); // confirms a model change (issue 11c)
}

const modelStatus = (page: Page) => page.getByTestId('model-status');

test.describe('recording what the app sends (CSP bypassed, so an attempt the CSP would stop still shows)', () => {
  test.use({ bypassCSP: true });

  test('a production build fetches its model only from the configured host through ingest, search, reload and offline', async ({
    page,
    context,
  }) => {
    test.setTimeout(240_000);
    const egress = recordEgress(context, { origin: new URL(app.url).origin, allow: [HUB_ORIGIN] });
    await page.goto(app.url);
    // The default model (bge-small) is asked of the stand-in, which does not have it: unavailable, not a hub call.
    await expect(modelStatus(page)).toHaveAttribute('data-state', /unavailable|ready/, { timeout: 90_000 });
    await page.waitForFunction(
      async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
    );
    await chooseModel(page, { modelId: MODEL_ID });
    await expect(modelStatus(page)).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    expect(hub.requests).toContain(`GET /${MODEL_REPO}/resolve/main/config.json`);
    expect(hub.requests).toContain(`GET /${MODEL_REPO}/resolve/main/onnx/model.onnx`);

    await addFiles(page, [fixture('field-guide.md')]);
    await expectJobs(page, { 'field-guide.md': 'done' });
    await search(page, 'semantic', 'bread');
    await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');

    // Reload: the model comes from Cache Storage (transformers.js caches what it downloaded).
    await page.reload();
    await expect(modelStatus(page)).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await search(page, 'hybrid', 'chain oil');
    await expect(firstResult(page).getByTestId('result-source')).toContainText('Chain Lubrication');

    await context.setOffline(true);
    await page.reload();
    await expect(modelStatus(page)).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await search(page, 'semantic', 'bread');
    await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
    await context.setOffline(false);

    expect(egress.requests.some((r) => r.url.startsWith(`${HUB_ORIGIN}/${MODEL_REPO}/`))).toBe(true);
    expect(egress.requests.some((r) => r.from === 'service-worker')).toBe(true);
    egress.expectNoForeignRequests();
    egress.stop();
  });

  test("with downloads off, not one request leaves the app's origin (not even to the configured host)", async ({
    page,
    context,
  }) => {
    test.setTimeout(240_000);
    await page.goto(app.url);
    await expect(modelStatus(page)).toHaveAttribute('data-state', /unavailable|ready/, { timeout: 90_000 });
    await page.waitForFunction(
      async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
    );
    await chooseModel(page, { modelId: 'all-MiniLM-L6-v2', downloads: false });
    await expect(modelStatus(page)).toHaveAttribute('data-state', 'unavailable', { timeout: 90_000 });

    // From here on the user has said no: the stand-in is no longer an allowed origin.
    const egress = recordEgress(context, { origin: new URL(app.url).origin });
    const hubRequestsBefore = hub.requests.length;
    await page.reload();
    await expect(modelStatus(page)).toHaveAttribute('data-state', 'unavailable', { timeout: 90_000 });
    await addFiles(page, [fixture('field-guide.md')]);
    await expectJobs(page, { 'field-guide.md': 'done' });
    await search(page, 'keyword', 'sourdough');
    await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByTestId('search-input')).toBeVisible();
    await search(page, 'keyword', 'sourdough');
    await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
    await context.setOffline(false);

    expect(egress.requests.length).toBeGreaterThan(0); // the recorder saw the app at work
    egress.expectNoForeignRequests();
    expect(hub.requests.slice(hubRequestsBefore)).toEqual([]);
    egress.stop();
  });
});

test("the build's CSP (header and meta tag) lets the page reach the configured host and nothing else", async ({
  page,
}) => {
  const response = await page.goto(app.url);
  const header = (await response!.headerValue('content-security-policy')) ?? '';
  const connect = (policy: string) => /connect-src ([^;]+)/.exec(policy)?.[1];
  expect(connect(header)).toBe(`'self' blob: data: ${HUB_ORIGIN}`);
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(connect(meta ?? '')).toBe(`'self' blob: data: ${HUB_ORIGIN}`);
  const outcome = await page.evaluate(
    async ([hubUrl]) => {
      const attempt = (url: string) =>
        fetch(url).then(
          (r) => `status ${r.status}`,
          () => 'refused',
        );
      return { standIn: await attempt(hubUrl), hub: await attempt('https://huggingface.co/api/models') };
    },
    [`${HUB_ORIGIN}/${MODEL_REPO}/resolve/main/config.json`],
  );
  expect(outcome).toEqual({ standIn: 'status 200', hub: 'refused' });
});
