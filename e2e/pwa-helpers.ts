// Installability checks shared by the PWA specs: Chromium's own verdict (DevTools protocol, which needs a persistent
// profile: an incognito context always reports "in-incognito") and the manifest's fields and icons, fetched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';

export async function withPersistentContext<T>(run: (context: BrowserContext) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'trove-pwa-'));
  const { executablePath, args } = test.info().project.use.launchOptions ?? {};
  const context = await chromium.launchPersistentContext(dir, {
    executablePath,
    args,
    headless: true,
    serviceWorkers: 'allow',
  });
  try {
    return await run(context);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function installabilityErrors(page: Page): Promise<unknown[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: unknown[];
    };
    return installabilityErrors;
  } finally {
    await cdp.detach();
  }
}

/** Chromium's view of the page's manifest: its URL and parse errors. */
export async function appManifest(page: Page): Promise<{ url: string; errors: unknown[]; data: string }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    return (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data: string };
  } finally {
    await cdp.detach();
  }
}

function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1'), 'PNG signature').toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

interface Image {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
  form_factor?: string;
}

/**
 * Checks the manifest as an installer would see it: id/start_url/scope resolve to the app's base URL, PNG icons of
 * 192 and 512 for both "any" and "maskable", two screenshots; every image is fetched and its real size compared.
 */
export async function expectCompleteManifest(page: Page, appUrl: string): Promise<void> {
  const { url, errors, data } = await appManifest(page);
  expect(errors).toEqual([]);
  expect(url).toBe(new URL('manifest.webmanifest', appUrl).href);
  const manifest = JSON.parse(data) as Record<string, string> & { icons: Image[]; screenshots: Image[] };
  for (const field of ['name', 'short_name', 'description', 'theme_color', 'background_color'])
    expect(manifest[field], field).toBeTruthy();
  const startUrl = new URL(manifest.start_url, url).href;
  expect(startUrl).toBe(appUrl);
  expect(new URL(manifest.scope, url).href).toBe(appUrl);
  expect(new URL(manifest.id, startUrl).href).toBe(appUrl);

  const found: string[] = [];
  for (const image of [...manifest.icons, ...manifest.screenshots]) {
    const response = await page.request.get(new URL(image.src, url).href);
    expect(response.status(), image.src).toBe(200);
    if (image.type !== 'image/png') continue;
    expect(pngSize(await response.body()), image.src).toBe(image.sizes);
    found.push(`${image.form_factor ?? image.purpose ?? 'any'} ${image.sizes}`);
  }
  expect(found.sort()).toEqual(
    ['any 192x192', 'any 512x512', 'maskable 192x192', 'maskable 512x512', 'narrow 540x960', 'wide 1280x720'].sort(),
  );
}
