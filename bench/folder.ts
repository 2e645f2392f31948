// npm run bench -- folder [--files 200,2000] [--json] [--profile DIR] [--dist DIR] [--modes fixture,keyword] [--skip-cli]
// A generated manual-shaped folder (bench/manual-folder.ts, in a temp folder) added the way a person adds one: the
// production build (VITE_TROVE_MODEL=local) in Chromium on a persistent profile (real, on-disk IndexedDB), through
// the "Choose folder" input; once with the GloVe fixture model and once keyword-only (the model host unreachable,
// as offline), then the same folder through the CLI (`trove ingest`). Per size: time to all files keyword-searchable
// and to all vectors done, files/s, MB/s, passages/s, peak JS heap of page and worker (CDP), reopen (reload → first
// keyword result shown); and the ratios the folder path must meet: per-file cost flat across sizes, browser within
// 2× the CLI. --profile DIR saves CPU profiles of page and worker during each folder ingest and the reload after
// it, with a summary.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { reportPageErrors } from './chromium.ts';
import { writeManualFolder, type ManualFolder } from './manual-folder.ts';
import { PageProbe } from './page-probe.ts';
import { formatSummary, summarizeProfile } from './cpu-profile-summary.ts';
import { startStaticHost } from '../e2e/static-host.ts';
import { ISOLATION_HEADERS } from '../src/security-headers.ts';
import { CACHE_DIR } from './ann-truth.ts';

type Mode = 'fixture' | 'keyword';
const MODES: Mode[] = ['fixture', 'keyword'];
const DIST = join(CACHE_DIR, 'folder-dist');
/** Unminified, so a CPU profile names the app's functions (minified names say nothing). */
const DIST_NAMED = join(CACHE_DIR, 'folder-dist-named');
const POLL_MS = 1000;
const MB = 1024 * 1024;

interface BrowserRun {
  mode: Mode;
  /** From choosing the folder to every file settled and keyword-searchable. */
  keywordS: number;
  /** To every passage's vector stored (fixture model only). */
  vectorsS?: number;
  filesDone: number;
  filesFailed: number;
  timedOut: boolean;
  peakPageHeapMB: number;
  peakWorkerHeapMB: number;
  /** Reload → first keyword result shown, with the whole folder in the library. */
  reopenS?: number;
  /** Of which: until the search box took the query. */
  reopenTypedS?: number;
  /**
   * Seconds per file over the first and the last tenth of the files (from the settled-job count polled each second):
   * a cost per file that grows with the library shows here within one run.
   */
  perFileFirstTenthS?: number;
  perFileLastTenthS?: number;
  /** Requests for model files made while the folder was added (keyword-only: each one fails, as offline). */
  modelRequests: number;
  /** [seconds since the folder was chosen, jobs settled], one per poll. */
  timeline: Array<[number, number]>;
  profiles?: string[];
}

interface CliRun {
  seconds: number;
  passages: number;
  ok: boolean;
  error?: string;
}

interface SizeRun {
  files: number;
  mb: number;
  passages: number;
  cli: CliRun;
  browser: BrowserRun[];
}

function run(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((done) => {
    execFile(process.execPath, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: number }) | null;
      done({
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        stdout,
        stderr,
        ms: performance.now() - started,
      });
    });
  });
}

async function runCli(folder: ManualFolder, work: string, timeoutMs: number): Promise<CliRun> {
  const library = join(work, 'cli.trove');
  const ingest = await run(['bin/trove.mjs', 'ingest', folder.dir, '--out', library], timeoutMs);
  if (ingest.code !== 0)
    return { seconds: ingest.ms / 1000, passages: NaN, ok: false, error: ingest.stderr.slice(-500) };
  const info = await run(['bin/trove.mjs', 'info', library, '--json'], 60_000);
  const passages = (JSON.parse(info.stdout) as { counts: { chunks: number } }).counts.chunks;
  return { seconds: ingest.ms / 1000, passages, ok: true };
}

/** What the page shows of the folder's progress; the selectors are the ones the e2e specs use. */
interface Shown {
  /** Documents in the library (all of them, whatever the filter) and those the status filter matches. */
  documents: number;
  matching: number;
  jobs: number;
  jobsSettled: number;
  jobsFailed: number;
  pendingVectors: boolean;
}

