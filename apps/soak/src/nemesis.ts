// The nemesis: carries out the seeded fault schedule against the cluster on
// four tracks at once — the replicas, each channel's members, the watchtower
// — one fault at a time per track. Each replica fault is followed by a recovery check before the
// next one starts, so that at most f = 1 replica is faulty at once except in
// the schedule's labelled no-quorum windows; the check also bounds how long
// commits take to resume, and demands that every faulted replica is back in
// the quorum's view, normal, caught up, with no executed transaction pending.
import { setTimeout as sleep } from 'node:timers/promises';
import { BlockResultsResponse, apiPaths } from '@wedge/api';
import { Cluster, REPLICAS } from './cluster.ts';
import type { L1Observer } from './l1-observer.ts';
import type { TransferSender } from './l1-load.ts';
import type { ChannelPayers } from './l2-load.ts';
import { memberView, watchedChannel, type L2Observer } from './l2-observer.ts';
import type { RecoveryKind, RecoveryStats } from './recovery-stats.ts';
import { describeFault, type ChannelName, type FaultSchedule, type L2Fault, type PartitionShape, type L2Track, type ReplicaFault, type ReplicaTarget, L2_TRACKS } from './schedule.ts';
import type { Violations } from './violations.ts';

/** From a heal until commits resume and every faulted replica is back. */
export const RECOVERY_BOUND_MS = 60_000;
/** From a member's or the watchtower's restart until it holds what its peers held at the restart (and, for a member, a payment commits again). */
export const L2_RECOVERY_BOUND_MS = 90_000;
const POLL_MS = 100;
/** How many recent final transactions a recovered replica is asked about. */
const PENDING_SAMPLE = 20;

/** Cuts links between replicas; provided by the network lab (apps/lab) when the soak runs with --lab. */
export interface PartitionDriver {
  /** Replicas in different groups cannot reach each other until heal(). */
  partition(groups: readonly (readonly number[])[]): Promise<void>;
  heal(): Promise<void>;
}

export type FaultLogEntry = { atMs: number; track: 'replicas' | L2Track; index: number; what: string; event: string; replicas?: number[] };

export type FaultCounts = {
  kills: { replica: number; primary: number; member: number; watchtower: number };
  pauses: number;
  partitions: number;
  noQuorumWindows: number;
};

export type NemesisDeps = {
  cluster: Cluster;
  schedule: FaultSchedule;
  observer: L1Observer;
  l2Observer: L2Observer;
  senders: readonly TransferSender[];
  payers: Readonly<Record<ChannelName, ChannelPayers>>;
  violations: Violations;
  recovery: RecoveryStats;
  partitions: PartitionDriver | null;
  clock: () => number;
};

export class Nemesis {
  readonly log: FaultLogEntry[] = [];
  readonly counts: FaultCounts = { kills: { replica: 0, primary: 0, member: 0, watchtower: 0 }, pauses: 0, partitions: 0, noQuorumWindows: 0 };
  /** True from a replica fault's injection until the recovery check is done. */
  replicaFaultActive = false;
  private stopping = false;
  private tracks: Promise<void>[] = [];

  constructor(private readonly deps: NemesisDeps) {}

  start(): void {
    this.stopping = false;
    this.tracks = [this.replicaTrack(), ...L2_TRACKS.map((track) => this.l2Track(track))];
  }

