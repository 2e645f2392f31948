// A local stand-in for the Hugging Face hub, for e2e: serves model folders in the hub's layout
// (<owner>/<name>/resolve/<revision>/<file>) with the headers a cross-origin-isolated page needs to read them
// (CORS, and Cross-Origin-Resource-Policy for COEP require-corp), records every request it answers, and
// answers anything else with 404. Also reads a build's _headers file, so a test host can serve what a Netlify-like
// host would.
import { readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize, relative, resolve } from 'node:path';

/** The commit the stand-in reports for every repo (the hub's model info "sha"). */
export const STAND_IN_SHA = '0123456789abcdef0123456789abcdef01234567';

export interface StandInOptions {
  /** Repos whose files are sent slowly (32 KiB every 200 ms), so a test can cancel a download midway. */
  slow?: readonly string[];
}

export interface HubStandIn {
  /** e.g. http://127.0.0.1:5464 */
  origin: string;
  /** "METHOD /path" of every request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** repos: repo id ("owner/name") → folder holding its files (config.json, onnx/model.onnx, …). */
export async function startHubStandIn(
  port: number,
  repos: Readonly<Record<string, string>>,
  options: StandInOptions = {},
): Promise<HubStandIn> {
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
    // The hub's model info: the commit and every file of the repo (what "Add a Hugging Face model" reads first).
    const api = /^\/api\/models\/([^/]+\/[^/]+)$/.exec(path);
    if (api) {
      if (!Object.hasOwn(repos, api[1]))
        return void res
          .writeHead(404, { ...cors, 'content-type': 'application/json' })
          .end('{"error":"Repository not found"}');
      void listFiles(resolve(repos[api[1]])).then((files) => {
        res.writeHead(200, { ...cors, 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: api[1], sha: STAND_IN_SHA, siblings: files.map((rfilename) => ({ rfilename })) }));
      });
      return;
    }
    const match = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(path);
    const folder = match && Object.hasOwn(repos, match[1]) ? resolve(repos[match[1]]) : undefined;
    if (!match || !folder)
      return void res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end('Entry not found');
    const file = join(folder, normalize(match[2]));
    if (!file.startsWith(folder)) return void res.writeHead(404, cors).end();
    readFile(file).then(
      (body) => {
        const type = file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
        res.writeHead(200, { ...cors, 'content-type': type, 'content-length': String(body.length) });
        if (req.method === 'HEAD') return void res.end();
        if (!options.slow?.includes(match[1]) || body.length < 32_768) return void res.end(body);
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed) return clearInterval(timer);
          const next = body.subarray(sent, sent + 32_768);
          sent += next.length;
          if (sent >= body.length) {
            clearInterval(timer);
            res.end(next);
          } else res.write(next);
        }, 200);
        res.on('close', () => clearInterval(timer));
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

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
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
