// The Models view and custom models, against the production build (dist-egress) whose model host is a local stand-in
// for the Hugging Face hub: download with progress, cancel (nothing kept), delete, storage used; adding a Hugging
// Face repo by id (accepted and usable, or refused with the reason); a corrupted cached model cleared and fetched
// again. Cache Storage is read from the page to check what the worker left there.
import { mkdirSync, mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { EGRESS_APP_PORT, EGRESS_HUB_PORT, EGRESS_OUT_DIR, buildEgressApp } from './egress-build.ts';
import { addFiles, expectJobs, firstResult, fixture, search } from './helpers.ts';
import { STAND_IN_SHA, readHeadersFile, startHubStandIn, type HubStandIn } from './model-host-stand-in.ts';
import { startStaticHost, type StaticHost } from './static-host.ts';

const GLOVE = resolve('public/models/trove/glove-50d-static');
const VALID = 'trove-hub/glove-custom';
const SLOW = 'trove-hub/glove-slow';
const NO_DIMS = 'trove-hub/no-hidden-size';
const GENERATOR = 'trove-hub/tiny-generator';

test.describe.configure({ mode: 'serial' });

let app: StaticHost;
let hub: HubStandIn;
test.beforeAll(async () => {
  test.setTimeout(240_000);
  buildEgressApp();
  // Broken repos: the GloVe files with a config.json that lacks the vector size, or describes a text generator.
  const scratch = mkdtempSync(join(tmpdir(), 'trove-models-'));
  const variant = (name: string, config: object) => {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    cpSync(GLOVE, dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  };
  hub = await startHubStandIn(
    EGRESS_HUB_PORT,
    {
      [VALID]: GLOVE,
      [SLOW]: GLOVE,
      [NO_DIMS]: variant('no-dims', { architectures: ['BertModel'], model_type: 'bert', vocab_size: 5055 }),
      [GENERATOR]: variant('generator', {
        architectures: ['GPT2LMHeadModel'],
        model_type: 'gpt2',
        n_embd: 64,
        hidden_size: 64,
      }),
    },
    { slow: [SLOW] },
  );
  app = await startStaticHost(resolve(EGRESS_OUT_DIR), '/', {
    port: EGRESS_APP_PORT,
    headers: readHeadersFile(resolve(EGRESS_OUT_DIR, '_headers')),
  });
});
test.afterAll(async () => {
  await app?.close();
  await hub?.close();
});

const card = (page: Page, id: string) => page.getByTestId('model-card').and(page.locator(`[data-model-id="${id}"]`));

/** Cache Storage keys (transformers.js' cache) of one repo, read from the page. */
const cachedKeys = (page: Page, repo: string) =>
  page.evaluate(
    async (r) =>
      (await (await caches.open('transformers-cache')).keys()).map((k) => k.url).filter((u) => u.includes(`/${r}/`)),
    repo,
  );

async function openModels(page: Page): Promise<void> {
  await page.goto(app.url);
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', /ready|unavailable/, {
    timeout: 90_000,
  });
  await page.getByTestId('models-button').click();
  await expect(page.getByTestId('models-dialog')).toBeVisible();
  await expect(page.getByTestId('models-usage')).toBeVisible({ timeout: 30_000 });
}

async function addRepo(page: Page, repo: string): Promise<void> {
  await page.getByTestId('custom-model-repo').fill(repo);
  await page.getByTestId('custom-model-add').click();
  await expect(page.getByTestId('custom-model-result')).toBeVisible({ timeout: 30_000 });
}