  /** Lets the fault in progress on each track heal and recover, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.tracks);
  }

  private note(track: FaultLogEntry['track'], index: number, what: string, event: string, replicas?: number[]): void {
    this.log.push({ atMs: this.deps.clock(), track, index, what, event, ...(replicas === undefined ? {} : { replicas }) });
  }

  // ------------------------------------------------------------- replicas

  private async replicaTrack(): Promise<void> {
    while (!this.stopping) {
      const next = this.deps.schedule.nextReplicaFault();
      await sleep(next.gapMs);
      if (this.stopping) break;
      const what = describeFault(next.fault);
      try {
        this.replicaFaultActive = true;
        await this.injectReplicaFault(next.index, next.fault, what);
      } catch (error) {
        this.deps.violations.add('soak-error', { fault: what, error: String(error) });
      } finally {
        this.replicaFaultActive = false;
      }
    }
  }

  private async resolve(targets: readonly ReplicaTarget[]): Promise<number[]> {
    const primary = await this.deps.cluster.primary();
    return targets.map((target) => (primary + target.offset) % REPLICAS);
  }

  private async injectReplicaFault(index: number, fault: ReplicaFault, what: string): Promise<void> {
    const { cluster } = this.deps;
    switch (fault.kind) {
      case 'replica-kill': {
        const [id] = await this.resolve([fault.target]);
        const failover = fault.target.offset === 0 ? await this.watchFailover(id!) : null;
        this.note('replicas', index, what, 'kill', [id!]);
        const killedAt = this.deps.clock();
        await cluster.killReplica(id!);
        // Watched from the kill on, while the replica is down and restarting.
        const failoverMs = failover?.firstCommitInNewView(killedAt) ?? null;
        this.counts.kills.replica += 1;
        if (fault.target.offset === 0) this.counts.kills.primary += 1;
        await sleep(fault.downMs);
        await this.restartReplica(id!);
        this.note('replicas', index, what, 'restarted', [id!]);
        const healedAt = this.deps.clock();
        await this.awaitRecovery(index, what, [id!], healedAt, 'replicaKill');
        if (failoverMs !== null) {
          const ms = await failoverMs;
          if (ms !== null) this.deps.recovery.add('primaryKill', ms);
          this.note('replicas', index, what, ms === null ? 'no failover seen' : `failover: first block in a new view ${ms} ms after the kill`, [id!]);
        }
        return;
      }
      case 'replica-pause': {
        const [id] = await this.resolve([fault.target]);
        this.note('replicas', index, what, 'pause', [id!]);
        cluster.pauseReplica(id!);
        this.counts.pauses += 1;
        await sleep(fault.pauseMs);
        cluster.resumeReplica(id!);
        this.note('replicas', index, what, 'resumed', [id!]);
        await this.awaitRecovery(index, what, [id!], this.deps.clock(), 'replicaPause');
        return;
      }
      case 'no-quorum': {
        const ids = await this.resolve(fault.targets);
        this.note('replicas', index, what, `no-quorum window opens (${fault.how})`, ids);
        this.counts.noQuorumWindows += 1;
        if (fault.how === 'kill') {
          await Promise.all(ids.map((id) => cluster.killReplica(id)));
          this.counts.kills.replica += ids.length;
        } else {
          for (const id of ids) cluster.pauseReplica(id);
          this.counts.pauses += ids.length;
        }
        await sleep(fault.durationMs);
        if (fault.how === 'kill') await Promise.all(ids.map((id) => this.restartReplica(id)));
        else for (const id of ids) cluster.resumeReplica(id);
        this.note('replicas', index, what, 'no-quorum window closes', ids);
        await this.awaitRecovery(index, what, ids, this.deps.clock(), 'noQuorum');
        return;
      }
      case 'partition': {
        const driver = this.deps.partitions;
        if (driver === null) throw new Error('a partition was scheduled without the network lab');
        const primary = await cluster.primary();
        const groups = partitionGroups(fault.shape, primary);
        const label = fault.shape === 'split' ? ' — no-quorum window opens' : '';
        this.note('replicas', index, what, `partition ${groups.map((group) => group.join(',')).join('|')}${label}`, groups.flat());
        await driver.partition(groups);
        this.counts.partitions += 1;
        if (fault.shape === 'split') this.counts.noQuorumWindows += 1;
        await sleep(fault.durationMs);
        await driver.heal();
        this.note('replicas', index, what, 'healed');
        await this.awaitRecovery(index, what, [0, 1, 2, 3], this.deps.clock(), 'partition');
        return;
      }
    }
  }

  private async restartReplica(id: number): Promise<void> {
    await this.deps.cluster.restartReplica(id);
  }

  /**
   * Reads a survivor's position before the primary is killed, and returns
   * how to wait, after the kill at `killedAt`, for the first block certified
   * in a view above the one of the kill: the milliseconds from the kill, or
   * null if it did not come within the bound. (Wrapped in an object: an
   * async function returning the waiting promise itself would wait for it.)
   */
  private async watchFailover(primary: number): Promise<{ firstCommitInNewView(killedAt: number): Promise<number | null> } | null> {
    const survivor = (primary + 1) % REPLICAS;
    const before = await this.deps.cluster.status(survivor);
    if (before === null) return null;
    const url = this.deps.cluster.urls[survivor]!;
    return {
      firstCommitInNewView: async (killedAt) => {
        for (let height = before.height + 1; this.deps.clock() - killedAt < RECOVERY_BOUND_MS; ) {
          try {
            const answer = await fetch(`${url}${apiPaths.blockResults(height, 1_000)}`, { signal: AbortSignal.timeout(5_000) });
            if (answer.status !== 200) {
              await answer.body?.cancel();
              await sleep(POLL_MS);
              continue;
            }
            const results = BlockResultsResponse.parse(await answer.json());
            if (results.certificate.view > before.view) return this.deps.clock() - killedAt;
            height += 1;
          } catch {
            await sleep(POLL_MS);
          }
        }
        return null;
      },
    };
  }

