// The dashboard (apps/dashboard) for a directory: its config file is written
// from the directory's genesis, replicas, channels and member keys, and the
// page is served by a detached process on 127.0.0.1 like the others.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from './cli-error.ts';
import { readChannels } from './channel-registry.ts';
import { ensureDir, readNetworkFile, writeJsonFile, type Home } from './home.ts';
import { freePorts } from './ports.ts';
import { isRunning, logTail, REPO_ROOT, spawnDetached } from './processes.ts';
import { readProcesses, recordProcess, runningProcess } from './registry.ts';

export const DASHBOARD_SCRIPT = join(REPO_ROOT, 'apps/dashboard/src/main.ts');
export const DASHBOARD_PROCESS = 'dashboard';
const READY_TIMEOUT_MS = 60_000;

export function dashboardAvailable(): boolean {
  return existsSync(DASHBOARD_SCRIPT);
}

/** Writes DIR/dashboard.json: every replica, and every local channel with its member urls and key files. */
export function writeDashboardConfig(home: Home): string {
  const path = join(home.dir, 'dashboard.json');
  const watchtowers = readProcesses(home).filter((record) => record.kind === 'watchtower');
  writeJsonFile(path, {
    genesisPath: home.genesis,
    replicas: readNetworkFile(home).replicas.map((replica) => replica.url),
    channels: readChannels(home)
      .slice(-32)
      .map((channel) => ({
        id: channel.id,
        memberUrls: channel.members.map((member) => member.url),
        watchtowerUrl: channel.watchtower ?? watchtowers[0]?.url ?? null,
        memberKeyFiles: channel.members.map((member) => member.keyPath),
      })),
    keysDir: ensureDir(home.keys),
  });
  return path;
}

/** Starts the dashboard unless it runs (it re-reads nothing: restart it to show channels opened since). */
export async function startDashboard(home: Home): Promise<{ url: string; started: boolean }> {
  if (!dashboardAvailable()) throw new CliError('NOT_AVAILABLE', `no dashboard in this checkout (${DASHBOARD_SCRIPT})`);
  const running = runningProcess(home, DASHBOARD_PROCESS);
  if (running !== null) return { url: running.url, started: false };
  const config = writeDashboardConfig(home);
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}/`;
  const log = join(ensureDir(home.logs), `${DASHBOARD_PROCESS}.log`);
  const pid = spawnDetached({ script: DASHBOARD_SCRIPT, args: ['--config', config, '--port', String(port)], logPath: log });
  recordProcess(home, { name: DASHBOARD_PROCESS, kind: 'dashboard', pid, script: DASHBOARD_SCRIPT, url, log, startedAt: new Date().toISOString() });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!isRunning(pid, DASHBOARD_SCRIPT)) throw new CliError('START_FAILED', `the dashboard exited while starting; the end of its log:\n${logTail(log)}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return { url, started: true };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new CliError('START_TIMEOUT', `the dashboard did not answer within ${READY_TIMEOUT_MS} ms`);
    await sleep(200);
  }
}
