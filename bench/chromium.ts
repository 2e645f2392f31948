// Chromium for the browser benchmarks: the system's (or CHROMIUM_PATH), headless, with nothing phoning home.
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';

const ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const executablePath = () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A fresh browser (no stored state between runs). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ headless: true, executablePath: executablePath(), args: ARGS });
}

/** A browser on a profile folder, so storage (IndexedDB) survives from one launch to the next. */
export function launchWithProfile(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { headless: true, executablePath: executablePath(), args: ARGS });
}

/** Prints the page's errors instead of losing them. */
export function reportPageErrors(page: Page): void {
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`page console: ${m.text()}`));
}

/** Opens `url` in a fresh launch on `profile`, runs `run` on the page, and closes the browser. */
export async function inProfile<T>(profile: string, url: string, run: (page: Page) => Promise<T>): Promise<T> {
  const context = await launchWithProfile(profile);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    reportPageErrors(page);
    await page.goto(url);
    return await run(page);
  } finally {
    await context.close();
  }
}