  /**
   * After a heal: within the bound, commits go on past the height of the heal
   * and every replica in `ids` is in the quorum's view, normal, and has
   * executed that height; then none of them holds a transaction already
   * executed as pending. Records the time taken, or a violation.
   */
  private async awaitRecovery(index: number, what: string, ids: readonly number[], healedAt: number, kind: RecoveryKind): Promise<void> {
    const { cluster, violations, clock } = this.deps;
    const heightAtHeal = Math.max(0, ...(await cluster.statuses()).map((status) => status?.height ?? 0));
    let resumedAt: number | null = null;
    let last: unknown = null;
    for (;;) {
      const statuses = await cluster.statuses();
      const view = Cluster.quorumView(statuses);
      const top = Math.max(0, ...statuses.map((status) => status?.height ?? 0));
      if (resumedAt === null && top > heightAtHeal) resumedAt = clock();
      const back = ids.every((id) => {
        const status = statuses[id];
        return status !== null && status !== undefined && status.viewStatus === 'normal' && status.view === view && status.height >= heightAtHeal;
      });
      last = statuses.map((status) => (status === null ? null : { view: status.view, viewStatus: status.viewStatus, height: status.height, pending: status.pendingTxs }));
      if (resumedAt !== null && back) break;
      if (clock() - healedAt > RECOVERY_BOUND_MS) {
        const name = resumedAt === null ? 'commits-not-resumed' : 'replica-not-recovered';
        violations.add(name, { fault: what, index, replicas: ids, heightAtHeal, boundMs: RECOVERY_BOUND_MS, statuses: last });
        this.note('replicas', index, what, `NOT recovered within ${RECOVERY_BOUND_MS} ms`, [...ids]);
        return;
      }
      await sleep(POLL_MS);
    }
    const ms = clock() - healedAt;
    this.deps.recovery.add(kind, ms);
    this.note('replicas', index, what, `recovered in ${ms} ms`, [...ids]);
    for (const id of ids) await this.checkNothingExecutedPending(id, what);
  }

  /** Asks replica `id` about recent final transfers it has executed: none may be pending there, none unknown. */
  private async checkNothingExecutedPending(id: number, what: string): Promise<void> {
    const { cluster, observer, senders, violations } = this.deps;
    const status = await cluster.status(id);
    if (status === null) return;
    const recent = senders.flatMap((sender) => sender.final.slice(-PENDING_SAMPLE)).filter((tx) => tx.height <= status.height);
    for (const tx of recent) {
      const answer = await observer.txStatus(id, tx.hash);
      if (answer?.status === 'pending') violations.add('executed-tx-pending', { replica: id, after: what, tx: tx.hash, finalAtHeight: tx.height, replicaHeight: status.height });
      if (answer?.status === 'not-found') violations.add('final-tx-not-committed', { replica: id, after: what, tx: tx.hash, finalAtHeight: tx.height, replicaHeight: status.height });
    }
  }

  // ---------------------------------------------------- channel processes

  private async l2Track(track: L2Track): Promise<void> {
    while (!this.stopping) {
      const next = this.deps.schedule.nextL2Fault(track);
      await sleep(next.gapMs);
      if (this.stopping) break;
      const what = describeFault(next.fault);
      try {
        await this.injectL2Fault(track, next.index, next.fault, what);
      } catch (error) {
        this.deps.violations.add('soak-error', { fault: what, error: String(error) });
      }
    }
  }

