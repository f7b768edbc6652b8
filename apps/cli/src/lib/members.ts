// Channel member processes (apps/l2-node): started detached like the
// replicas, named member-<channel prefix>-<index> in pids.json. A member
// recovers its state from its data directory, so stopping and starting one
// (or restarting it with a watchtower) loses nothing it signed.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from './cli-error.ts';
import type { ChannelEntry } from './channel-registry.ts';
import { ensureDir, type Home } from './home.ts';
import { memberView } from './l2-http.ts';
import { isRunning, logTail, REPO_ROOT, spawnDetached } from './processes.ts';
import { readProcesses, recordProcess, runningProcess, stopRecorded } from './registry.ts';

export const L2_SCRIPT = join(REPO_ROOT, 'apps/l2-node/src/main.ts');
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 200;

export function memberProcessName(channelId: string, index: number): string {
  return `member-${channelId.slice(0, 12)}-${index}`;
}

function memberArgs(home: Home, channel: ChannelEntry, index: number): string[] {
  const member = channel.members[index]!;
  return [
    '--genesis', home.genesis,
    '--channel', channel.id,
    '--key', member.keyPath,
    '--peers', channel.members.map((entry) => entry.url).join(','),
    '--data', member.dataDir,
    '--port', String(member.port),
    '--progress-timeout-ms', String(channel.progressTimeoutMs),
    ...(channel.watchtower === null ? [] : ['--watchtower', channel.watchtower]),
  ];
}

/** Starts member `index` unless it runs; resolves once it answers GET /v1/channel. */
export async function startMember(home: Home, channel: ChannelEntry, index: number): Promise<void> {
  const member = channel.members[index]!;
  if (runningProcess(home, member.process) === null) {
    const log = join(ensureDir(home.logs), `${member.process}.log`);
    const pid = spawnDetached({ script: L2_SCRIPT, args: memberArgs(home, channel, index), logPath: log });
    recordProcess(home, { name: member.process, kind: 'member', pid, script: L2_SCRIPT, url: member.url, log, startedAt: new Date().toISOString() });
  }
  await waitForMember(home, member.process, member.url);
}

export async function startMembers(home: Home, channel: ChannelEntry): Promise<void> {
  await Promise.all(channel.members.map((_, index) => startMember(home, channel, index)));
}

async function waitForMember(home: Home, name: string, url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const record = readProcesses(home).find((entry) => entry.name === name);
    if (record === undefined || !isRunning(record.pid, record.script)) {
      throw new CliError('START_FAILED', `${name} exited while starting; the end of its log:\n${record === undefined ? '' : logTail(record.log)}`);
    }
    try {
      await memberView(url, 1_000);
      return;
    } catch {
      // Not listening yet (it first reads its channel from L1).
    }
    if (Date.now() > deadline) throw new CliError('START_TIMEOUT', `${name} did not answer within ${READY_TIMEOUT_MS} ms`);
    await sleep(READY_POLL_MS);
  }
}

/** SIGTERM (then SIGKILL) to member `index`, if it runs. */
export async function stopMember(home: Home, channel: ChannelEntry, index: number): Promise<void> {
  const name = channel.members[index]!.process;
  const record = readProcesses(home).find((entry) => entry.name === name);
  if (record === undefined) return;
  await stopRecorded(home, [record]);
}

/** SIGSTOP / SIGCONT: a member that is alive but says nothing (a silent member), and back. */
export function pauseMember(home: Home, channel: ChannelEntry, index: number, paused: boolean): void {
  const record = runningProcess(home, channel.members[index]!.process);
  if (record === null) throw new CliError('NOT_RUNNING', `${channel.members[index]!.process} is not running`);
  process.kill(record.pid, paused ? 'SIGSTOP' : 'SIGCONT');
}

/** The member's data directory and key file live under DIR/l2/<channel prefix>/. */
export function memberFiles(home: Home, channelId: string, index: number): { keyPath: string; dataDir: string } {
  const dir = ensureDir(join(home.l2Data, channelId.slice(0, 12)));
  return { keyPath: join(dir, `member-${index}.key`), dataDir: join(dir, `member-${index}`) };
}
