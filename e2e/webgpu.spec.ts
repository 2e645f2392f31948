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
