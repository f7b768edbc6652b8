// The soak's result in the shape issue 14 gives, plus the details a reader
// of a failing run needs: the seed, the fault log, and the numbers behind
// the headline counts.
import type { FaultCounts, FaultLogEntry } from './nemesis.ts';
import type { RecoveryKind, Summary } from './recovery-stats.ts';
import type { ViewChange } from './l1-observer.ts';
import type { ResourceSummary } from './resources.ts';
import type { Violation } from './violations.ts';

/** The keys issue 14 gives come first, in its order; what follows them adds to it. */
export type SoakReport = {
  minutes: number;
  seed: number;
  kills: FaultCounts['kills'];
  pauses: number;
  partitions: number;
  committedTxs: number;
  payments: number;
  recoveryMs: Partial<Record<RecoveryKind, Pick<Summary, 'p50' | 'max' | 'count'>>>;
  rssMbMax: { replica: number; member: number; watchtower: number };
  violations: Violation[];
  /** A run without faults (--steady): the load alone. */
  steady: boolean;
  /** Each process's memory and disk from two minutes into the load on. */
  resources: ResourceSummary;
  /** Without the network lab (--lab) no partitions are injected; this says which it was. */
  partitionsEnabled: boolean;
  noQuorumWindows: number;
  viewChanges: number;
  /** View changes seen while no replica fault was active or being recovered from (target 0). */
  spuriousViewChanges: number;
  details: {
    finalHeight: number;
    finalTxsChecked: number;
    l1Retries: number;
    paymentsUnknownResolved: number;
    paymentOutcomes: Record<string, number>;
    spurious: ViewChange[];
    durationMs: number;
    /** Where every process's output was written, when the run found a violation. */
    logDir: string | null;
  };
  faultLog: FaultLogEntry[];
};

/** The report as text for a terminal: the headline numbers, and on failure the seed, the violations and the fault log. */
export function formatReport(report: SoakReport): string {
  const lines = [
    `soak: ${report.minutes} min, seed ${report.seed}, partitions ${report.partitionsEnabled ? 'on (lab)' : 'off (no --lab)'}`,
    `kills: replica ${report.kills.replica} (primary ${report.kills.primary}), member ${report.kills.member}, watchtower ${report.kills.watchtower}; pauses ${report.pauses}; partitions ${report.partitions}; no-quorum windows ${report.noQuorumWindows}`,
    `committed L1 txs ${report.committedTxs}, acknowledged payments ${report.payments}, final height ${report.details.finalHeight}`,
    `view changes ${report.viewChanges}, spurious ${report.spuriousViewChanges}`,
    `recovery ms: ${Object.entries(report.recoveryMs).map(([kind, summary]) => `${kind} p50 ${summary!.p50} max ${summary!.max} (n=${summary!.count})`).join('; ')}`,
    `RSS max MB: replica ${report.rssMbMax.replica}, member ${report.rssMbMax.member}, watchtower ${report.rssMbMax.watchtower}`,
    ...resourceLines(report.resources),
  ];
  if (report.violations.length === 0) lines.push('violations: none');
  else {
    lines.push(`VIOLATIONS (${report.violations.length}) — replay with --seed ${report.seed}:`);
    for (const violation of report.violations) lines.push(`  ${violation.name} at ${violation.atMs} ms: ${JSON.stringify(violation.details)}`);
    if (report.details.logDir !== null) lines.push(`process logs: ${report.details.logDir}`);
    lines.push('fault log:');
    for (const entry of report.faultLog) lines.push(`  ${entry.atMs} ms [${entry.track} #${entry.index}] ${entry.what}: ${entry.event}${entry.replicas ? ` (${entry.replicas.join(',')})` : ''}`);
  }
  return lines.join('\n');
}

/** One line per process: RSS at the baseline, its largest after, the ratio, and disk then and at the end. */
function resourceLines(resources: ResourceSummary): string[] {
  const entries = Object.entries(resources.processes).filter(([, process]) => process.baselineRssMb !== null);
  if (entries.length === 0) return [`resources: the run ended before the baseline (${resources.baselineAtMs / 1000} s into the load)`];
  return [
    `from ${resources.baselineAtMs / 1000} s into the load (RSS MB baseline -> max after, ratio; V8 heap used MB baseline -> max after -> end; disk MB baseline -> end):`,
    ...entries.map(
      ([name, process]) =>
        `  ${name}: ${process.baselineRssMb} -> ${process.maxRssMbAfterBaseline} (x${process.rssRatio}); heap ${process.baselineHeapUsedMb} -> ${process.maxHeapUsedMbAfterBaseline} -> ${process.lastHeapUsedMb}; disk ${process.baselineDiskMb} -> ${process.lastDiskMb}`,
    ),
  ];
}
