// Devices you can trust, on the 'wasm' project (no WebGPU adapter): the status names the dtype in use, and
// Settings offers each model's dtypes with their download sizes.
import { expect, test } from '@playwright/test';
import { openApp } from './helpers.ts';

test('the status shows the dtype in use, and Settings offers the dtypes each model has', async ({ page }) => {
  await openApp(page);
  const status = page.getByTestId('model-status');
  await expect(status).toContainText('WASM');
  await expect(status.locator('.chip', { hasText: /^fp32$/ })).toBeVisible();
  // No WebGPU adapter: no self-check ran, so nothing claims to be verified.
  await expect(page.getByTestId('device-check')).toHaveCount(0);

  await page.getByTestId('settings-button').click();
  const dtype = page.getByTestId('setting-dtype');
  await expect(dtype).toHaveValue('auto');
  await expect(dtype.locator('option')).toHaveText([
    'Automatic (fp32 on WebGPU, fp32 on WASM)',
    'fp32 (full precision) — 1 MB download',
  ]);
  // Another model: its own dtypes and sizes, smallest download first.
  await page.getByTestId('setting-model').selectOption('bge-small-en-v1.5');
  await expect(dtype.locator('option')).toHaveText([
    'Automatic (fp32 on WebGPU, q8 on WASM)',
    'q8 (8-bit quantized) — 34 MB download',
    'fp32 (full precision) — 133 MB download',
  ]);
  await dtype.selectOption('q8');
  await expect(dtype).toHaveValue('q8');
  // Back to the fixture, which has no q8 weights: the choice returns to automatic instead of an invalid value.
  await page.getByTestId('setting-model').selectOption('glove-50d-static');
  await expect(dtype).toHaveValue('auto');
  await dtype.focus();
  await expect(dtype).toBeFocused();
});
