// Runs in the 'webgpu' project: Chromium with --enable-unsafe-webgpu, which exposes the software (SwiftShader)
// adapter here. With the device on Auto the engine times WebGPU against WASM and keeps the faster; with WebGPU
// chosen in Settings it must run on WebGPU (after its numeric self-check) and still embed correctly.
import { expect, test } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, openApp, search } from './helpers.ts';

test('with Auto, the device measured faster here is used, and the measurement is remembered', async ({ page }) => {
  await openApp(page);
  const speed = page.getByTestId('device-speed');
  await expect(speed).toHaveAttribute('title', /^Measured here: (WebGPU|WASM) [\d.,]+ passages\/s, (WebGPU|WASM) /);
  // The title lists the fastest first: that is the device in use.
  const fastest = /^Measured here: (WebGPU|WASM)/.exec((await speed.getAttribute('title')) ?? '')?.[1] ?? '';
  await expect(
    page.getByTestId('model-status').locator('.chip', { hasText: new RegExp(`^${fastest}$`) }),
  ).toBeVisible();
  const records = await readSetting(page, 'device-speeds');
  const keys = Object.keys(records);
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatch(/^trove\/glove-50d-static@local\|webgpu:fp32,wasm:fp32\|.*\|auto$/);
  expect(records[keys[0]]).toMatchObject({ device: fastest.toLowerCase(), batchSize: expect.any(Number) });
  // The next start uses the remembered choice instead of measuring again.
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect((await readSetting(page, 'device-speeds'))[keys[0]].measuredAt).toBe(records[keys[0]].measuredAt);
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
});

test('embeds and searches on the WebGPU device when it is chosen in Settings', async ({ page }) => {
  await openApp(page);
  await chooseDevice(page, 'webgpu');
  // Ready on WebGPU, not the WASM model still ready while the switch asks for a fresh runtime (its status can name
  // WebGPU too, in the measured speeds): a file added in that window goes to the worker being replaced.
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-device', 'webgpu', { timeout: 60_000 });
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
  await expect(firstResult(page).getByTestId('result-score')).toContainText(/cosine/i);
});

// ── devices you can trust ──

test('WebGPU is used only after its vectors agree with WASM, and the verdict is remembered', async ({ page }) => {
  await openApp(page);
  await chooseDevice(page, 'webgpu');
  const status = page.getByTestId('model-status');
  await expect(status).toContainText('WebGPU');
  // SwiftShader's WebGPU and WASM agree on the fixed sentences: the status says it was verified.
  await expect(page.getByTestId('device-check')).toHaveText('WebGPU verified');
  await expect(page.getByTestId('device-check')).toHaveAttribute(
    'title',
    /\d+ test sentences .*lowest cosine (0\.99\d\d|1\.0000)/,
  );
  await expect(page.getByTestId('device-note')).toHaveCount(0);
  const verdicts = await readDeviceChecks(page);
  const keys = Object.keys(verdicts);
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatch(/^trove\/glove-50d-static@local\|fp32\|/);
  expect(verdicts[keys[0]]).toMatchObject({ passed: true, sentences: expect.any(Number) });
  // The next start trusts the remembered verdict instead of checking again.
  await page.reload();
  await expect(page.getByTestId('device-check')).toHaveText('WebGPU verified', { timeout: 60_000 });
  expect((await readDeviceChecks(page))[keys[0]].checkedAt).toBe(verdicts[keys[0]].checkedAt);
});

test('a remembered failed check keeps the model on WASM and the status says why', async ({ page }) => {
  await openApp(page);
  await chooseDevice(page, 'webgpu');
  await expect(page.getByTestId('device-check')).toBeVisible();
  await readDeviceChecks(page); // written shortly after the model is ready
  // What the check stores when WebGPU disagrees (a real disagreement cannot be produced on SwiftShader).
  const reason = "WebGPU gave vectors that disagree with WASM (cosine 0.42 on 'The cat sat…')";
  await page.evaluate(async (why) => {
    const db = await new Promise<IDBDatabase>((done, fail) => {
      const request = indexedDB.open('trove');
      request.onsuccess = () => done(request.result);
      request.onerror = () => fail(request.error);
    });
    const tx = db.transaction('settings', 'readwrite');
    const store = tx.objectStore('settings');
    const all = await new Promise<Record<string, Record<string, unknown>>>((done) => {
      const get = store.get('device-checks');
      get.onsuccess = () => done(get.result as Record<string, Record<string, unknown>>);
    });
    for (const key of Object.keys(all)) all[key] = { ...all[key], passed: false, minCosine: 0.42, reason: why };
    store.put(all, 'device-checks');
    await new Promise((done) => (tx.oncomplete = done));
    db.close();
  }, reason);
  await page.reload();
  const status = page.getByTestId('model-status');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(status).toContainText('WASM');
  await expect(page.getByTestId('device-note')).toHaveText(`${reason}: using WASM`);
  await expect(page.getByTestId('device-check')).toHaveCount(0);
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
});

/** Sets the embedding device in Settings and waits for the model to be ready again. */
async function chooseDevice(page: import('@playwright/test').Page, device: 'auto' | 'webgpu' | 'wasm'): Promise<void> {
  await page.getByTestId('settings-button').click();
  await page.getByTestId('setting-device').selectOption(device);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-dialog')).not.toBeVisible();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
}

async function readDeviceChecks(
  page: import('@playwright/test').Page,
): Promise<Record<string, Record<string, unknown>>> {
  return readSetting(page, 'device-checks');
}

/** A settings-store value the engine writes shortly after the model is ready (through its work queue). */
async function readSetting(
  page: import('@playwright/test').Page,
  name: string,
): Promise<Record<string, Record<string, unknown>>> {
  let values: Record<string, Record<string, unknown>> = {};
  await expect
    .poll(
      async () => {
        values = await page.evaluate(async (key) => {
          const db = await new Promise<IDBDatabase>((done, fail) => {
            const request = indexedDB.open('trove');
            request.onsuccess = () => done(request.result);
            request.onerror = () => fail(request.error);
          });
          const value = await new Promise<unknown>((done) => {
            const get = db.transaction('settings').objectStore('settings').get(key);
            get.onsuccess = () => done(get.result);
          });
          db.close();
          return (value ?? {}) as Record<string, Record<string, unknown>>;
        }, name);
        return Object.keys(values).length;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
  return values;
}
