// Commands must exit when done: a handle left open (a BroadcastChannel, a timer, a model session) keeps Node's event
// loop alive after the output is printed, and a script or CI job waits forever. Each command runs as a child process
// with a generous time limit; a hang is killed and reported, not waited for.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Far beyond what the command needs; only reached by a process that never exits. */
const HANG_LIMIT_MS = 90_000;

function runToExit(
  args: string[],
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, args, { timeout: HANG_LIMIT_MS, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: number; signal?: string }) | null;
      done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

const TSX = resolve('node_modules/tsx/dist/cli.mjs');

describe('commands must exit when done', { timeout: HANG_LIMIT_MS + 30_000 }, () => {
  it('npm run eval -- --mode vector (the whole engine) exits 0 after printing', async () => {
    const result = await runToExit([
      TSX,
      'scripts/eval.ts',
      '--dataset',
      'e2e/fixtures/beir-mini',
      '--mode',
      'vector',
      '--json',
    ]);
    expect(result.signal, 'killed: the script never exited').toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ mode: 'vector', queries: 3 });
  });

  it('npm run eval -- --mode keyword (the engine without a model) exits 0 after printing', async () => {
    // No NO_OTHER_TABS channel in the script any more: the engine's close() must release its BroadcastChannel.
    const result = await runToExit([
      TSX,
      'scripts/eval.ts',
      '--dataset',
      'e2e/fixtures/beir-mini',
      '--mode',
      'keyword',
      '--json',
    ]);
    expect(result.signal, 'killed: the script never exited').toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ mode: 'keyword', queries: 3 });
  });

  it('npm run bench -- library-backup (two engines with BroadcastChannels) exits 0 after printing', async () => {
    const result = await runToExit([
      TSX,
      'bench/run.ts',
      'library-backup',
      '--passages',
      '200',
      '--dims',
      '8',
      '--json',
    ]);
    expect(result.signal, 'killed: the benchmark never exited').toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ passages: 200, dims: 8 });
  });

  it('trove ingest and info exit 0 after printing', async () => {
    const docs = await mkdtemp(join(tmpdir(), 'trove-exit-'));
    await writeFile(join(docs, 'notes.txt'), 'The sourdough starter needs feeding every day.\n');
    const library = join(docs, 'lib.trove');
    const ingest = await runToExit(['bin/trove.mjs', 'ingest', docs, '--out', library]);
    expect(ingest.signal, 'killed: ingest never exited').toBeNull();
    expect(ingest.code, ingest.stderr).toBe(0);
    const info = await runToExit(['bin/trove.mjs', 'info', library]);
    expect(info.signal, 'killed: info never exited').toBeNull();
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/documents: {2}1/);
  });
});
