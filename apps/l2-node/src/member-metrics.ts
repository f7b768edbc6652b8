// The channel member's Prometheus metrics (GET /metrics): the series every
// L2 shell has (l2-metrics.ts) and the member's own — its channel's version
// and what it signed, payments certified and refused, wedges, the payment
// latency, pending payments and its peers' reachability.
import { Counter, Histogram } from 'prom-client';
import type { PeerReachability } from '@wedge/shell';
import { L2Metrics } from './l2-metrics.ts';

export type MemberGauges = {
  readonly inboxEvents: () => number;
  readonly version: () => number;
  readonly signedVersion: () => number;
  readonly wedged: () => boolean;
  readonly pendingPayments: () => number;
  /** The last L1 height this member's view of its channel came from (0 before the first). */
  readonly l1Height: () => number;
  readonly peers: () => readonly PeerReachability[];
};

/** Payment latency buckets, 5 ms to 30 s (the progress timeout wedges a channel that stalls longer). */
const PAYMENT_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class MemberMetrics extends L2Metrics {
  private readonly payments: Counter<'channel'>;
  private readonly rejected: Counter<'channel' | 'code'>;
  private readonly wedges: Counter<'channel' | 'reason'>;
  private readonly paymentLatency: Histogram<'channel'>;

  constructor(
    readonly labels: { readonly member: number; readonly channel: string },
    gauges: MemberGauges,
  ) {
    super({ role: 'member', member: String(labels.member) }, gauges.inboxEvents);
    const { channel } = labels;
    const perChannel = (read: () => number) => () => [[channel, read()] as const];
    this.labelledGauge('wedge_l2_channel_version', 'Version of the latest certified state this member holds.', 'channel', perChannel(gauges.version));
    this.labelledGauge('wedge_l2_channel_signed_version', 'The highest version this member ever signed.', 'channel', perChannel(gauges.signedVersion));
    this.labelledGauge('wedge_l2_channel_wedged', '1 once this member wedged the channel (it signs nothing new), else 0.', 'channel', perChannel(() => (gauges.wedged() ? 1 : 0)));
    this.labelledGauge('wedge_l2_pending_payments', 'Payments waiting here to be certified.', 'channel', perChannel(gauges.pendingPayments));
    this.gauge('wedge_l2_l1_height', 'The L1 height of the last channel view this member read.', gauges.l1Height);
    this.labelledGauge('wedge_l2_peer_reachable', '1 when the last exchange with the peer member succeeded, else 0.', 'peer', () =>
      gauges.peers().map((peer) => [String(peer.id), peer.reachable ? 1 : 0] as const),
    );
    const registers = this.registers;
    this.payments = new Counter({ name: 'wedge_l2_payments_certified_total', help: 'Payments committed by a certificate, per channel.', labelNames: ['channel'], registers });
    this.rejected = new Counter({ name: 'wedge_l2_payments_rejected_total', help: 'Payments refused, per channel and code.', labelNames: ['channel', 'code'], registers });
    this.wedges = new Counter({ name: 'wedge_l2_wedges_total', help: 'Times this member wedged the channel, per channel and reason.', labelNames: ['channel', 'reason'], registers });
    this.paymentLatency = new Histogram({
      name: 'wedge_l2_payment_latency_seconds',
      help: 'Time from a client submitting a payment here to its answer (a certificate, or a refusal).',
      labelNames: ['channel'],
      buckets: PAYMENT_BUCKETS_SECONDS,
      registers,
    });
  }

  paymentsCertified(count: number): void {
    this.certified(this.labels.channel);
    if (count > 0) this.payments.inc({ channel: this.labels.channel }, count);
  }

  paymentRejected(code: string): void {
    this.rejected.inc({ channel: this.labels.channel, code });
  }

  wedged(reason: string): void {
    this.wedges.inc({ channel: this.labels.channel, reason });
  }

  paymentAnswered(seconds: number): void {
    this.paymentLatency.observe({ channel: this.labels.channel }, seconds);
  }
}
