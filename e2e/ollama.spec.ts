// The optional Ollama backend in a browser: a build that allows the server's origin (VITE_TROVE_OLLAMA_ORIGIN, added
// to the CSP) talks to a local stand-in that speaks Ollama's /api/embed, /api/show and streamed /api/chat and sends
// CORS headers the way Ollama does with OLLAMA_ORIGINS set; when the server refuses the site, the status says to set
// OLLAMA_ORIGINS. Answers can come from the server's chat model. The default build shows the option as not enabled. The Ollama build goes to dist-ollama/ (git-ignored), served with its own headers.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { addFiles, expectJobs, fixture, openApp, search } from './helpers.ts';
import { readHeadersFile } from './model-host-stand-in.ts';
import { startStaticHost, type StaticHost } from './static-host.ts';

const OUT_DIR = 'dist-ollama';
const DIMS = 32;
/** The stand-in chat model's answer, one streamed message each. */
const STAND_IN_ANSWER = ['Feed the ', 'starter ', 'every day', ' [1].'];

/** Bag-of-words vectors, so texts sharing words are close. */
function bagVector(text: string): number[] {
  const v = new Array<number>(DIMS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    let h = 0;
    for (const c of word) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    v[h % DIMS] += 1;
  }
  v[0] += 0.01; // never all zeros
  return v;
}

interface StandIn {
  origin: string;
  /** Origins the stand-in accepts (its OLLAMA_ORIGINS). */
  allowed: Set<string>;
  /** Origin header of each embed request it answered. */
  seen: string[];
  /** Chat models it has (/api/show and /api/chat answer 404 for others). */
  chatModels: Set<string>;
  /** Bodies of the /api/chat requests it answered. */
  chats: Array<{ model: string; stream: boolean; messages: Array<{ role: string; content: string }> }>;
  server: Server;
}

/** Answers /api/embed like Ollama; CORS like Ollama's: only listed origins get Access-Control-Allow-Origin. */
async function startStandIn(): Promise<StandIn> {
  const standIn = {
    allowed: new Set<string>(),
    seen: [] as string[],
    chatModels: new Set<string>(),
    chats: [] as StandIn['chats'],
  } as StandIn;
  standIn.server = createServer((req, res) => {
    const origin = req.headers.origin;
    const cors: Record<string, string> = {};
    if (origin && standIn.allowed.has(origin)) {
      Object.assign(cors, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, User-Agent, Accept, X-Requested-With',
        Vary: 'Origin',
      });
    } else if (origin) {
      return void res.writeHead(403).end(); // Ollama (gin-contrib/cors) answers a foreign origin with 403
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'POST' && (req.url === '/api/show' || req.url === '/api/chat')) {
        const chat = JSON.parse(body) as StandIn['chats'][number];
        if (!standIn.chatModels.has(chat.model)) {
          const error = `model "${chat.model}" not found, try pulling it first`;
          return void res
            .writeHead(404, { ...cors, 'Content-Type': 'application/json' })
            .end(JSON.stringify({ error }));
        }
        if (req.url === '/api/show') return void res.writeHead(200, cors).end('{}');
        standIn.chats.push(chat);
        res.writeHead(200, { ...cors, 'Content-Type': 'application/x-ndjson' });
        // Streamed in pieces that cut lines midway, as a socket may deliver them.
        const ndjson = [...STAND_IN_ANSWER, '']
          .map((content, i) =>
            JSON.stringify(
              i < STAND_IN_ANSWER.length
                ? { model: chat.model, message: { role: 'assistant', content }, done: false }
                : { model: chat.model, done: true, done_reason: 'stop', eval_count: STAND_IN_ANSWER.length },
            ),
          )
          .join('\n');
        for (let at = 0; at < ndjson.length; at += 23) res.write(ndjson.slice(at, at + 23));
        return void res.end('\n');
      }
      if (req.method !== 'POST' || req.url !== '/api/embed')
        return void res.writeHead(404, cors).end('404 page not found');
      const { model, input } = JSON.parse(body) as { model: string; input: string[] };
      standIn.seen.push(origin ?? '');
      res
        .writeHead(200, { ...cors, 'Content-Type': 'application/json' })
        .end(JSON.stringify({ model, embeddings: input.map(bagVector) }));
    });
  });
  await new Promise<void>((done) => standIn.server.listen(0, '127.0.0.1', done));
  standIn.origin = `http://127.0.0.1:${(standIn.server.address() as AddressInfo).port}`;
  return standIn;
}

async function enableOllama(page: Page, origin: string, model: string): Promise<void> {
  await page.getByTestId('settings-button').click();
  await page.getByTestId('setting-ollama').check();
  await page.getByTestId('setting-ollama-origin').fill(origin);
  await page.getByTestId('setting-ollama-model').fill(model);
  await expect(page.getByTestId('ollama-origin-blocked')).toHaveCount(0);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('swap-confirm')).toContainText(`to ollama:${model}:latest`);
  await page.getByTestId('swap-confirm-button').click();
  await expect(page.getByTestId('settings-dialog')).not.toBeVisible();
}