function readShown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const count = document.querySelector('[data-testid="library-count"]')?.textContent ?? '';
    const numbers = (count.match(/[\d,]+/g) ?? []).map((n) => Number(n.replace(/,/g, '')));
    // Files added together show as one folder job with its counts; a file added alone as a job row of its own.
    // (No named helper functions in here: tsx's __name wrapper does not exist in the page.)
    const group = { total: 0, settled: 0, failed: 0 };
    for (const g of document.querySelectorAll<HTMLElement>('[data-testid="folder-job"]')) {
      group.total += Number(g.dataset.total) || 0;
      group.settled += Number(g.dataset.settled) || 0;
      group.failed += Number(g.dataset.failed) || 0;
    }
    const loose = [...document.querySelectorAll<HTMLElement>('[data-testid="job"]')]
      .filter((j) => !j.closest('[data-testid="folder-job"]'))
      .map((j) => j.dataset.stage);
    const settled = new Set(['done', 'failed', 'cancelled', 'skipped']);
    return {
      documents: numbers.at(-1) ?? 0,
      matching: numbers[0] ?? 0,
      jobs: group.total + loose.length,
      jobsSettled: group.settled + loose.filter((s) => settled.has(s ?? '')).length,
      jobsFailed: group.failed + loose.filter((s) => s === 'failed').length,
      pendingVectors: document.querySelector('[data-testid="pending-vectors"]') !== null,
    };
  });
}

/** Reload → the query typed as soon as the search box takes it → the first result shown (seconds for each step). */
async function timeReopen(page: Page, term: string): Promise<{ typedS: number; resultS: number }> {
  const started = performance.now();
  await page.reload({ waitUntil: 'commit' });
  await page.getByTestId('mode-keyword').click({ timeout: 120_000 });
  await page.getByTestId('search-input').fill(term, { timeout: 120_000 });
  const typedS = (performance.now() - started) / 1000;
  await page.getByTestId('result').first().waitFor({ state: 'visible', timeout: 120_000 });
  return { typedS, resultS: (performance.now() - started) / 1000 };
}

interface BrowserOptions {
  origin: string;
  folder: ManualFolder;
  mode: Mode;
  timeoutMs: number;
  profileDir?: string;
  log: (line: string) => void;
}

/** Seconds per file while the settled count went from `from` to `to` (undefined when the timeline lacks either). */
function secondsPerFile(timeline: Array<[number, number]>, from: number, to: number): number | undefined {
  const at = (count: number) => timeline.find(([, settled]) => settled >= count)?.[0];
  const start = from === 0 ? 0 : at(from);
  const end = at(to);
  return start === undefined || end === undefined || to === from ? undefined : (end - start) / (to - from);
}

