// Starts the dashboard as a real process (tsx apps/dashboard/src/main.ts) on a
// free port and stops it. The process prints {"event":"listening","url":...}
// when it serves.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const MAIN = join(ROOT, 'apps/dashboard/src/main.ts');
/** Generous: tsx and the page bundle start slowly when the test suite loads both cores. */
const START_TIMEOUT_MS = 60_000;

export class DashboardProcess {
  private constructor(
    private child: ChildProcess | null,
    readonly url: string,
    readonly log: string[],
  ) {}

  static start(configPath: string): Promise<DashboardProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--config', configPath, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the dashboard did not start: ${log.join('')}`));
      }, START_TIMEOUT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        log.push(text);
        const line = text.split('\n').find((candidate) => candidate.includes('"event":"listening"'));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(new DashboardProcess(child, (JSON.parse(line) as { url: string }).url, log));
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the dashboard exited (${code ?? signal}): ${log.join('').slice(-2000)}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }
}