test('the default build offers the Ollama backend only as “not enabled in this build”', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('ollama-not-enabled')).toContainText('VITE_TROVE_OLLAMA_ORIGIN');
  await expect(page.getByTestId('setting-ollama')).toBeDisabled();
});

test.describe('a build that allows a local Ollama server', () => {
  test.describe.configure({ mode: 'serial', timeout: 180_000 });
  let standIn: StandIn;
  let host: StaticHost;

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    standIn = await startStandIn();
    execFileSync('npx', ['vite', 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
      env: { ...process.env, VITE_TROVE_MODEL: 'local', VITE_TROVE_OLLAMA_ORIGIN: standIn.origin },
      stdio: 'inherit',
    });
    // Served with the headers its _headers file lists (the CSP with the Ollama origin, COOP/COEP).
    host = await startStaticHost(resolve(OUT_DIR), '/', { headers: readHeadersFile(resolve(OUT_DIR, '_headers')) });
  });
  test.afterAll(async () => {
    await host?.close();
    if (standIn) await new Promise((done) => standIn.server.close(done));
  });

  test('turning it on re-embeds the library through the server and searches with it', async ({ page }) => {
    const siteOrigin = new URL(host.url).origin;
    standIn.allowed = new Set([siteOrigin]);
    await page.goto(host.url);
    await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await addFiles(page, [fixture('field-guide.md')]);
    await expectJobs(page, { 'field-guide.md': 'done' });

    await enableOllama(page, standIn.origin, 'all-minilm');
    const status = page.getByTestId('model-status');
    await expect(status).toContainText('ollama:all-minilm:latest', { timeout: 60_000 });
    await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await expect(status).toContainText(`${DIMS} dims`);
    await expect(page.getByTestId('device-note')).toContainText(`Ollama server at ${standIn.origin}`);
    await expect(page.getByTestId('reembed-progress')).toHaveCount(0, { timeout: 60_000 });
    await expect(page.getByTestId('pending-vectors')).toHaveCount(0);

    await search(page, 'semantic', 'feed the sourdough starter flour water');
    await expect(page.getByTestId('result').first()).toContainText('starter', { timeout: 30_000 });
    await expect(page.getByTestId('notice')).toHaveCount(0);
    // Every request came from the page's origin, through CORS.
    expect(standIn.seen.length).toBeGreaterThan(1);
    expect(new Set(standIn.seen)).toEqual(new Set([siteOrigin]));
  });

  test('a server that does not allow the site: keyword search works and the status says to set OLLAMA_ORIGINS', async ({
    page,
  }) => {
    standIn.allowed = new Set();
    await page.goto(host.url);
    await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await enableOllama(page, standIn.origin, 'all-minilm');
    const status = page.getByTestId('model-status');
    await expect(status).toHaveAttribute('data-state', 'unavailable', { timeout: 60_000 });
    await expect(status).toContainText('OLLAMA_ORIGINS');
    await expect(status).toContainText(standIn.origin);
  });

  test('answers can come from the server’s chat model: streamed, cited, and a missing model says to pull it', async ({
    page,
  }) => {
    standIn.allowed = new Set([new URL(host.url).origin]);
    standIn.chatModels = new Set(['qwen2.5:1.5b']);
    await page.goto(host.url);
    await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await addFiles(page, [fixture('field-guide.md')]);
    await expectJobs(page, { 'field-guide.md': 'done' });

    await page.getByTestId('answers-toggle').check();
    await page.getByTestId('answers-model').selectOption('ollama');
    const status = page.getByTestId('generator-status');
    await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await expect(page.getByTestId('generator-ready')).toContainText(
      `qwen2.5:1.5b on your Ollama server at ${standIn.origin}`,
    );

    await page.getByTestId('answers-question').fill('How often should I feed the starter?');
    await page.getByTestId('answers-ask').click();
    const turn = page.getByTestId('answer-turn').last();
    await expect(turn).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(turn.getByTestId('answer-text')).toContainText('Feed the starter every day');
    await expect(turn.getByTestId('answer-citation')).toHaveCount(1);
    expect(standIn.chats).toHaveLength(1);
    expect(standIn.chats[0]).toMatchObject({ model: 'qwen2.5:1.5b', stream: true });
    expect(standIn.chats[0].messages.at(-1)!.content).toContain('[1]');

    // A model the server lacks: named, with the command that fetches it.
    await page.getByTestId('answers-ollama-model').fill('missing-model:1b');
    await page.getByTestId('answers-ollama-save').click();
    await expect(page.getByTestId('generator-error')).toContainText('ollama pull missing-model:1b', {
      timeout: 60_000,
    });
    // An invalid name is refused by the settings, saying why.
    await page.getByTestId('answers-ollama-model').fill('two words');
    await page.getByTestId('answers-ollama-save').click();
    await expect(page.getByTestId('answers-ollama-error')).toContainText('contains spaces');
  });
});
