// Proves the network lab removes everything it made, whatever way it ends:
// `npm run lab -- up | partition | status | heal | down` from the command
// line leaves no namespace, link, bridge or process; a process owning a lab
// that is stopped by SIGTERM tears it down on the way out; one killed by
// SIGKILL (no chance to clean up) leaves a stale lab that `lab down` finds by
// its prefix and removes. And where the user is not root the lab says so and
// exits 2, from `npm run lab` and from `wedge lab` alike. Root-only tests are
// skipped where the machine is not root, with the reason in their names.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labSupport, leftoversWithPrefix } from '../apps/lab/src/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'apps/lab/src/cli.ts');
const OWNER = join(ROOT, 'test/support/lab-owner.ts');
const WEDGE = join(ROOT, 'apps/cli/src/main.ts');
const support = labSupport();
const needsLab = support.ok ? '' : ` (skipped: ${support.reason})`;
const isRoot = process.getuid?.() === 0;

function lab(args: readonly string[], user?: string, entry: readonly string[] = [CLI]): { code: number | null; stdout: string; stderr: string } {
  const node = [process.execPath, '--import', 'tsx', ...entry, ...args];
  const command = user === undefined ? node : ['runuser', '-u', user, '--', ...node];
  const result = spawnSync(command[0]!, command.slice(1), { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Whether `pid` runs. A zombie does not: it has exited and only waits for its parent (init, for a detached process) to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Starts test/support/lab-owner.ts and resolves with what it printed once its lab is up. */
function startOwner(): Promise<{ child: ReturnType<typeof spawn>; prefix: string; dir: string; pids: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', OWNER], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line !== undefined) resolve({ child, ...(JSON.parse(line) as { prefix: string; dir: string; pids: number[] }) });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => reject(new Error(`the lab owner exited (${code ?? signal}) before its lab was up: ${output}`)));
  });
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('the lab cleans up', () => {
  it.skipIf(!support.ok)(`from the command line: up, partition, status, heal, down leave nothing behind${needsLab}`, () => {
    const up = lab(['up', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const started = JSON.parse(up.stdout) as { prefix: string; nodes: { name: string; pid: number }[] };
    try {
      expect(started.nodes.map((node) => node.name)).toEqual(['r0', 'r1', 'r2', 'r3']);
      expect(lab(['up']).code, 'a second lab up while one runs').toBe(1);
      expect(lab(['partition', 'r0,r1|r2,3']).code).toBe(0);
      const partitioned = JSON.parse(lab(['status', '--json']).stdout) as { cuts: [string, string][]; nodes: { running: boolean; status: unknown }[] };
      expect(partitioned.cuts).toEqual([['r0', 'r2'], ['r0', 'r3'], ['r1', 'r2'], ['r1', 'r3']]);
      expect(partitioned.nodes.every((node) => node.running && node.status !== null)).toBe(true);
      expect(lab(['isolate', 'r9']).code, 'an unknown node').toBe(1);
      expect(lab(['heal']).code).toBe(0);
      expect((JSON.parse(lab(['status', '--json']).stdout) as { cuts: unknown[] }).cuts).toEqual([]);
    } finally {
      expect(lab(['down']).code).toBe(0);
    }
    expect(leftoversWithPrefix(started.prefix)).toEqual([]);
    for (const node of started.nodes) expect(alive(node.pid), `${node.name} still runs`).toBe(false);
    expect(lab(['status']).code, 'status without a lab').toBe(1);
  });

  it.skipIf(!support.ok)(`an owner stopped by SIGTERM tears its lab down on the way out${needsLab}`, async () => {
    const owner = await startOwner();
    expect(leftoversWithPrefix(owner.prefix).length).toBeGreaterThan(0);
    owner.child.kill('SIGTERM');
    await exited(owner.child);
    expect(owner.child.signalCode, 'it still ends by the signal').toBe('SIGTERM');
    expect(leftoversWithPrefix(owner.prefix)).toEqual([]);
    expect(owner.pids.filter(alive)).toEqual([]);
    expect(existsSync(owner.dir)).toBe(false);
  });

  it.skipIf(!support.ok)(`an owner killed by SIGKILL leaves a stale lab that \`lab down\` removes by its prefix${needsLab}`, async () => {
    const owner = await startOwner();
    owner.child.kill('SIGKILL');
    await exited(owner.child);
    expect(leftoversWithPrefix(owner.prefix).length, 'SIGKILL gives no chance to clean up').toBeGreaterThan(0);
    const down = lab(['down']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(owner.prefix);
    expect(leftoversWithPrefix(owner.prefix)).toEqual([]);
    expect(owner.pids.filter(alive)).toEqual([]);
  });

  it('where the user is not root, the lab says so and exits 2 (npm run lab and wedge lab)', () => {
    for (const entry of [[CLI], [WEDGE, 'lab']]) {
      const result = isRoot ? lab(['status'], 'nobody', entry) : lab(['status'], undefined, entry);
      expect(result.code, entry.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/needs root|cannot create a network namespace/);
    }
  });
});
