// Background processes the CLI starts (replicas, channel members,
// watchtowers): spawned detached with their output in a log file, so they
// outlive the command that started them, and stopped by pid later. A pid
// alone could name an unrelated process once ours has exited and the number
// is reused, so before signalling we check that the pid still runs our script
// (Linux /proc; elsewhere the pid is trusted).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root: tsx is resolved from here, and scripts are given relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const STOP_GRACE_MS = 5_000;
const KILL_WAIT_MS = 3_000;
const POLL_MS = 50;

export type SpawnSpec = {
  /** Absolute path of the TypeScript entry point. */
  script: string;
  args: readonly string[];
  logPath: string;
  env?: NodeJS.ProcessEnv;
};

/** Starts `script` under tsx, detached, stdout and stderr appended to `logPath`; returns its pid. */
export function spawnDetached(spec: SpawnSpec): number {
  const log = openSync(spec.logPath, 'a');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', spec.script, ...spec.args], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', log, log],
      env: spec.env ?? process.env,
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.script}`);
    // The CLI must be able to exit while the process runs on.
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

function procState(pid: number): string | null {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return null;
  try {
    // The state follows the command name in parentheses, which may itself hold spaces.
    const stat = readFileSync(path, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** True when `pid` is alive and (where /proc exists) runs `script`. A zombie is not alive. */
export function isRunning(pid: number, script: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!existsSync('/proc/self/stat')) return true;
  const state = procState(pid);
  if (state === null || state === 'Z' || state === 'X') return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(script);
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: nothing to stop.
  }
}

async function waitUntilStopped(targets: readonly { pid: number; script: string }[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (targets.every((target) => !isRunning(target.pid, target.script))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

export type StopOutcome = { pid: number; how: 'not-running' | 'terminated' | 'killed' | 'survived' };

/**
 * SIGTERM to every target that is ours and running, then SIGKILL to any
 * still running after `graceMs`. Only the given pids are signalled.
 */
export async function stopProcesses(targets: readonly { pid: number; script: string }[], graceMs = STOP_GRACE_MS): Promise<StopOutcome[]> {
  const running = targets.filter((target) => isRunning(target.pid, target.script));
  for (const target of running) {
    signal(target.pid, 'SIGTERM');
    // A process paused on purpose (a scenario's silent member) handles SIGTERM only once it runs again.
    signal(target.pid, 'SIGCONT');
  }
  await waitUntilStopped(running, graceMs);
  const stubborn = running.filter((target) => isRunning(target.pid, target.script));
  for (const target of stubborn) signal(target.pid, 'SIGKILL');
  if (stubborn.length > 0) await waitUntilStopped(stubborn, KILL_WAIT_MS);
  return targets.map((target) => {
    if (!running.includes(target)) return { pid: target.pid, how: 'not-running' };
    if (!stubborn.includes(target)) return { pid: target.pid, how: 'terminated' };
    return { pid: target.pid, how: isRunning(target.pid, target.script) ? 'survived' : 'killed' };
  });
}

/** The last `maxBytes` of a log file, for error messages about a process that died. */
export function logTail(path: string, maxBytes = 2_000): string {
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8');
  return text.slice(-maxBytes);
}
