// Proves the CLI is installed as a command after the install: `npx wedge`,
// `pnpm exec wedge` and node_modules/.bin/wedge run it from the repository
// (through tsx, as the npm scripts do), `wedge --version` prints the version
// of apps/cli/package.json and exits 0; and `wedge network up` with its
// default directory leaves nothing untracked for git — checked in a scratch
// git repository that holds this repository's .gitignore, run from there as
// a user runs it from the checkout (and the same paths are ignored here).
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, isAlive, killSurvivors } from './run-cli.ts';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')) as { version: string }).version;
const BIN = join(ROOT, 'node_modules/.bin/wedge');

type Run = { code: number; stdout: string; stderr: string };

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  const { WEDGE_DIR: _ignored, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** Every file under `dir`, relative to `base`. */
function filesUnder(dir: string, base: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, base) : [relative(base, path)];
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'wedge-bin-'));
const seenPids = new Set<number>();

afterAll(async () => {
  await run(BIN, ['network', 'down'], scratch);
  killSurvivors(seenPids);
  rmSync(scratch, { recursive: true, force: true });
});

describe('the installed wedge command', () => {
  it('npx wedge, pnpm exec wedge and node_modules/.bin/wedge print the version', async () => {
    // --no: never fetch a package of that name from the registry; the workspace's bin must answer.
    for (const [command, args] of [
      [BIN, ['--version']],
      ['npx', ['--no', '--', 'wedge', '--version']],
      ['npx', ['--yes', 'pnpm@12.4.2', 'exec', 'wedge', '--version']],
    ] as const) {
      const answer = await run(command, args, join(ROOT, 'apps'));
      expect(answer.code, `${command} ${args.join(' ')}: ${answer.stderr}`).toBe(0);
      expect(answer.stdout.trim()).toBe(VERSION);
    }
    const help = await run('npx', ['--no', '--', 'wedge', '--help'], ROOT);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: wedge \[options\] \[command\]/);
  });

  it('network up with the default directory leaves nothing untracked', async () => {
    execFileSync('git', ['init', '--quiet'], { cwd: scratch });
    copyFileSync(join(ROOT, '.gitignore'), join(scratch, '.gitignore'));
    execFileSync('git', ['add', '.gitignore'], { cwd: scratch });
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '--quiet', '-m', 'ignore'], { cwd: scratch });
    const up = await run(BIN, ['network', 'up', '--json'], scratch);
    const pids = JSON.parse(readFileSync(join(scratch, '.wedge', 'pids.json'), 'utf8')) as { processes: { pid: number }[] };
    for (const { pid } of pids.processes) seenPids.add(pid);
    expect(up.code, up.stderr).toBe(0);
    expect([...seenPids].every(isAlive)).toBe(true);
    const written = filesUnder(join(scratch, '.wedge'), scratch);
    // Secret keys are among them: what git must never pick up.
    expect(written.some((path) => path.endsWith('.key') || path.includes('keys') || path.includes('accounts'))).toBe(true);
    expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: scratch, encoding: 'utf8' })).toBe('');
    // The repository ignores the same paths (check-ignore exits 0 only when every path given is ignored).
    const ignored = execFileSync('git', ['check-ignore', '--no-index', ...written], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    expect(ignored.sort()).toEqual([...written].sort());
    const down = await run(BIN, ['network', 'down'], scratch);
    expect(down.code, down.stderr).toBe(0);
  });
});
