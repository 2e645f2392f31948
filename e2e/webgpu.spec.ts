// Runs in the 'webgpu' project: Chromium with --enable-unsafe-webgpu, which exposes the software (SwiftShader)
// adapter here, so the engine must pick WebGPU and still embed correctly.
import { expect, test } from '@playwright/test';
import { addFiles, expectJobs, firstResult, fixture, openApp, search } from './helpers.ts';

test('embeds and searches on the WebGPU device when an adapter exists', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('model-status')).toContainText('WebGPU');
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
  await expect(firstResult(page).getByTestId('result-score')).toContainText(/cosine/i);
});

// ── devices you can trust ──

test('WebGPU is used only after its vectors agree with WASM, and the verdict is remembered', async ({ page }) => {
  await openApp(page);
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

async function readDeviceChecks(
  page: import('@playwright/test').Page,
): Promise<Record<string, Record<string, unknown>>> {
  // The verdict is written through the engine's work queue, shortly after the model is ready.
  let verdicts: Record<string, Record<string, unknown>> = {};
  await expect
    .poll(
      async () => {
        verdicts = await page.evaluate(async () => {
          const db = await new Promise<IDBDatabase>((done, fail) => {
            const request = indexedDB.open('trove');
            request.onsuccess = () => done(request.result);
            request.onerror = () => fail(request.error);
          });
          const value = await new Promise<unknown>((done) => {
            const get = db.transaction('settings').objectStore('settings').get('device-checks');
            get.onsuccess = () => done(get.result);
          });
          db.close();
          return (value ?? {}) as Record<string, Record<string, unknown>>;
        });
        return Object.keys(verdicts).length;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
  return verdicts;
}
