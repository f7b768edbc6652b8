// Polls the network in the background and keeps the latest snapshot, which
// GET /api/state serves as it is. One loop, whatever the number of open pages:
// the replicas and members see one reader, the rate meter sees evenly spaced
// observations, and a poll never overlaps the previous one. Every request in a
// poll has a short timeout, so a poll is bounded even when services are down.
import { genesisHash } from '@wedge/api';
import type { WedgeClient } from '@wedge/client';
import { countDown, readChannel } from './channel-views.ts';
import type { DashboardConfig } from './config.ts';
import { RateMeter } from './rate-meter.ts';
import { RecentBlocks } from './recent-blocks.ts';
import { readReplicas } from './replica-views.ts';
import type { Snapshot } from './snapshot.ts';

export const DEFAULT_POLL_MS = 500;

export class NetworkPoller {
  private readonly blocks = new RecentBlocks();
  private readonly rate = new RateMeter();
  private latest: Snapshot;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly config: DashboardConfig,
    private readonly client: WedgeClient,
    private readonly pollMs = DEFAULT_POLL_MS,
    private readonly now: () => number = Date.now,
  ) {
    // Until the first poll ends, the page shows the configured network with nothing known about it.
    this.latest = {
      chainId: config.genesis.chainId,
      genesisHash: genesisHash(config.genesis),
      f: Math.floor((config.genesis.replicas.length - 1) / 3),
      updatedAtMs: 0,
      pollMs,
      l1Height: null,
      replicas: [],
      blocks: [],
      channels: [],
      rate: this.rate.view(now()),
    };
  }

  get snapshot(): Snapshot {
    return this.latest;
  }

  start(): void {
    const loop = async () => {
      const startedMs = this.now();
      await this.pollOnce();
      if (this.stopped) return;
      this.timer = setTimeout(loop, Math.max(0, this.pollMs - (this.now() - startedMs)));
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  async pollOnce(): Promise<Snapshot> {
    const { config, client } = this;
    // Channels first, then heights, then blocks: each step sees at least what the one before it did, so the
    // page never shows a channel state from a block that is missing from its list of blocks.
    const read = await Promise.all(config.channels.map((channel) => readChannel(client, channel)));
    const { replicas, maxHeight } = await readReplicas(client, config.replicas, config.genesis.replicas.length);
    if (maxHeight !== null) await this.blocks.catchUp(client, maxHeight);
    const channels = read.map((channel) => countDown(channel, maxHeight));
    const nowMs = this.now();
    for (const channel of channels) if (channel.version !== null) this.rate.observe(channel.id, channel.version, nowMs);
    this.latest = {
      ...this.latest,
      updatedAtMs: nowMs,
      l1Height: maxHeight,
      replicas,
      blocks: [...this.blocks.list],
      channels,
      rate: this.rate.view(nowMs),
    };
    return this.latest;
  }
}