test('the Models view lists every registry model with size, dims, device/dtype and cache state, and passes axe', async ({
  page,
}) => {
  await openModels(page);
  const bge = card(page, 'bge-small-en-v1.5');
  await expect(bge).toContainText('34 MB (q8)');
  await expect(bge).toContainText('384');
  await expect(bge).toContainText('MIT');
  await expect(bge.getByTestId('model-runs-on')).toHaveText('WASM · q8');
  await expect(bge.getByTestId('model-cached')).toHaveText('not cached');
  for (const id of ['bge-base-en-v1.5', 'multilingual-e5-small', 'potion-base-8M', 'ms-marco-MiniLM-L-6-v2'])
    await expect(card(page, id)).toBeVisible();
  await expect(card(page, 'glove-50d-static')).toHaveCount(0); // test fixtures only where one is in use
  // Also reachable from Settings.
  await page.getByTestId('models-close').click();
  await page.getByTestId('settings-button').click();
  await page.getByTestId('settings-open-models').click();
  await expect(page.getByTestId('settings-dialog')).not.toBeVisible();
  await expect(page.getByTestId('models-dialog')).toBeVisible();
  // Keyboard: the first control in the dialog takes focus, and Tab reaches the download buttons.
  await page.keyboard.press('Tab');
  await expect(page.locator('[data-testid="models-dialog"] :focus')).toHaveCount(1);
  const serious = async () =>
    (await new AxeBuilder({ page }).include('[data-testid="models-dialog"]').analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help}`);
  expect(await serious()).toEqual([]);
  // Dark theme, and a 360 px phone: still no violation, and nothing wider than the screen.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await serious()).toEqual([]);
  const overflow = await page.getByTestId('models-dialog').evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('a custom repo is refused with the reason: no vector size, or a text generator', async ({ page }) => {
  await openModels(page);
  await addRepo(page, NO_DIMS);
  await expect(page.getByTestId('custom-model-result')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('custom-model-result')).toContainText('gives no vector size (hidden_size)');
  await addRepo(page, GENERATOR);
  await expect(page.getByTestId('custom-model-result')).toContainText('is a text generator (GPT2LMHeadModel)');
  await addRepo(page, 'not a repo');
  await expect(page.getByTestId('custom-model-result')).toContainText('is not a Hugging Face repo id');
  await addRepo(page, 'trove-hub/does-not-exist');
  await expect(page.getByTestId('custom-model-result')).toContainText('has no public repo "trove-hub/does-not-exist"');
  await expect(card(page, `hub:${NO_DIMS}`)).toHaveCount(0);
});

test('a valid custom repo is added, downloaded with progress, used to ingest and search, and deleted from the cache', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openModels(page);
  await addRepo(page, VALID);
  await expect(page.getByTestId('custom-model-result')).toHaveAttribute('data-ok', 'true');
  const custom = card(page, `hub:${VALID}`);
  await expect(custom).toContainText('added by you');
  await expect(custom).toContainText('50'); // dims from its config.json
  await custom.getByTestId('model-download').click();
  await expect(custom).toHaveAttribute('data-cache-state', 'complete', { timeout: 60_000 });
  expect(hub.requests).toContain(`GET /${VALID}/resolve/${STAND_IN_SHA}/onnx/model.onnx`);
  await expect(page.getByTestId('models-usage')).not.toContainText(' 0 B');
  expect((await cachedKeys(page, VALID)).length).toBe(4);

  // Used like any model: it loads from the cache (no new download) and embeds the library.
  const before = hub.requests.length;
  await custom.getByTestId('model-use').click();
  // Another embedding model is confirmed first, as in Settings (it re-embeds the library).
  await expect(page.getByTestId('swap-confirm')).toBeVisible();
  await page.getByTestId('swap-confirm-button').click();
  await expect(page.getByTestId('models-summary')).toBeVisible();
  await page.getByTestId('models-close').click();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  expect(hub.requests.slice(before).filter((r) => r.includes('/onnx/'))).toEqual([]);
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');

  // Stored in the settings: still there after a reload, and the Settings dialog offers it.
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('setting-model')).toHaveValue(`hub:${VALID}`);
  await page.keyboard.press('Escape');

  // A corrupted cached model: clear and fetch again, and it loads.
  await page.evaluate(async (repo) => {
    const cache = await caches.open('transformers-cache');
    for (const key of await cache.keys())
      if (key.url.includes(`/${repo}/`) && key.url.endsWith('.onnx'))
        await cache.put(key, new Response(new Uint8Array([1, 2, 3])));
  }, VALID);
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'unavailable', { timeout: 90_000 });
  await page.getByTestId('models-button').click();
  const fetchesBefore = hub.requests.filter((r) => r.startsWith('GET ') && r.endsWith('/onnx/model.onnx')).length;
  await card(page, `hub:${VALID}`).getByTestId('model-refetch').click();
  await expect(card(page, `hub:${VALID}`).getByTestId('model-message')).toContainText(/Fetched again|Downloaded/, {
    timeout: 60_000,
  });
  expect(hub.requests.filter((r) => r.startsWith('GET ') && r.endsWith('/onnx/model.onnx')).length).toBe(
    fetchesBefore + 1,
  );
  await page.reload(); // a worker whose ONNX Runtime failed on the corrupt file may stay failed; a fresh page loads it
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await page.getByTestId('models-button').click();

  // Deleting from the cache frees the space (the model in memory keeps working until the next load).
  await expect(card(page, `hub:${VALID}`)).toHaveAttribute('data-cache-state', 'complete', { timeout: 30_000 });
  await card(page, `hub:${VALID}`).getByTestId('model-delete').click();
  await expect(card(page, `hub:${VALID}`)).toHaveAttribute('data-cache-state', 'none', { timeout: 30_000 });
  expect(await cachedKeys(page, VALID)).toEqual([]);
});

test('a cancelled download leaves nothing in Cache Storage', async ({ page }) => {
  test.setTimeout(120_000);
  await openModels(page);
  await addRepo(page, SLOW);
  const slow = card(page, `hub:${SLOW}`);
  await slow.getByTestId('model-download').click();
  const progress = slow.getByTestId('model-download-progress');
  await expect(progress).toContainText(/of .* \(\d+%\)/, { timeout: 30_000 });
  await slow.getByTestId('model-cancel').click();
  await expect(slow.getByTestId('model-message')).toContainText('cancelled', { timeout: 30_000 });
  await expect(slow).toHaveAttribute('data-cache-state', 'none');
  expect(await cachedKeys(page, SLOW)).toEqual([]);
});