async function runBrowser(o: BrowserOptions): Promise<BrowserRun> {
  const files = o.folder.pages.length;
  const profile = await mkdtemp(join(tmpdir(), 'trove-folder-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    headless: true,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-quic', '--disable-background-networking', '--disable-component-update'],
    serviceWorkers: 'block', // as in e2e: the service worker's 27 MB precache would run during the ingest
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    reportPageErrors(page);
    page.on('dialog', (d) => void d.dismiss());
    if (o.mode === 'keyword') await page.route('**/models/**', (route) => route.abort('internetdisconnected'));
    const probe = await PageProbe.attach(page);
    await page.goto(o.origin);
    await page
      .getByTestId('model-status')
      .and(page.locator(`[data-state="${o.mode === 'fixture' ? 'ready' : 'unavailable'}"]`))
      .waitFor({ timeout: 600_000 }); // the model loads slowly on a busy machine
    if (o.profileDir) await probe.startProfiles();
    let modelRequests = 0;
    page.context().on('request', (request) => {
      if (new URL(request.url()).pathname.includes('/models/')) modelRequests++;
    });
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    await page.getByTestId('folder-input').setInputFiles(o.folder.dir);
    let keywordS: number | undefined;
    let vectorsS: number | undefined;
    let shown = await readShown(page);
    let lastLog = 0;
    const timeline: Array<[number, number]> = [];
    while (seconds() * 1000 < o.timeoutMs) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      await probe.sampleHeaps();
      shown = await readShown(page);
      timeline.push([Math.round(seconds() * 10) / 10, shown.jobsSettled]);
      if (seconds() - lastLog >= 15) {
        lastLog = seconds();
        o.log(
          `    ${o.mode} ${files}: ${seconds().toFixed(0)} s, ${shown.jobsSettled}/${shown.jobs} jobs settled, ${shown.documents} documents`,
        );
      }
      if (
        keywordS === undefined &&
        shown.jobs >= files &&
        shown.jobsSettled === shown.jobs &&
        shown.documents >= files - shown.jobsFailed
      ) {
        keywordS = seconds();
        if (o.mode === 'keyword') break;
        await page.getByTestId('library-filter-status').selectOption('pending');
      }
      if (keywordS !== undefined && o.mode === 'fixture' && !shown.pendingVectors && shown.matching === 0) {
        vectorsS = seconds();
        break;
      }
    }
    const timedOut = keywordS === undefined || (o.mode === 'fixture' && vectorsS === undefined);
    const profiles: string[] = [];
    if (o.profileDir) profiles.push(...(await saveProfiles(probe, join(o.profileDir, `${o.mode}-${files}`), o.log)));
    const peakWorker = Math.max(0, ...probe.workerPeaks().map((w) => w.peakHeap));
    const result: BrowserRun = {
      mode: o.mode,
      keywordS: keywordS ?? seconds(),
      vectorsS,
      filesDone: shown.jobsSettled - shown.jobsFailed,
      filesFailed: shown.jobsFailed,
      timedOut,
      peakPageHeapMB: probe.peakPageHeap / MB,
      peakWorkerHeapMB: peakWorker / MB,
      profiles: profiles.length > 0 ? profiles : undefined,
      perFileFirstTenthS: secondsPerFile(timeline, 0, Math.ceil(files / 10)),
      perFileLastTenthS: secondsPerFile(timeline, files - Math.ceil(files / 10), files),
      modelRequests,
      timeline,
    };
    if (!timedOut) {
      // The reload's profiles too: what a returning user waits for before the first result.
      if (o.profileDir) await probe.startProfiles();
      const reopen = await timeReopen(page, o.folder.pages[0]!.term);
      result.reopenS = reopen.resultS;
      result.reopenTypedS = reopen.typedS;
      if (o.profileDir)
        profiles.push(...(await saveProfiles(probe, join(o.profileDir, `${o.mode}-${files}-reopen`), o.log)));
    }
    await probe.detach();
    return result;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** Stops the running CPU profiles of page and workers and writes them, with a summary, as `${base}-*`. */
async function saveProfiles(probe: PageProbe, base: string, log: (line: string) => void): Promise<string[]> {
  const { page: pageProfile, workers } = await probe.stopProfiles();
  const written = [`${base}-page.cpuprofile`];
  await writeFile(written[0]!, JSON.stringify(pageProfile));
  const label = base.split('/').at(-1);
  const summaries = [formatSummary(`page (${label})`, summarizeProfile(pageProfile))];
  for (const [i, w] of workers.entries()) {
    const file = `${base}-worker${i}.cpuprofile`;
    await writeFile(file, JSON.stringify(w.profile));
    written.push(file);
    summaries.push(formatSummary(`worker ${w.url} (${label})`, summarizeProfile(w.profile)));
  }
  await writeFile(`${base}-summary.txt`, summaries.join('\n\n') + '\n');
  log(summaries.join('\n\n'));
  return written;
}

async function buildApp(outDir: string, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const minify = outDir === DIST_NAMED ? ['--minify', 'false'] : [];
  const built = await run(
    ['node_modules/vite/bin/vite.js', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn', ...minify],
    900_000,
  );
  if (built.code !== 0) throw new Error(`vite build failed:\n${built.stderr.slice(-2000)}`);
  log(
    `production build (VITE_TROVE_MODEL=local${minify.length > 0 ? ', unminified for profiling' : ''}) in ${((performance.now() - started) / 1000).toFixed(0)} s: ${outDir}`,
  );
}

const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(1));
const f2 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));
const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padStart(widths[c]!)).join('  ')).join('\n');
}

