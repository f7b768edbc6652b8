// The system under test: four replica processes (on loopback, or in the
// network lab), a 2-member star and a 3-member chain channel, and a
// watchtower both channels push to — real processes; the channel ones are
// started with the end-to-end harness of test/support. The cluster kills,
// pauses and restarts them on the nemesis' orders, and notices a process
// that exits when nobody asked it to (a crash is a finding).
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatusResponse, apiPaths } from '@wedge/api';
import { createClient, type WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';
import { L2Channel, WatchtowerProcess, accountKeys, type L2Process } from '../../../test/support/l2-network.ts';
import { labReplicas } from './l1-lab.ts';
import { localReplicas } from './l1-local.ts';
import type { L1Processes } from './l1-processes.ts';
import { startPatiently } from './patient-start.ts';
import type { ChannelName } from './schedule.ts';

export const REPLICAS = 4;
/** Each member's deposit: payments move at most 100 units, so no balance comes near zero in a soak. */
export const DEPOSIT = 10_000_000n;
/**
 * A member wedges its channel when it sees no progress for this long while
 * work is pending. A pause lasts at most 5 s and a killed member is down at
 * most 3 s, but its restart (tsx compiling the sources as the process starts)
 * took up to 32 s on this 2-core machine when other suites ran beside the
 * soak; with 30 s here a slow restart wedged the channel. The soak's faults
 * must not wedge a channel — a wedge in a soak is a finding — so the timeout
 * leaves room for the slowest restart seen, four times over.
 */
export const MEMBER_PROGRESS_TIMEOUT_MS = 120_000;
/** L1 accounts: the first five become channel members, the rest send L1 transfers. */
export const L1_SENDERS = 3;
const STATUS_TIMEOUT_MS = 1_500;
/** How often replica processes are checked for having died (lab processes are not our children, so no exit event). */
const CRASH_POLL_MS = 500;

export type ProcessKind = 'replica' | 'member' | 'watchtower';

export type CrashReport = { name: string; exit: string; logTail: string };

export class Cluster {
  /** Processes the soak stopped on purpose and not yet restarted. */
  private readonly expectedDown = new Set<string>();
  readonly crashes: CrashReport[] = [];
  private crashPoll: NodeJS.Timeout | null = null;

  private constructor(
    readonly l1: L1Processes,
    readonly client: WedgeClient,
    readonly keys: readonly KeyPair[],
    readonly channels: Readonly<Record<ChannelName, L2Channel>>,
    readonly watchtower: WatchtowerProcess,
  ) {}

  /**
   * Starts everything and opens both channels on L1; the replicas in the
   * network lab when `lab` (or why it cannot run, as a string). On failure,
   * whatever started is stopped.
   */
  static async start(lab: boolean): Promise<Cluster | string> {
    const options = { replicas: REPLICAS, accounts: 5 + L1_SENDERS + 1 };
    const l1 = lab ? await labReplicas(options) : await localReplicas(options);
    if (typeof l1 === 'string') return l1;
    const network = l1.harnessNetwork;
    let watchtower: WatchtowerProcess | null = null;
    const channels: L2Channel[] = [];
    try {
      await l1.startAll();
      const client = createClient({ genesis: l1.genesis });
      const keys = accountKeys(network);
      watchtower = await WatchtowerProcess.create(network);
      await startL2(watchtower);
      const memberArgs = ['--progress-timeout-ms', String(MEMBER_PROGRESS_TIMEOUT_MS)];
      const common = { challengeBlocks: 20, watchtowerUrl: watchtower.url, memberArgs };
      const star = await L2Channel.open(network, client, { ...common, keys: keys.slice(0, 2), deposits: [DEPOSIT, DEPOSIT], topology: 'star' });
      channels.push(star);
      const chain = await L2Channel.open(network, client, { ...common, keys: keys.slice(2, 5), deposits: [DEPOSIT, DEPOSIT, DEPOSIT], topology: 'chain' });
      channels.push(chain);
      await Promise.all([...star.members, ...chain.members].map((member) => startL2(member)));
      const cluster = new Cluster(l1, client, keys, { star, chain }, watchtower);
      cluster.watchAll();
      return cluster;
    } catch (error) {
      await Promise.all([...channels.map((channel) => channel.killAll()), watchtower?.kill()]);
      await l1.destroy();
      throw error;
    }
  }

  /** The accounts that send L1 transfers, and the one they pay. */
  get senders(): { from: readonly KeyPair[]; to: KeyPair } {
    return { from: this.keys.slice(5, 5 + L1_SENDERS), to: this.keys[5 + L1_SENDERS]! };
  }

  get urls(): readonly string[] {
    return this.l1.urls;
  }

  get genesis() {
    return this.l1.genesis;
  }

  // ------------------------------------------------------------ replicas

  async killReplica(id: number): Promise<void> {
    this.expectedDown.add(replicaName(id));
    await this.l1.kill(id);
  }

  /**
   * Restarts a killed replica. A start that fails or times out is killed
   * before it is tried again: a slow start that listens later would
   * otherwise run beside the next attempt on the same data directory.
   */
  async restartReplica(id: number): Promise<void> {
    await retryStart(
      () => this.l1.start(id),
      () => this.l1.kill(id),
    );
    this.expectedDown.delete(replicaName(id));
  }

  pauseReplica(id: number): void {
    this.l1.pause(id);
  }

  resumeReplica(id: number): void {
    this.l1.resume(id);
  }

  /** One replica's status, or null when it does not answer in time. */
  async status(id: number): Promise<StatusResponse | null> {
    try {
      const answer = await fetch(`${this.urls[id]}${apiPaths.status()}`, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
      return StatusResponse.parse(await answer.json());
    } catch {
      return null;
    }
  }

  async statuses(): Promise<(StatusResponse | null)[]> {
    return Promise.all(this.urls.map((_, id) => this.status(id)));
  }

  /**
   * The view of the quorum: the highest view in which at least 2f+1 = 3
   * replicas are normal, or, while there is none, the highest normal view any
   * replica reports; null when no replica answers.
   */
  static quorumView(statuses: readonly (StatusResponse | null)[]): number | null {
    const normal = statuses.filter((status): status is StatusResponse => status !== null && status.viewStatus === 'normal');
    if (normal.length === 0) return null;
    const views = normal.map((status) => status.view);
    const agreed = views.filter((view) => views.filter((other) => other === view).length >= 3);
    return Math.max(...(agreed.length > 0 ? agreed : views));
  }

  /** The id of the current primary (view mod n), by the quorum's view; waits while no replica answers. */
  async primary(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = Cluster.quorumView(await this.statuses());
      if (view !== null) return view % REPLICAS;
      if (Date.now() > deadline) throw new Error('no replica answers: cannot tell the primary');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  // ----------------------------------------------------- channel processes

  member(channel: ChannelName, index: number): L2Process {
    return this.channels[channel].members[index]!;
  }

  async killL2(process: L2Process): Promise<void> {
    this.expectedDown.add(process.name);
    await process.kill();
  }

  /** Restarts a killed member or watchtower; a failed start is killed before the next try, as for replicas. */
  async restartL2(process: L2Process): Promise<void> {
    await retryStart(
      () => startL2(process),
      () => process.kill(),
    );
    this.expectedDown.delete(process.name);
    this.watch(process.name, process.process, () => process.tail());
  }

  // --------------------------------------------------------- measurements

  /** Every running process with its kind, pid and URL, for RSS and heap sampling. */
  processes(): { kind: ProcessKind; name: string; pid: number; url: string }[] {
    const out: { kind: ProcessKind; name: string; pid: number; url: string }[] = [];
    this.urls.forEach((url, id) => {
      const pid = this.l1.pid(id);
      if (pid !== null) out.push({ kind: 'replica', name: replicaName(id), pid, url });
    });
    for (const channel of Object.values(this.channels)) {
      for (const member of channel.members) if (member.process?.pid !== undefined) out.push({ kind: 'member', name: member.name, pid: member.process.pid, url: member.url });
    }
    if (this.watchtower.process?.pid !== undefined) out.push({ kind: 'watchtower', name: 'watchtower', pid: this.watchtower.process.pid, url: this.watchtower.url });
    return out;
  }

  /** Writes every process's output so far into `dir`, one file per process, for looking into a failed run. */
  dumpLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const file = (name: string) => join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.log`);
    this.urls.forEach((_, id) => writeFileSync(file(replicaName(id)), this.l1.log(id)));
    for (const channel of Object.values(this.channels)) for (const member of channel.members) writeFileSync(file(member.name), member.log.join(''));
    writeFileSync(file(this.watchtower.name), this.watchtower.log.join(''));
  }

  /** Stops every process (kill -9: nothing is left to flush) and deletes the data directories. */
  async destroy(): Promise<void> {
    for (const name of this.allNames()) this.expectedDown.add(name);
    if (this.crashPoll !== null) clearInterval(this.crashPoll);
    await Promise.all([...Object.values(this.channels).map((channel) => channel.killAll()), this.watchtower.kill()]);
    await this.l1.destroy();
  }

  private allNames(): string[] {
    return [
      ...this.urls.map((_, id) => replicaName(id)),
      ...Object.values(this.channels).flatMap((channel) => channel.members.map((member) => member.name)),
      this.watchtower.name,
    ];
  }

  private watchAll(): void {
    // A replica found gone that nobody stopped is reported once, then counted as down until it is restarted.
    this.crashPoll = setInterval(() => {
      this.urls.forEach((_, id) => {
        const name = replicaName(id);
        if (this.expectedDown.has(name) || this.l1.pid(id) !== null) return;
        this.expectedDown.add(name);
        this.crashes.push({ name, exit: 'gone', logTail: this.l1.log(id).slice(-3_000) });
      });
    }, CRASH_POLL_MS);
    for (const channel of Object.values(this.channels)) for (const member of channel.members) this.watch(member.name, member.process, () => member.tail());
    this.watch(this.watchtower.name, this.watchtower.process, () => this.watchtower.tail());
  }

  /** Records a crash when `child` exits while the soak did not stop it. */
  private watch(name: string, child: ChildProcess | null, log: () => string): void {
    child?.once('exit', (code, signal) => {
      if (this.expectedDown.has(name)) return;
      this.crashes.push({ name, exit: String(signal ?? code), logTail: log().slice(-3_000) });
    });
  }
}

function startL2(process: L2Process): Promise<void> {
  return startPatiently({ start: () => process.start(), log: () => process.log, running: () => process.process !== null }, '"event":"listening"');
}

const START_ATTEMPTS = 3;
const START_RETRY_PAUSE_MS = 500;

async function retryStart(start: () => Promise<void>, kill: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      return;
    } catch (error) {
      await kill();
      if (attempt >= START_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, START_RETRY_PAUSE_MS));
    }
  }
}

export function replicaName(id: number): string {
  return `replica ${id}`;
}

/** Resident set size of `pid` in MB from /proc, or null where it is gone or /proc is missing. */
export function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]) / 1024;
  } catch {
    return null;
  }
}
