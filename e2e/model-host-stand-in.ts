// A local stand-in for the Hugging Face hub, for e2e: serves model folders in the hub's layout
// (<owner>/<name>/resolve/<revision>/<file>) with the headers a cross-origin-isolated page needs to read them
// (CORS, and Cross-Origin-Resource-Policy for COEP require-corp), records every request it answers, and
// answers anything else with 404. Also reads a build's _headers file, so a test host can serve what a Netlify-like
// host would.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize, resolve } from 'node:path';

export interface HubStandIn {
  /** e.g. http://127.0.0.1:5464 */
  origin: string;
  /** "METHOD /path" of every request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** repos: repo id ("owner/name") → folder holding its files (config.json, onnx/model.onnx, …). */
export async function startHubStandIn(port: number, repos: Readonly<Record<string, string>>): Promise<HubStandIn> {
  const requests: string[] = [];
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': '*',
    'access-control-expose-headers': 'content-length, etag',
    'cross-origin-resource-policy': 'cross-origin',
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
    requests.push(`${req.method} ${path}`);
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    const match = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(path);
    const folder = match && Object.hasOwn(repos, match[1]) ? resolve(repos[match[1]]) : undefined;
    if (!match || !folder) return void res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end('Entry not found');
    const file = join(folder, normalize(match[2]));
    if (!file.startsWith(folder)) return void res.writeHead(404, cors).end();
    readFile(file).then(
      (body) => {
        const type = file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
        res.writeHead(200, { ...cors, 'content-type': type, 'content-length': String(body.length) });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end('Entry not found'),
    );
  });
  await new Promise<void>((done, fail) => server.once('error', fail).listen(port, '127.0.0.1', done));
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** The headers a build's _headers file gives every path ("/*" block), as a record. */
export function readHeadersFile(path: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let inAll = false;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      inAll = line.trim() === '/*';
      continue;
    }
    const colon = line.indexOf(':');
    if (inAll && colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}
