#!/usr/bin/env node
// Renders the PWA's PNG icons from the SVG mark (public/favicon.svg) with headless Chromium, and, when a built
// site is given (--screenshots, default dist/ if it exists), the manifest's wide and narrow screenshots of the app.
// Output goes to public/icons/ and is committed (each file is small); rerun after changing the mark or the UI.
//
//   node scripts/make-icons.mjs                 icons only (and screenshots when dist/ exists)
//   node scripts/make-icons.mjs --screenshots   build first: VITE_TROVE_MODEL=local npx vite build
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'public/icons');
const DIST = join(ROOT, 'dist');
const EXECUTABLE =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Declared in public/manifest.webmanifest; tests/pwa-manifest.test.ts checks the files match. */
export const ICONS = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-192.png', size: 192, maskable: true },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  { file: 'apple-touch-icon.png', size: 180, maskable: true }, // iOS rounds corners itself: full bleed, no transparency
];
export const SCREENSHOTS = [
  { file: 'screenshot-wide.png', width: 1280, height: 720 },
  { file: 'screenshot-narrow.png', width: 540, height: 960 },
];

/**
 * The page that draws one icon. "any" icons are the mark as drawn (rounded square, transparent corners).
 * Maskable icons fill the whole square with the accent colour and keep the gem inside the 80% safe circle that
 * platforms may crop to (https://w3c.github.io/manifest/#icon-masks).
 */
function iconPage(svg, size, maskable) {
  const inner = maskable
    ? `<div style="width:${size}px;height:${size}px;background:#4f46e5;display:grid;place-items:center">
         <img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" style="width:${Math.round(size * 0.72)}px;height:${Math.round(size * 0.72)}px">
       </div>`
    : `<img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" style="width:${size}px;height:${size}px;display:block">`;
  return `<!doctype html><html><body style="margin:0;background:transparent">${inner}</body></html>`;
}

async function renderIcons(browser, svg) {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const { file, size, maskable } of ICONS) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(iconPage(svg, size, maskable));
    await page.waitForFunction(() => [...globalThis.document.images].every((img) => img.complete));
    await page.screenshot({
      path: join(OUT, file),
      omitBackground: !maskable,
      clip: { x: 0, y: 0, width: size, height: size },
    });
    console.log(`${file}: ${size}x${size}, ${(await stat(join(OUT, file))).size} bytes`);
  }
  await page.close();
}

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
};

/** dist/ over HTTP with the isolation headers the app expects (plus public/models for the local fixture model). */
function serveDist() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = join(DIST, normalize(path.endsWith('/') ? `${path}index.html` : path));
    try {
      if (!file.startsWith(DIST)) throw new Error('outside dist');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

async function renderScreenshots(browser) {
  const server = await serveDist();
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    for (const { file, width, height } of SCREENSHOTS) {
      const context = await browser.newContext({
        viewport: { width, height },
        deviceScaleFactor: 1,
        colorScheme: 'light',
        serviceWorkers: 'block',
      });
      const page = await context.newPage();
      await page.goto(url);
      await page.locator('[data-testid="model-status"][data-state="ready"]').waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(OUT, file) });
      console.log(`${file}: ${width}x${height}, ${(await stat(join(OUT, file))).size} bytes`);
      await context.close();
    }
  } finally {
    server.close();
  }
}

async function main() {
  const wantScreenshots = process.argv.includes('--screenshots') || existsSync(join(DIST, 'index.html'));
  if (process.argv.includes('--screenshots') && !existsSync(join(DIST, 'index.html'))) {
    throw new Error('no dist/index.html: build first with `VITE_TROVE_MODEL=local npx vite build`');
  }
  await mkdir(OUT, { recursive: true });
  const svg = await readFile(join(ROOT, 'public/favicon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: EXECUTABLE, args: ['--no-sandbox', '--disable-quic'] });
  try {
    await renderIcons(browser, svg);
    if (wantScreenshots) await renderScreenshots(browser);
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
