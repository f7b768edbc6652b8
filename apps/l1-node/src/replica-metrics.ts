// The replica's Prometheus metrics (GET /metrics): what an operator graphs
// and alerts on. Everything here is fed by the shell — the effects the loop
// performs, the batches it persists, the signature checks its scheme runs —
// or read from the replica's state when Prometheus scrapes; the consensus
// core knows nothing of it. Names follow Prometheus' conventions: a
// `wedge_l1_` prefix, `_total` for counters, base units (`_seconds`).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { deleteOldest } from '@wedge/common';
import type { PeerReachability } from '@wedge/shell';

/** What the scrape-time gauges read from the running replica. */
export type ReplicaGauges = {
  readonly height: () => number;
  readonly view: () => number;
  readonly viewChanging: () => boolean;
  readonly stableCheckpoint: () => number;
  readonly mempoolTxs: () => number;
  readonly inboxEvents: () => number;
  readonly peers: () => readonly PeerReachability[];
};

/** Requests whose admission time is remembered for the commit latency, at most (the oldest are forgotten first). */
const MAX_TIMED_REQUESTS = 100_000;

/** Commit latency buckets, 5 ms to 20 s: a healthy local group commits in tens of milliseconds, a view change takes seconds. */
const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
/** SQLite commit buckets, 0.1 ms to 1 s (an fsync on a slow disk). */
const SQLITE_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export class ReplicaMetrics {
  readonly registry = new Registry();
  private readonly admittedAtMs = new Map<string, number>();
  private readonly viewChanges: Counter;
  private readonly blocks: Counter;
  private readonly txs: Counter<'result'>;
  private readonly rejected: Counter<'code'>;
  private readonly checkpoints: Counter;
  private readonly stateTransfers: Counter;
  private readonly signatureChecks: Counter<'result'>;
  private readonly dropped: Counter<'input' | 'reason'>;
  private readonly commitLatency: Histogram;
  private readonly sqliteCommit: Histogram;

  constructor(labels: { readonly replica: number; readonly chainId: string }, gauges: ReplicaGauges) {
    this.registry.setDefaultLabels({ replica: String(labels.replica), chain_id: labels.chainId });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
    gauge('wedge_l1_height', 'Height of the last block this replica executed.', gauges.height);
    gauge('wedge_l1_view', 'The view this replica is in.', gauges.view);
    gauge('wedge_l1_view_changing', '1 while this replica is changing view (not in normal operation), else 0.', () => (gauges.viewChanging() ? 1 : 0));
    gauge('wedge_l1_stable_checkpoint', 'Sequence number of the last stable checkpoint.', gauges.stableCheckpoint);
    gauge('wedge_l1_mempool_txs', 'Transactions waiting in the mempool.', gauges.mempoolTxs);
    gauge('wedge_l1_inbox_events', 'Events waiting in the inbox of the step loop.', gauges.inboxEvents);
    new Gauge({
      name: 'wedge_l1_peer_reachable',
      help: '1 when the last exchange with the peer replica succeeded, else 0.',
      labelNames: ['peer'],
      registers,
      collect() {
        for (const peer of gauges.peers()) this.set({ peer: String(peer.id) }, peer.reachable ? 1 : 0);
      },
    });
    this.viewChanges = new Counter({ name: 'wedge_l1_view_changes_total', help: 'New views this replica entered (completed view changes).', registers });
    this.blocks = new Counter({ name: 'wedge_l1_blocks_committed_total', help: 'Blocks this replica executed.', registers });
    this.txs = new Counter({ name: 'wedge_l1_txs_committed_total', help: 'Transactions in executed blocks, by result (ok or rejected by the ledger).', labelNames: ['result'], registers });
    this.rejected = new Counter({ name: 'wedge_l1_requests_rejected_total', help: 'Client requests refused by the core before ordering, by code.', labelNames: ['code'], registers });
    this.checkpoints = new Counter({ name: 'wedge_l1_checkpoints_stable_total', help: 'Checkpoints that became stable here.', registers });
    this.stateTransfers = new Counter({ name: 'wedge_l1_state_transfers_total', help: 'Snapshots of peers this replica installed to catch up.', registers });
    this.signatureChecks = new Counter({ name: 'wedge_l1_signature_checks_total', help: 'Signature verifications run, by result (valid or invalid).', labelNames: ['result'], registers });
    this.dropped = new Counter({ name: 'wedge_l1_dropped_inputs_total', help: 'Inputs the consensus core ignored, by input and reason.', labelNames: ['input', 'reason'], registers });
    this.commitLatency = new Histogram({
      name: 'wedge_l1_commit_latency_seconds',
      help: 'Time from a client request entering this replica to the block that holds it executing here.',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.sqliteCommit = new Histogram({ name: 'wedge_l1_sqlite_commit_seconds', help: 'Time to write one batch to SQLite (one transaction).', buckets: SQLITE_BUCKETS_SECONDS, registers });
  }

  /** A client request entered the inbox (its hash starts the latency clock; a resubmission keeps the first time). */
  admitted(hash: string, nowMs: number): void {
    if (this.admittedAtMs.has(hash)) return;
    if (this.admittedAtMs.size >= MAX_TIMED_REQUESTS) deleteOldest(this.admittedAtMs);
    this.admittedAtMs.set(hash, nowMs);
  }

  /** A block executed here, with its transactions' results (which carry their hashes). */
  committed(results: readonly { readonly hash: string; readonly code: string }[], nowMs: number): void {
    this.blocks.inc();
    let ok = 0;
    for (const result of results) if (result.code === 'OK') ok += 1;
    if (ok > 0) this.txs.inc({ result: 'ok' }, ok);
    if (results.length > ok) this.txs.inc({ result: 'rejected' }, results.length - ok);
    for (const { hash } of results) {
      const admittedAtMs = this.admittedAtMs.get(hash);
      if (admittedAtMs === undefined) continue;
      this.admittedAtMs.delete(hash);
      this.commitLatency.observe((nowMs - admittedAtMs) / 1000);
    }
  }

  requestRejected(hash: string, code: string): void {
    this.admittedAtMs.delete(hash);
    this.rejected.inc({ code });
  }

  viewEntered(): void {
    this.viewChanges.inc();
  }

  checkpointStable(): void {
    this.checkpoints.inc();
  }

  stateInstalled(): void {
    this.stateTransfers.inc();
  }

  signatureChecked(valid: boolean): void {
    this.signatureChecks.inc({ result: valid ? 'valid' : 'invalid' });
  }

  inputDropped(input: string, reason: string): void {
    this.dropped.inc({ input, reason });
  }

  sqliteCommitted(seconds: number): void {
    this.sqliteCommit.observe(seconds);
  }

  /** The text Prometheus scrapes, and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