function ratios(sizes: SizeRun[]) {
  const smallest = sizes[0]!;
  const largest = sizes.at(-1)!;
  const perFile = (s: SizeRun, pick: (s: SizeRun) => number | undefined) => (pick(s) ?? NaN) / s.files;
  const scaling = (pick: (s: SizeRun) => number | undefined) => perFile(largest, pick) / perFile(smallest, pick);
  const browser = (mode: Mode, stage: 'keywordS' | 'vectorsS') => (s: SizeRun) => {
    const r = s.browser.find((b) => b.mode === mode);
    return r && !r.timedOut ? r[stage] : undefined;
  };
  const per_file_scaling_by = {
    fixture_vectors: scaling(browser('fixture', 'vectorsS')),
    fixture_keyword: scaling(browser('fixture', 'keywordS')),
    keyword_only: scaling(browser('keyword', 'keywordS')),
    cli: scaling((s) => (s.cli.ok ? s.cli.seconds : undefined)),
  };
  const browserTime = browser('fixture', 'vectorsS')(largest) ?? browser('keyword', 'keywordS')(largest);
  const browser_over_cli_by = {
    fixture_vectors: (browser('fixture', 'vectorsS')(largest) ?? NaN) / largest.cli.seconds,
    keyword_only: (browser('keyword', 'keywordS')(largest) ?? NaN) / largest.cli.seconds,
  };
  const browserScalings = [per_file_scaling_by.fixture_vectors, per_file_scaling_by.keyword_only].filter(
    Number.isFinite,
  );
  // A largest run stopped at the time limit still bounds the ratio from below: its later files cost at least as much.
  const stopped = largest.browser.filter((b) => b.timedOut && b.filesDone > 0);
  const smallestKeyword = (mode: Mode) => browser(mode, 'keywordS')(smallest);
  const per_file_scaling_at_least = Object.fromEntries(
    stopped.map((b) => [b.mode, b.keywordS / b.filesDone / ((smallestKeyword(b.mode) ?? NaN) / smallest.files)]),
  );
  return {
    // The worse of the browser paths (full ingest with vectors, keyword-only): the goal holds for both.
    per_file_scaling: browserScalings.length > 0 ? Math.max(...browserScalings) : NaN,
    per_file_scaling_at_least,
    per_file_scaling_goal: 1.2,
    per_file_scaling_by,
    browser_over_cli: (browserTime ?? NaN) / largest.cli.seconds,
    browser_over_cli_goal: 2.0,
    browser_over_cli_by,
    sizes: [smallest.files, largest.files],
  };
}