  private async injectL2Fault(track: L2Track, index: number, fault: L2Fault, what: string): Promise<void> {
    const { cluster } = this.deps;
    const process = fault.kind === 'member-kill' || fault.kind === 'member-pause' ? cluster.member(fault.channel, fault.member) : cluster.watchtower;
    const isKill = fault.kind === 'member-kill' || fault.kind === 'watchtower-kill';
    this.note(track, index, what, isKill ? 'kill' : 'pause');
    if (isKill) {
      await cluster.killL2(process);
      if (fault.kind === 'member-kill') this.counts.kills.member += 1;
      else this.counts.kills.watchtower += 1;
      await sleep(fault.downMs);
      await cluster.restartL2(process);
    } else {
      process.process?.kill('SIGSTOP');
      this.counts.pauses += 1;
      await sleep(fault.kind === 'member-pause' || fault.kind === 'watchtower-pause' ? fault.pauseMs : 0);
      process.process?.kill('SIGCONT');
    }
    this.note(track, index, what, isKill ? 'restarted' : 'resumed');
    const kind: RecoveryKind = fault.kind === 'member-kill' ? 'memberKill' : fault.kind === 'member-pause' ? 'memberPause' : fault.kind === 'watchtower-kill' ? 'watchtowerKill' : 'watchtowerPause';
    if (fault.kind === 'member-kill' || fault.kind === 'member-pause') await this.awaitMemberRecovery(track, index, what, fault.channel, fault.member, kind);
    else await this.awaitWatchtowerRecovery(track, index, what, kind);
  }

  /** The member holds, within the bound, the version its peers held at the heal, and payments in its channel commit again. */
  private async awaitMemberRecovery(track: L2Track, index: number, what: string, channel: ChannelName, member: number, kind: RecoveryKind): Promise<void> {
    const { cluster, payers, violations, clock } = this.deps;
    const url = cluster.member(channel, member).url;
    const healedAt = clock();
    const target = Math.max(...this.deps.l2Observer.latestVersion[channel]);
    const acknowledgedAtHeal = payers[channel].acknowledged;
    for (;;) {
      const version = (await memberView(url))?.latest.state.version ?? -1;
      if (version >= target && payers[channel].acknowledged > acknowledgedAtHeal) break;
      if (clock() - healedAt > L2_RECOVERY_BOUND_MS) {
        const name = version >= target ? 'payments-not-resumed' : 'member-not-recovered';
        violations.add(name, { fault: what, index, channel, member, version, target, boundMs: L2_RECOVERY_BOUND_MS });
        this.note(track, index, what, `NOT recovered within ${L2_RECOVERY_BOUND_MS} ms`);
        return;
      }
      await sleep(POLL_MS);
    }
    const ms = clock() - healedAt;
    this.deps.recovery.add(kind, ms);
    this.note(track, index, what, `recovered in ${ms} ms`);
  }

  /** The watchtower holds, within the bound, each channel's version of the heal (members push every certificate). */
  private async awaitWatchtowerRecovery(track: L2Track, index: number, what: string, kind: RecoveryKind): Promise<void> {
    const { cluster, violations, clock } = this.deps;
    const healedAt = clock();
    const targets = (['star', 'chain'] as const).map((name) => ({ name, version: Math.min(...this.deps.l2Observer.latestVersion[name]) }));
    for (;;) {
      const best = await Promise.all(
        targets.map(async ({ name }) => (await watchedChannel(cluster.watchtower.url, cluster.channels[name].id))?.best?.state.version ?? -1),
      );
      if (targets.every((target, at) => best[at]! >= target.version)) break;
      if (clock() - healedAt > L2_RECOVERY_BOUND_MS) {
        violations.add('watchtower-behind', { fault: what, index, targets, best, boundMs: L2_RECOVERY_BOUND_MS });
        this.note(track, index, what, `NOT recovered within ${L2_RECOVERY_BOUND_MS} ms`);
        return;
      }
      await sleep(POLL_MS);
    }
    const ms = clock() - healedAt;
    this.deps.recovery.add(kind, ms);
    this.note(track, index, what, `recovered in ${ms} ms`);
  }
}

/** The replica groups of a partition shape, around the current primary. */
export function partitionGroups(shape: PartitionShape, primary: number): number[][] {
  const at = (offset: number) => (primary + offset) % REPLICAS;
  switch (shape) {
    case 'minority':
      return [[at(0), at(1), at(2)], [at(3)]];
    case 'primary-isolated':
      return [[at(0)], [at(1), at(2), at(3)]];
    case 'split':
      return [
        [at(0), at(1)],
        [at(2), at(3)],
      ];
  }
}
