// npm run bench -- live-folder-browser [--files 5000] [--reps 3] [--dist dist] [--json]
// Live folders in Chromium on the production build (VITE_TROVE_MODEL=local npx vite build): a folder of small files
// generated at run time in the origin-private file system stands in for the picker's folder; "Keep a folder in
// sync" adds it, then "Scan now" with nothing changed is timed in the page (the row's scanning flag on → off), and,
// for comparison, a plain walk of the folder asking for each file's metadata one after another (the scan asks for
// a folder's files together).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startStaticHost } from '../e2e/static-host.ts';
import { ISOLATION_HEADERS } from '../src/security-headers.ts';
import { launchChromium, reportPageErrors } from './chromium.ts';

const FOLDER = 'bench-live-folder';

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      files: { type: 'string' },
      reps: { type: 'string' },
      dist: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const files = Number(values.files ?? 5000);
  const reps = Number(values.reps ?? 3);
  const host = await startStaticHost(resolve(values.dist ?? 'dist'), '/', { headers: ISOLATION_HEADERS });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    reportPageErrors(page);
    // tsx (esbuild, keepNames) wraps named functions in the evaluated code in __name(): give the page one.
    await page.addInitScript(() => {
      (window as unknown as { __name: (f: unknown) => unknown }).__name = (f) => f;
    });
    await page.addInitScript((folder) => {
      (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker =
        async () => (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
    }, FOLDER);
    await page.goto(host.url);
    await page.getByTestId('model-status').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="model-status"]')?.getAttribute('data-state') === 'ready',
      undefined,
      { timeout: 120_000 },
    );
    const writeS = await page.evaluate(
      async ({ folder, files }) => {
        const started = performance.now();
        const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
        const topics = ['river water fish', 'mountain snow weather', 'bank money interest', 'kitchen food dinner'];
        let dir = root;
        for (let i = 0; i < files; i++) {
          if (i % 250 === 0) dir = await root.getDirectoryHandle(`part-${i / 250}`, { create: true });
          const writable = await (await dir.getFileHandle(`note-${i}.md`, { create: true })).createWritable();
          await writable.write(`Note ${i} on the ${topics[i % topics.length]}.`);
          await writable.close();
        }
        return (performance.now() - started) / 1000;
      },
      { folder: FOLDER, files },
    );

    // The time from a click to the row's scanning flag going on and off again, measured in the page.
    const timeScan = (testId: string) =>
      page.evaluate(async (testId) => {
        const row = () => document.querySelector('[data-testid="live-folder"]');
        const started = performance.now();
        (document.querySelector(`[data-testid="${testId}"]`) as HTMLButtonElement).click();
        let seen = false;
        await new Promise<void>((done) => {
          const check = () => {
            const scanning = row()?.getAttribute('data-scanning');
            if (scanning === 'true') seen = true;
            if (seen && scanning === 'false') return done();
            requestAnimationFrame(check);
          };
          check();
        });
        return {
          seconds: (performance.now() - started) / 1000,
          state: row()?.querySelector('[data-testid="live-folder-state"]')?.textContent ?? '',
        };
      }, testId);

    const first = await timeScan('live-folder-add');
    const rescans: Array<{ seconds: number; state: string }> = [];
    for (let r = 0; r < reps; r++) rescans.push(await timeScan('live-folder-scan'));

    const walkS = await page.evaluate(async (folder) => {
      const started = performance.now();
      let count = 0;
      const walk = async (dir: FileSystemDirectoryHandle): Promise<void> => {
        for await (const entry of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
          if (entry.kind === 'directory') await walk(entry as FileSystemDirectoryHandle);
          else {
            await (entry as FileSystemFileHandle).getFile();
            count++;
          }
        }
      };
      await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(folder));
      return { seconds: (performance.now() - started) / 1000, count };
    }, FOLDER);

    const sorted = rescans.map((r) => r.seconds).sort((a, b) => a - b);
    const result = {
      files,
      writeFilesS: Number(writeS.toFixed(2)),
      firstScanS: Number(first.seconds.toFixed(2)),
      firstScanState: first.state,
      rescanMedianS: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(3)),
      rescanMaxS: Number(sorted[sorted.length - 1]!.toFixed(3)),
      rescanState: rescans.at(-1)?.state,
      walkS: Number(walkS.seconds.toFixed(3)),
      walkFiles: walkS.count,
    };
    console.log(
      [
        `files                        ${files} (written to the origin-private file system in ${result.writeFilesS} s)`,
        `first scan (adds them all)   ${result.firstScanS} s — ${result.firstScanState}`,
        `no-change rescan             median ${result.rescanMedianS} s, max ${result.rescanMaxS} s over ${reps} — ${result.rescanState}`,
        `one-by-one walk, for scale    ${result.walkS} s (${result.walkFiles} files, metadata only)`,
      ].join('\n'),
    );
    if (values.json) console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await host.close();
  }
}
