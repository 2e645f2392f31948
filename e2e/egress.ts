// Egress recording for privacy tests: every request of the BROWSER CONTEXT (pages, their dedicated workers, and the
// service worker when the test allows service workers), every WebSocket, and every connection the Content Security
// Policy refused (Chromium logs "Refused to connect/load …" on the console of the page or worker that tried).
// A refused attempt counts as egress too: the test must fail if the app even tries, not only if the CSP saved it.
// Chromium does not report CSP refusals inside workers on the console, so a spec that must see every attempt runs
// with `bypassCSP: true`: then an attempt is a real request, recorded here (headers.spec.ts checks the CSP itself).
import { expect, type BrowserContext, type ConsoleMessage, type Page, type Request } from '@playwright/test';

export interface RecordedRequest {
  url: string;
  method: string;
  resourceType: string;
  /** 'service-worker' for requests the service worker made; else 'page' (page or its dedicated workers). */
  from: 'page' | 'service-worker';
}

export interface EgressRecorder {
  readonly requests: readonly RecordedRequest[];
  /** Console reports of blocked connections ("Refused to connect to 'https://…'") from pages and workers. */
  readonly refused: readonly string[];
  readonly sockets: readonly string[];
  /** URLs (and refusals) that left or tried to leave for an origin other than the app's and the allowed ones. */
  foreign(): string[];
  /** Fails the test, listing every foreign request, socket and refused attempt. */
  expectNoForeignRequests(): void;
  stop(): void;
}

export interface EgressOptions {
  /** The app's own origin, e.g. new URL(baseURL).origin. */
  origin: string;
  /** Further origins (exact, e.g. 'http://127.0.0.1:4999') or patterns matched against the full URL. */
  allow?: ReadonlyArray<string | RegExp>;
}

/** URLs that never touch the network. */
const LOCAL_SCHEMES = ['data:', 'blob:', 'about:', 'chrome-extension:', 'devtools:'];
/** Chromium's wordings: "Connecting to 'URL' violates …", "Refused to connect to 'URL'", "Fetch API cannot load URL. Refused …". */
const CSP_REPORT = /Content Security Policy|Refused to/i;
const URL_IN_TEXT = /(?:https?|wss?):\/\/[^\s'"]+/g;

export function recordEgress(context: BrowserContext, options: EgressOptions): EgressRecorder {
  const requests: RecordedRequest[] = [];
  const refused: string[] = [];
  const sockets: string[] = [];
  const onRequest = (request: Request) =>
    requests.push({
      url: request.url(),
      method: request.method(),
      resourceType: request.resourceType(),
      from: request.serviceWorker() ? 'service-worker' : 'page',
    });
  const onConsole = (message: ConsoleMessage) => {
    const text = message.text();
    if (!CSP_REPORT.test(text)) return;
    for (const url of text.match(URL_IN_TEXT) ?? []) refused.push(url.replace(/[.,;]+$/, ''));
  };
  const watchPage = (page: Page) => {
    page.on('console', onConsole);
    page.on('websocket', (socket) => sockets.push(socket.url()));
  };
  context.on('request', onRequest);
  context.on('page', watchPage);
  context.pages().forEach(watchPage);
  context.on('console', onConsole);

  const allowed = (url: string): boolean => {
    if (LOCAL_SCHEMES.some((scheme) => url.startsWith(scheme))) return true;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return false;
    }
    if (origin === options.origin) return true;
    return (options.allow ?? []).some((rule) => (typeof rule === 'string' ? origin === rule : rule.test(url)));
  };

  const recorder: EgressRecorder = {
    requests,
    refused,
    sockets,
    foreign: () => [
      ...requests.filter((r) => !allowed(r.url)).map((r) => `${r.method} ${r.url} (${r.resourceType}, from ${r.from})`),
      ...sockets.filter((url) => !allowed(url)).map((url) => `WebSocket ${url}`),
      ...refused.filter((url) => !allowed(url)).map((url) => `refused by CSP: ${url}`),
    ],
    expectNoForeignRequests: () => expect(recorder.foreign(), 'requests that left the origin').toEqual([]),
    stop: () => {
      context.off('request', onRequest);
      context.off('console', onConsole);
      context.off('page', watchPage);
    },
  };
  return recorder;
}
