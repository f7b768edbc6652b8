// What the member's and the watchtower's metrics share: a registry with the
// process's labels and Node's default series, the series every L2 shell has
// (inbox depth, SQLite commit time, signature checks, per channel: version,
// certified states, disputes, settlements), and the scrape. Names follow
// Prometheus' conventions: `wedge_l2_`, `_total` for counters, `_seconds`.
// The shells feed them from their loops' batches and effects; the channel
// cores know nothing of them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** SQLite commit buckets, 0.1 ms to 1 s (an fsync on a slow disk). */
export const SQLITE_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** The L1 actions that dispute a channel's state (terminate, challenge); the others pay it out (settle, close). */
const DISPUTE_ACTIONS: ReadonlySet<string> = new Set(['terminate', 'challenge']);

export function isDispute(action: string): boolean {
  return DISPUTE_ACTIONS.has(action);
}

export class L2Metrics {
  readonly registry = new Registry();
  protected readonly registers = [this.registry];
  private readonly sqliteCommit: Histogram;
  private readonly signatureChecks: Counter<'result'>;
  protected readonly certifiedStates: Counter<'channel'>;
  private readonly disputes: Counter<'channel' | 'action'>;
  private readonly settlements: Counter<'channel' | 'action'>;
  private readonly dropped: Counter<'input' | 'reason'>;

  constructor(labels: Record<string, string>, inboxEvents: () => number) {
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry });
    this.gauge('wedge_l2_inbox_events', 'Events waiting in the inbox of the step loop.', inboxEvents);
    this.sqliteCommit = new Histogram({ name: 'wedge_l2_sqlite_commit_seconds', help: 'Time to write one batch to SQLite (one transaction).', buckets: SQLITE_BUCKETS_SECONDS, registers: this.registers });
    this.signatureChecks = new Counter({ name: 'wedge_l2_signature_checks_total', help: 'Signature verifications run, by result (valid or invalid).', labelNames: ['result'], registers: this.registers });
    this.certifiedStates = new Counter({ name: 'wedge_l2_certified_states_total', help: 'Fully signed channel states (certificates) this process took, per channel.', labelNames: ['channel'], registers: this.registers });
    this.disputes = new Counter({
      name: 'wedge_l2_disputes_total',
      help: 'L1 transactions this process queued to dispute a channel (terminate, challenge), per channel and action.',
      labelNames: ['channel', 'action'],
      registers: this.registers,
    });
    this.settlements = new Counter({
      name: 'wedge_l2_settlements_total',
      help: 'L1 transactions this process queued to pay a channel out (settle, close), per channel and action.',
      labelNames: ['channel', 'action'],
      registers: this.registers,
    });
    this.dropped = new Counter({ name: 'wedge_l2_dropped_inputs_total', help: 'Inputs the channel core ignored, by input and reason.', labelNames: ['input', 'reason'], registers: this.registers });
  }

  /** A gauge whose value is read when Prometheus scrapes. */
  protected gauge(name: string, help: string, read: () => number): Gauge {
    return new Gauge({ name, help, registers: this.registers, collect() { this.set(read()); } });
  }

  /** A gauge per label value, all read when Prometheus scrapes (series of labels no longer given are removed). */
  protected labelledGauge<L extends string>(name: string, help: string, label: L, read: () => Iterable<readonly [string, number]>): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames: [label],
      registers: this.registers,
      collect() {
        this.reset();
        for (const [value, reading] of read()) this.set({ [label]: value } as Record<L, string>, reading);
      },
    });
  }

  sqliteCommitted(seconds: number): void {
    this.sqliteCommit.observe(seconds);
  }

  signatureChecked(valid: boolean): void {
    this.signatureChecks.inc({ result: valid ? 'valid' : 'invalid' });
  }

  certified(channel: string): void {
    this.certifiedStates.inc({ channel });
  }

  /** An L1 job queued (a resubmission of one already waiting is not counted). */
  l1ActionQueued(channel: string, action: string): void {
    if (isDispute(action)) this.disputes.inc({ channel, action });
    else this.settlements.inc({ channel, action });
  }

  inputDropped(input: string, reason: string): void {
    this.dropped.inc({ input, reason });
  }

  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
