// One soak run: start the cluster, run the load, the nemesis and the live
// checks for the given minutes, stop the faults and the load, run the final
// checks, and stop every process — also when something fails on the way.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Prng } from '@wedge/sim';
import { Cluster, rssMb, type ProcessKind } from './cluster.ts';
import { runFinalChecks } from './final-checks.ts';
import { TransferSender } from './l1-load.ts';
import { L1Observer } from './l1-observer.ts';
import { ChannelPayers } from './l2-load.ts';
import { L2Observer } from './l2-observer.ts';
import { Nemesis, type PartitionDriver } from './nemesis.ts';
import { RecoveryStats } from './recovery-stats.ts';
import { ResourceTracker, dataDirOf, directoryBytes, heapUsedMb } from './resources.ts';
import type { SoakReport } from './report.ts';
import { FaultSchedule } from './schedule.ts';
import { Violations } from './violations.ts';

export type SoakOptions = {
  minutes: number;
  seed: number;
  /** Runs the replicas in the network lab, with partitions among the faults. */
  lab: boolean;
  /** No faults: the load alone, to see memory and disk level off. */
  steady: boolean;
  /** Progress lines for a person watching (stderr); none when null. */
  progress: ((line: string) => void) | null;
};

const RSS_SAMPLE_MS = 2_000;
/** Disk and heap are read every this many RSS samples (walking the data directories and scraping /metrics cost more). */
const DISK_EVERY_SAMPLES = 5;
/** Memory and disk are compared with their values this long after the load started (warm-up before). */
const BASELINE_MS = 120_000;
const STOP_BOUND_MS = 120_000;

