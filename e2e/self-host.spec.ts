// A same-origin-only build (VITE_TROVE_MODEL_HOST=self, otherwise the production configuration): the CSP allows
// connections to the site alone, and with downloads allowed in the settings the app still asks no other origin for
// anything; self-hosted models under models/ load, ingest and search. Built once into dist-self/.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { recordEgress } from './egress.ts';
import { addFiles, expectJobs, firstResult, fixture, saveSettings, search } from './helpers.ts';
import { readHeadersFile } from './model-host-stand-in.ts';
import { startStaticHost, type StaticHost } from './static-host.ts';

const OUT_DIR = 'dist-self';
const PORT = Number(process.env.E2E_PORT ?? 4317) + 1002;

let app: StaticHost;
test.beforeAll(async () => {
  test.setTimeout(240_000);
  if (process.env.E2E_SELF_PREBUILT !== '1') {
    const env: NodeJS.ProcessEnv = { ...process.env, VITE_TROVE_MODEL_HOST: 'self' };
    delete env.VITE_TROVE_MODEL;
    execFileSync('npx', ['vite', 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
      env,
      stdio: 'inherit',
    });
  }
  app = await startStaticHost(resolve(OUT_DIR), '/', {
    port: PORT,
    headers: readHeadersFile(resolve(OUT_DIR, '_headers')),
  });
});
test.afterAll(async () => app?.close());

test.use({ bypassCSP: true }); // record what the app tries, not only what the CSP lets through

test('a self build asks no other origin for anything, even with downloads allowed, and its CSP says so', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  const egress = recordEgress(context, { origin: new URL(app.url).origin });
  const response = await page.goto(app.url);
  expect(/connect-src ([^;]+)/.exec((await response!.headerValue('content-security-policy')) ?? '')?.[1]).toBe(
    "'self' blob: data:",
  );
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).not.toMatch(
    /huggingface|hf\.co/,
  );
  // The default model is not self-hosted here: unavailable, and no hub request for it.
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'unavailable', { timeout: 90_000 });
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('setting-remote')).toBeChecked();
  await page.getByTestId('setting-model').selectOption('glove-50d-static');
  await saveSettings(page); // confirms the model change (issue 11c)
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
  await search(page, 'semantic', 'bread');
  await expect(firstResult(page).getByTestId('result-source')).toContainText('Sourdough');
  await page.getByTestId('models-button').click();
  await expect(page.getByTestId('models-summary')).toContainText('only from this site');
  expect(egress.requests.some((r) => r.url.includes('/models/trove/glove-50d-static/'))).toBe(true);
  egress.expectNoForeignRequests();
  egress.stop();
});
