// A loopback server for the browser benchmarks: a built page (dist) and model files under /models/, sent with
// COOP/COEP as the app gets them from its host or service worker, so ONNX Runtime may use threads.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

export function serveIsolated(options: { dist: string; index: string; models: string }): Promise<Server> {
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const [root, rel] = path.startsWith('/models/')
      ? [options.models, path.slice('/models/'.length)]
      : [options.dist, path === '/' ? options.index : path];
    const file = join(root, normalize(rel));
    try {
      if (!file.startsWith(root)) throw new Error('outside');
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
  };
  const server = createServer((req, res) => void answer(req, res));
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}
