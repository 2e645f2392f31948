// Shared steps for the end-to-end specs: they drive the built site the way a person would.
import { expect, type Page, type Request } from '@playwright/test';
import { resolve } from 'node:path';

export const fixture = (name: string) => resolve('e2e/fixtures', name);
export const generated = (name: string) => resolve('e2e/fixtures/generated', name);

/** Records every request the page makes, so a test can assert nothing leaves the origin. */
export function recordRequests(page: Page): Request[] {
  const requests: Request[] = [];
  page.on('request', (request) => requests.push(request));
  return requests;
}

export function foreignRequests(requests: Request[], origin: string): string[] {
  return requests
    .map((r) => r.url())
    .filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin);
}

export async function openApp(page: Page, state: 'ready' | 'unavailable' = 'ready', timeout = 60_000): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', state, { timeout });
}

/**
 * Turns image search on in Settings (saved at once, not with the dialog's Save) and waits for the image model;
 * `before` runs with the dialog open, first.
 */
export async function turnOnImageSearch(page: Page, before?: (page: Page) => Promise<void>): Promise<void> {
  await page.getByTestId('settings-button').click();
  const dialog = page.getByTestId('settings-dialog');
  await before?.(page);
  await dialog.getByTestId('setting-image-search').click();
  await expect(dialog.getByTestId('setting-image-search')).toBeChecked();
  await expect(dialog.getByTestId('image-model-status')).toContainText('Ready', { timeout: 60_000 });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
}

export async function addFiles(page: Page, paths: string[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(paths);
}

/** Waits until every listed file's job has settled in the given stage. */
export async function expectJobs(page: Page, stages: Record<string, string>): Promise<void> {
  for (const [name, stage] of Object.entries(stages)) {
    const job = page.getByTestId('job').filter({ hasText: name });
    await expect(job).toHaveAttribute('data-stage', stage, { timeout: 60_000 });
  }
}

export async function search(page: Page, mode: 'hybrid' | 'semantic' | 'keyword', query: string): Promise<void> {
  await page.getByTestId(`mode-${mode}`).click();
  await page.getByTestId('search-input').fill(query);
}

export function firstResult(page: Page) {
  return page.getByTestId('result').first();
}

// ── measured model swaps (issue 11c) ──
/** Settings → Save; a change of the embedding model asks for confirmation first (ModelSwapConfirm): confirm it. */
export async function saveSettings(page: Page): Promise<void> {
  await page.getByTestId('settings-save').click();
  const confirm = page.getByTestId('swap-confirm-button');
  const dialog = page.getByTestId('settings-dialog');
  await expect
    .poll(async () => (await confirm.isVisible()) || !(await dialog.isVisible()), { timeout: 20_000 })
    .toBe(true);
  if (await confirm.isVisible()) await confirm.click();
  await expect(dialog).not.toBeVisible();
}
