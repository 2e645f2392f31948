import { expect, test, type Response } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS, headersFile } from '../src/security-headers.ts';
import { openApp } from './helpers.ts';

const directives = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...v]) => [name, v.join(' ')]),
  );

test('the preview server sends the security headers on every response, and the meta CSP agrees', async ({
  page,
  context,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const responses: Response[] = [];
  context.on('response', (r) => responses.push(r));
  // Chromium logs each refusal (page and workers) to the console; the page's own also fire an event.
  const violations: string[] = [];
  page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`),
    ),
  );
  await openApp(page); // the engine worker has loaded its script, the ORT wasm and the model files by now

  const pageResponse = responses.find((r) => r.request().resourceType() === 'document');
  expect(pageResponse, 'the page itself').toBeTruthy();
  const sent = await pageResponse!.allHeaders();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(sent[name.toLowerCase()], name).toBe(value);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // The meta tag holds the same policy; it may lack frame-ancestors, which a meta tag cannot carry.
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const header = directives(sent['content-security-policy']);
  const fromMeta = directives(meta ?? '');
  if (!fromMeta.has('frame-ancestors')) header.delete('frame-ancestors');
  expect(fromMeta).toEqual(header);
  expect(directives(CONTENT_SECURITY_POLICY).get('frame-ancestors')).toBe("'none'");
  // No forms post anywhere, no inline styles, no blob: workers: the app starts, loads its model and renders
  // without any of them, and nothing was refused on the way.
  expect(header.get('form-action')).toBe("'none'");
  expect(header.get('style-src')).toBe("'self'");
  expect(header.get('worker-src')).toBe("'self'");
  expect(violations).toEqual([]);

  // Every same-origin response carries the headers: on the worker's script the CSP is what binds the worker's
  // fetches. (Asked again through the API client: Playwright reports few headers for responses to worker requests.)
  const own = [...new Set(responses.map((r) => r.url()).filter((url) => new URL(url).origin === origin))];
  expect(own.some((url) => /engine\.worker.*\.js$/.test(url))).toBe(true);
  expect(own.some((url) => url.includes('/models/'))).toBe(true);
  for (const url of own) {
    const headers = (await page.request.get(url)).headers();
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(headers[name.toLowerCase()], `${name} on ${url}`).toBe(value);
  }
});

test('the build wrote dist/_headers for static hosts from the same source', () => {
  expect(readFileSync('dist/_headers', 'utf8')).toBe(headersFile());
});
