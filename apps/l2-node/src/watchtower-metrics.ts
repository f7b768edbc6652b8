// The watchtower's Prometheus metrics (GET /metrics): the series every L2
// shell has (l2-metrics.ts) and, per watched channel, the version of the best
// certificate it holds and whether L1 closed it; pushes it refused, by code.
import { Counter } from 'prom-client';
import type { WatchedChannel } from '@wedge/channel';
import { L2Metrics } from './l2-metrics.ts';

export class WatchtowerMetrics extends L2Metrics {
  private readonly rejected: Counter<'code'>;

  constructor(inboxEvents: () => number, channels: () => ReadonlyMap<string, WatchedChannel>) {
    super({ role: 'watchtower' }, inboxEvents);
    this.gauge('wedge_l2_watched_channels', 'Channels this watchtower watches.', () => channels().size);
    this.labelledGauge('wedge_l2_channel_version', 'Version of the best certificate held for the channel (0 before the first push).', 'channel', () =>
      [...channels()].map(([id, channel]) => [id, channel.best?.state.version ?? 0] as const),
    );
    this.labelledGauge('wedge_l2_channel_closed', '1 once L1 closed the channel, else 0.', 'channel', () => [...channels()].map(([id, channel]) => [id, channel.closed ? 1 : 0] as const));
    this.rejected = new Counter({ name: 'wedge_l2_pushes_rejected_total', help: 'Certificates pushed here and refused, by code.', labelNames: ['code'], registers: this.registers });
  }

  pushRejected(code: string): void {
    this.rejected.inc({ code });
  }
}
