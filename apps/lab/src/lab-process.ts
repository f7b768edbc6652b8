// One Wedge process inside a lab node's namespace: the same binary as on one
// machine (apps/l1-node or apps/l2-node under tsx), started through
// `ip netns exec`, which enters the namespace and then execs the command, so
// the pid we get is the node process itself — kill -9, SIGSTOP and SIGCONT
// reach it directly. Output goes to a log file (a pipe would break once the
// CLI that started a detached lab exits), and "started" means the process
// printed its {"event":"listening"} line there.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { LAB_ERROR, LabError } from './lab-error.ts';
import { isAlive } from './lab-registry.ts';

/** The repository root: tsx resolves from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const POLL_MS = 50;
const LOG_TAIL_CHARACTERS = 3_000;

export type LabProcessSpec = {
  /** The node's name in the lab, e.g. `r0` or `star2-m1`. */
  readonly name: string;
  readonly namespace: string;
  /** Absolute path of the TypeScript entry point. */
  readonly script: string;
  readonly args: readonly string[];
  readonly logPath: string;
  /** Detached processes outlive the process that started them (the CLI's `lab up`). */
  readonly detached: boolean;
};

export class LabProcess {
  /** The running process's pid, or null when it is not running. */
  pid: number | null = null;
  private child: ChildProcess | null = null;
  private exit: Promise<void> = Promise.resolve();

  constructor(readonly spec: LabProcessSpec) {}

  /** A process found running (from a lab record) that another process started. */
  static adopt(spec: LabProcessSpec, pid: number): LabProcess {
    const process = new LabProcess(spec);
    process.pid = isAlive(pid) ? pid : null;
    return process;
  }

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return this.pid !== null && isAlive(this.pid);
  }

  /** Starts the process; resolves with its pid once it listens, rejects (with its log) if it exits first or takes too long. */
  async start(): Promise<number> {
    if (this.running) return this.pid!;
    const logOffset = existsSync(this.spec.logPath) ? statSync(this.spec.logPath).size : 0;
    const log = openSync(this.spec.logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn('ip', ['netns', 'exec', this.spec.namespace, process.execPath, '--import', 'tsx', this.spec.script, ...this.spec.args], {
        cwd: REPO_ROOT,
        detached: this.spec.detached,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    if (child.pid === undefined) throw new LabError(LAB_ERROR.START_FAILED, `could not start ${this.name}`);
    if (this.spec.detached) child.unref();
    this.child = child;
    this.pid = child.pid;
    this.exit = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', () => {
      if (this.child === child) {
        this.child = null;
        this.pid = null;
      }
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (this.logSince(logOffset).includes('"event":"listening"')) return child.pid;
      if (this.child !== child) throw new LabError(LAB_ERROR.START_FAILED, `${this.name} exited while starting:\n${this.tail()}`, { name: this.name });
      if (Date.now() > deadline) {
        await this.kill();
        throw new LabError(LAB_ERROR.START_FAILED, `${this.name} did not listen within ${START_TIMEOUT_MS} ms:\n${this.tail()}`, { name: this.name });
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * Resolves when the process this object started has exited and been
   * reaped (at once when it is not running or was started elsewhere): after
   * a teardown killed it, nothing of it is left, not even a zombie.
   */
  exited(): Promise<void> {
    return this.exit;
  }

  /** kill -9: no chance to flush or say goodbye. Resolves once it is gone. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL', STOP_GRACE_MS);
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(): Promise<void> {
    if (!(await this.signalAndWait('SIGTERM', STOP_GRACE_MS))) await this.kill();
  }

  /** SIGSTOP: the process keeps its sockets but runs nothing until resumed. */
  pause(): void {
    this.signal('SIGSTOP');
  }

  /** SIGCONT after a pause. */
  resume(): void {
    this.signal('SIGCONT');
  }

  /** The last part of the process's log, for failure messages. */
  tail(characters = LOG_TAIL_CHARACTERS): string {
    return this.logSince(0).slice(-characters);
  }

  private logSince(offset: number): string {
    try {
      return readFileSync(this.spec.logPath, 'utf8').slice(offset);
    } catch {
      return '';
    }
  }

  private signal(name: NodeJS.Signals): void {
    if (this.pid === null) return;
    try {
      process.kill(this.pid, name);
    } catch {
      // Already gone.
    }
  }

  /** Sends `name` and waits up to `timeoutMs` for the exit; returns whether it exited. */
  private async signalAndWait(name: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
    const pid = this.pid;
    if (pid === null) return true;
    // A stopped process does not act on SIGTERM until it runs again.
    if (name === 'SIGTERM') this.signal('SIGCONT');
    this.signal(name);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child === null ? !isAlive(pid) : this.pid !== pid) {
        if (this.pid === pid) this.pid = null;
        return true;
      }
      await sleep(POLL_MS / 2);
    }
    return false;
  }
}
