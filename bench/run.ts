// npm run bench -- SUITE [options]: runs one Node benchmark suite (each prints a table; --json adds a JSON last line).
import { TroveError } from '../src/engine/core/errors.ts';

const SUITES: Record<string, () => Promise<{ main(args: string[]): Promise<void> }>> = {
  bm25: () => import('./bm25.ts'),
  ann: () => import('./ann.ts'),
  'ann-reload': () => import('./ann-reload.ts'),
  embed: () => import('./embed.ts'),
  crypto: () => import('./crypto.ts'),
  ocr: () => import('./ocr.ts'),
  backup: () => import('./backup.ts'),
  rerank: () => import('./rerank.ts'),
  generate: () => import('./generate.ts'),
  images: () => import('./images.ts'),
  'inner-pictures': () => import('./inner-pictures.ts'),
  ingest: () => import('./ingest.ts'),
  'map-project': () => import('./map-project.ts'),
  soak: () => import('./soak.ts'),
  'library-backup': () => import('./library-backup.ts'),
  folder: () => import('./folder.ts'),
  'folder-sync': () => import('./folder-sync.ts'),
  'live-folder-browser': () => import('./live-folder-browser.ts'),
  reopen: () => import('./reopen.ts'),
};

const [suite, ...args] = process.argv.slice(2);
const load = suite === undefined ? undefined : SUITES[suite];
if (!load) {
  console.error(`usage: npm run bench -- ${Object.keys(SUITES).join('|')} [--json] (got ${suite ?? 'nothing'})`);
  process.exit(2);
}
load()
  .then((module) => module.main(args))
  .catch((error: unknown) => {
    console.error(error instanceof TroveError ? `${error.code}: ${error.message}` : error);
    process.exit(1);
  });
