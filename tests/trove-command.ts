// The command line as a user runs it (`node bin/trove.mjs`, what `npx trove` starts), for tests that spawn it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `trove ...args`; a non-zero exit is returned (with its output), not thrown, so tests can assert on it. */
export async function trove(...args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/trove.mjs', ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
