// Runs the `wedge` CLI as a separate process, as a user would, and collects
// its exit code, stdout and stderr. Shared by the CLI's tests.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = 'apps/cli/src/main.ts';

export type CliRun = { code: number; stdout: string; stderr: string };

/** The test's environment without WEDGE_DIR: every run names its directory with --dir. */
function environment(): NodeJS.ProcessEnv {
  const { WEDGE_DIR: _ignored, ...rest } = process.env;
  return rest;
}

export function runCli(args: readonly string[], timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: environment() },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The one JSON object a `--json` run printed on stdout. */
export function jsonOf(run: CliRun): Record<string, unknown> {
  const lines = run.stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one JSON line on stdout, got:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

/** True when `pid` is a live process (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * The last line of defence of a test's afterAll: SIGKILL every pid the test
 * saw recorded in its own pids.json that is still alive (e.g. when the CLI
 * itself could not run `network down`). Returns the pids it had to kill.
 */
export function killSurvivors(pids: Iterable<number>): number[] {
  const survivors = [...pids].filter(isAlive);
  for (const pid of survivors) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  return survivors;
}
