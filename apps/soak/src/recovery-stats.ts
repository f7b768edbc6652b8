// Recovery times per fault kind, summarised as median and maximum.

export type RecoveryKind =
  /** kill -9 of the primary -> the first block committed in a higher view (failover, measured at a survivor). */
  | 'primaryKill'
  /** Restart of a killed replica -> it is in the quorum's view, normal, caught up, and commits go on. */
  | 'replicaKill'
  | 'replicaPause'
  /** End of a no-quorum window -> commits resume and both replicas are back. */
  | 'noQuorum'
  | 'partition'
  /** Restart of a killed member -> it holds the version its peers had at the restart. */
  | 'memberKill'
  | 'memberPause'
  /** Restart of the watchtower -> it holds each channel's version of the restart. */
  | 'watchtowerKill'
  | 'watchtowerPause';

export type Summary = { p50: number; max: number; count: number };

export class RecoveryStats {
  private readonly samples = new Map<RecoveryKind, number[]>();

  add(kind: RecoveryKind, ms: number): void {
    let list = this.samples.get(kind);
    if (list === undefined) this.samples.set(kind, (list = []));
    list.push(Math.round(ms));
  }

  /** Every kind with at least one sample, as { p50, max, count }; kinds in a fixed order. */
  summary(): Partial<Record<RecoveryKind, Summary>> {
    const out: Partial<Record<RecoveryKind, Summary>> = {};
    for (const [kind, list] of [...this.samples].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...list].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      const p50 = sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
      out[kind] = { p50, max: sorted.at(-1)!, count: sorted.length };
    }
    return out;
  }
}
