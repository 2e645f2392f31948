// A bare static host for e2e, like GitHub Pages: serves a build folder under a base path, sends no COOP/COEP and
// no CSP header, has no SPA fallback (unknown paths are 404). What the app achieves here, it achieves on any host.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain',
};

export interface StaticHost {
  /** e.g. http://127.0.0.1:43121/trove/ */
  url: string;
  close(): Promise<void>;
}

/** A fixed port (a build that names this host must know it first) and headers to send with every file. */
export interface StaticHostOptions {
  port?: number;
  headers?: Readonly<Record<string, string>>;
}

export async function startStaticHost(root: string, base = '/', options: StaticHostOptions = {}): Promise<StaticHost> {
  const dir = resolve(root);
  const server: Server = createServer((req, res) => void answer(req, res));
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
    if (!path.startsWith(base)) return void res.writeHead(404).end();
    const relative = path.slice(base.length);
    const file = join(dir, normalize(relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative));
    if (!file.startsWith(dir)) return void res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        ...options.headers,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }
  await new Promise<void>((done, fail) => server.once('error', fail).listen(options.port ?? 0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