function print(sizes: SizeRun[]): void {
  const rows: string[][] = [
    [
      'files',
      'MB',
      'passages',
      'path',
      'stage',
      's',
      's/file',
      'files/s',
      'MB/s',
      'passages/s',
      'page heap MB',
      'worker heap MB',
      'reopen s',
    ],
  ];
  for (const s of sizes) {
    // A run stopped at the time limit is rated on the files it finished (MB and passages pro rata).
    const line = (
      path: string,
      stage: string,
      sec: number | undefined,
      extra: string[] = ['–', '–', '–'],
      done = s.files,
    ) => {
      const share = done / s.files;
      rows.push([
        String(s.files),
        f1(s.mb),
        String(s.passages),
        path,
        stage,
        f1(sec),
        f3(sec === undefined ? undefined : sec / done),
        f1(sec === undefined ? undefined : done / sec),
        f2(sec === undefined ? undefined : (s.mb * share) / sec),
        f1(sec === undefined ? undefined : (s.passages * share) / sec),
        ...extra,
      ]);
    };
    line('cli', s.cli.ok ? 'whole' : s.cli.error?.startsWith('not run') ? 'not run' : 'FAILED', s.cli.seconds);
    for (const b of s.browser) {
      const heaps = [f1(b.peakPageHeapMB), f1(b.peakWorkerHeapMB), f2(b.reopenS)];
      const suffix = b.timedOut
        ? ` (timed out: ${b.filesDone} done)`
        : b.filesFailed > 0
          ? ` (${b.filesFailed} failed)`
          : '';
      const done = b.timedOut ? b.filesDone : s.files;
      line(`chromium ${b.mode}`, `keyword searchable${suffix}`, b.keywordS, heaps, done);
      if (b.mode === 'fixture') line(`chromium ${b.mode}`, 'vectors done', b.vectorsS, heaps, done);
    }
  }
  console.log('\nFolder ingest: generated manual (HTML + Markdown, 2–60 KB pages), production build, real IndexedDB');
  console.log('passages: counted by the CLI (same chunker); times from choosing the folder; heap = peak JS heap (CDP)');
  console.log(table(rows));
  const r = ratios(sizes);
  console.log(
    `\nratios.per_file_scaling = ${f2(r.per_file_scaling)} (s/file at ${r.sizes[1]} / at ${r.sizes[0]}; goal ≤ ${r.per_file_scaling_goal}; by path: ${Object.entries(
      r.per_file_scaling_by,
    )
      .map(([k, v]) => `${k} ${f2(v)}`)
      .join(', ')})`,
  );
  for (const [mode, bound] of Object.entries(r.per_file_scaling_at_least))
    console.log(`  ${mode}: the largest run hit the time limit; keyword-searchable s/file ratio ≥ ${f2(bound)}`);
  console.log(
    `ratios.browser_over_cli = ${f2(r.browser_over_cli)} (browser / CLI at ${r.sizes[1]} files; goal ≤ ${r.browser_over_cli_goal}; keyword-only ${f2(r.browser_over_cli_by.keyword_only)})`,
  );
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      files: { type: 'string', default: '200,2000' },
      json: { type: 'boolean', default: false },
      profile: { type: 'string' },
      dist: { type: 'string' },
      modes: { type: 'string', default: MODES.join(',') },
      seed: { type: 'string', default: '1' },
      'timeout-min': { type: 'string', default: '30' },
      'skip-cli': { type: 'boolean', default: false },
    },
  });
  const sizes = values.files!.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--files takes whole numbers, got ${values.files}`);
  const modes = values.modes!.split(',') as Mode[];
  if (modes.some((m) => !MODES.includes(m))) throw new Error(`--modes takes ${MODES.join(',')}, got ${values.modes}`);
  const seed = Number(values.seed);
  const timeoutMs = Number(values['timeout-min']) * 60_000;
  const log = (line: string) => console.error(line);
  const profileDir = values.profile ? resolve(values.profile) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });

  const dist = values.dist ? resolve(values.dist) : profileDir ? DIST_NAMED : DIST;
  if (!values.dist) {
    process.env.VITE_TROVE_MODEL = 'local';
    await buildApp(dist, log);
  }
  const host = await startStaticHost(dist, '/', { headers: ISOLATION_HEADERS });
  const work = await mkdtemp(join(tmpdir(), 'trove-folder-bench-'));
  const results: SizeRun[] = [];
  try {
    for (const files of sizes) {
      const folder = await writeManualFolder(join(work, `manual-${files}`), files, seed);
      log(`${files} files, ${(folder.bytes / MB).toFixed(1)} MB generated in ${folder.dir}`);
      const cli: CliRun = !values['skip-cli']
        ? await runCli(folder, work, timeoutMs)
        : { seconds: NaN, passages: NaN, ok: false, error: 'not run (--skip-cli)' };
      log(`  cli: ${cli.seconds.toFixed(1)} s${cli.ok ? `, ${cli.passages} passages` : ` FAILED ${cli.error}`}`);
      const browser: BrowserRun[] = [];
      for (const mode of modes) {
        const r = await runBrowser({ origin: host.url, folder, mode, timeoutMs, profileDir, log });
        log(
          `  chromium ${mode}: keyword ${r.keywordS.toFixed(1)} s${r.vectorsS !== undefined ? `, vectors ${r.vectorsS.toFixed(1)} s` : ''}${r.timedOut ? ' (timed out)' : ''}, reopen ${f2(r.reopenS)} s (query typed at ${f2(r.reopenTypedS)} s), s/file first tenth ${f3(r.perFileFirstTenthS)} last tenth ${f3(r.perFileLastTenthS)}, ${r.modelRequests} model file requests`,
        );
        browser.push(r);
      }
      results.push({ files, mb: folder.bytes / MB, passages: cli.passages, cli, browser });
    }
  } finally {
    await host.close();
    await rm(work, { recursive: true, force: true });
  }
  print(results);
  if (values.json) console.log(JSON.stringify({ sizes: results, ratios: ratios(results) }));
}
