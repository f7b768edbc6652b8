// The soak's findings: each broken property is a named violation with the
// details needed to look into it. Violations are collected, never thrown, so
// that one run reports everything it saw and still stops every process.

export type ViolationName =
  | 'final-tx-not-committed'
  | 'block-digest-mismatch'
  | 'state-root-mismatch'
  | 'conservation'
  | 'acknowledged-payment-missing'
  | 'l2-conservation'
  | 'conflicting-certificates'
  | 'settlement-mismatch'
  | 'commits-not-resumed'
  | 'replica-not-recovered'
  | 'payments-not-resumed'
  | 'member-not-recovered'
  | 'watchtower-behind'
  | 'channel-wedged'
  | 'executed-tx-pending'
  | 'process-crashed'
  | 'soak-error';

export type Violation = {
  readonly name: ViolationName;
  /** Milliseconds since the soak started. */
  readonly atMs: number;
  readonly details: Record<string, unknown>;
};

/** How many violations of one name are kept with details; the rest are counted only, so a systematic failure cannot fill memory. */
export const MAX_DETAILED_PER_NAME = 20;

export class Violations {
  private readonly kept: Violation[] = [];
  private readonly counts = new Map<ViolationName, number>();

  constructor(private readonly clock: () => number) {}

  add(name: ViolationName, details: Record<string, unknown>): void {
    const count = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, count);
    if (count <= MAX_DETAILED_PER_NAME) this.kept.push({ name, atMs: this.clock(), details });
  }

  get size(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  /** The kept violations, and one summary entry per name with more than were kept. */
  list(): Violation[] {
    const dropped = [...this.counts].filter(([, count]) => count > MAX_DETAILED_PER_NAME);
    return [
      ...this.kept,
      ...dropped.map(([name, count]) => ({ name, atMs: this.clock(), details: { moreNotShown: count - MAX_DETAILED_PER_NAME } })),
    ];
  }
}