/** Runs a soak; a string says why it could not start (the lab asked for where it cannot run). */
export async function runSoak(options: SoakOptions): Promise<SoakReport | string> {
  const startedAt = Date.now();
  const clock = () => Date.now() - startedAt;
  const violations = new Violations(clock);
  const recovery = new RecoveryStats();
  const schedule = new FaultSchedule(options.seed, options.lab);
  const progress = options.progress ?? (() => {});
  progress(`soak: seed ${options.seed}, ${options.minutes} min; starting 4 replicas${options.lab ? ' in the network lab' : ''}, 5 members and a watchtower`);
  const cluster = await Cluster.start(options.lab);
  if (typeof cluster === 'string') return cluster;
  const partitions: PartitionDriver | null = cluster.l1.partitions === null ? null : labPartitionDriver(cluster.l1.partitions);
  const rssMax: Record<ProcessKind, number> = { replica: 0, member: 0, watchtower: 0 };
  let nemesis: Nemesis | null = null;
  let observer: L1Observer | null = null;
  let l2Observer: L2Observer | null = null;
  const senders = cluster.senders.from.map((from) => new TransferSender(cluster.client, from, cluster.senders.to.address, clock));
  const loadRng = new Prng(options.seed ^ 0x5a5a5a5a);
  const payers = { star: new ChannelPayers('star', cluster.channels.star, loadRng.fork()), chain: new ChannelPayers('chain', cluster.channels.chain, loadRng.fork()) };
  let finalHeight = 0;
  let unknownResolved = 0;
  let sampling = true;
  let logDir: string | null = null;
  let loadStartedAt: number | null = null;
  const resources = new ResourceTracker(BASELINE_MS);
  const sampler = (async () => {
    for (let round = 0; sampling; round++) {
      const withDisk = round % DISK_EVERY_SAMPLES === 0;
      const samples = await Promise.all(
        cluster.processes().map(async ({ kind, name, pid, url }) => {
          const mb = rssMb(pid);
          if (mb !== null) rssMax[kind] = Math.max(rssMax[kind], mb);
          const dir = withDisk ? dataDirOf(pid) : null;
          return { kind, name, rssMb: mb, diskBytes: dir === null ? null : directoryBytes(dir), heapUsedMb: withDisk ? await heapUsedMb(url) : null };
        }),
      );
      if (loadStartedAt !== null) resources.add(Date.now() - loadStartedAt, samples);
      await sleep(RSS_SAMPLE_MS);
    }
  })();
  try {
    observer = new L1Observer(cluster, violations, clock, () => nemesis?.replicaFaultActive ?? false);
    l2Observer = new L2Observer(cluster, violations);
    nemesis = new Nemesis({ cluster, schedule, observer, l2Observer, senders, payers, violations, recovery, partitions, clock });
    observer.start();
    l2Observer.start();
    for (const sender of senders) sender.start();
    payers.star.start();
    payers.chain.start();
    loadStartedAt = Date.now();
    if (!options.steady) nemesis.start();
    // The minutes count from here: starting the processes and opening the channels is not soak time.
    const endAt = Date.now() + options.minutes * 60_000;
    while (Date.now() < endAt) {
      await sleep(Math.min(10_000, Math.max(0, endAt - Date.now())));
      progress(`  ${Math.round(clock() / 1000)} s: height ${observer.topHeight}, kills ${JSON.stringify(nemesis.counts.kills)}, pauses ${nemesis.counts.pauses}, violations ${violations.size}`);
    }
    progress('soak: stopping the nemesis, then the load');
    await bounded(nemesis.stop(), 'the nemesis to finish its last faults', violations);
    await bounded(Promise.all([...senders.map((sender) => sender.stop()), payers.star.stop(), payers.chain.stop()]), 'the load to stop', violations);
    progress('soak: final checks');
    // The final checks close the channels: from here on members are asked directly, not polled.
    await l2Observer.stop();
    const facts = await runFinalChecks({ cluster, observer, l2Observer, senders, payers, violations });
    finalHeight = facts.height;
    unknownResolved = facts.unknownPaymentsResolved;
  } catch (error) {
    violations.add('soak-error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  } finally {
    sampling = false;
    await sampler;
    await Promise.allSettled([observer?.stop(), l2Observer?.stop()]);
    for (const crash of cluster.crashes) violations.add('process-crashed', { ...crash });
    if (violations.size > 0) {
      logDir = join(tmpdir(), `wedge-soak-${options.seed}-${startedAt}`);
      cluster.dumpLogs(logDir);
    }
    await cluster.destroy();
  }
  const viewChanges = observer?.viewChanges ?? [];
  const spurious = viewChanges.filter((change) => !change.faultActive);
  const outcomes: Record<string, number> = {};
  for (const record of [...payers.star.records, ...payers.chain.records]) outcomes[record.outcome] = (outcomes[record.outcome] ?? 0) + 1;
  const counts = nemesis?.counts ?? { kills: { replica: 0, primary: 0, member: 0, watchtower: 0 }, pauses: 0, partitions: 0, noQuorumWindows: 0 };
  const finalTxs = senders.reduce((sum, sender) => sum + sender.final.length, 0);
  return {
    minutes: options.minutes,
    seed: options.seed,
    kills: counts.kills,
    pauses: counts.pauses,
    partitions: counts.partitions,
    committedTxs: observer?.committed.size ?? 0,
    payments: payers.star.acknowledged + payers.chain.acknowledged,
    recoveryMs: recovery.summary(),
    rssMbMax: { replica: Math.round(rssMax.replica), member: Math.round(rssMax.member), watchtower: Math.round(rssMax.watchtower) },
    steady: options.steady,
    resources: resources.summary(),
    violations: violations.list(),
    partitionsEnabled: partitions !== null,
    noQuorumWindows: counts.noQuorumWindows,
    viewChanges: viewChanges.length,
    spuriousViewChanges: spurious.length,
    details: {
      finalHeight,
      finalTxsChecked: finalTxs,
      l1Retries: senders.reduce((sum, sender) => sum + sender.retries, 0),
      paymentsUnknownResolved: unknownResolved,
      paymentOutcomes: outcomes,
      spurious,
      durationMs: clock(),
      logDir,
    },
    faultLog: nemesis?.log ?? [],
  };
}

async function bounded(work: Promise<unknown>, what: string, violations: Violations): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_BOUND_MS)));
  const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') violations.add('soak-error', { what: `waited ${STOP_BOUND_MS} ms for ${what}` });
}

/** The lab's cuts as the nemesis' driver. */
function labPartitionDriver(cuts: NonNullable<Cluster['l1']['partitions']>): PartitionDriver {
  return {
    partition: async (groups) => cuts.partition(groups),
    heal: async () => cuts.heal(),
  };
}
