// Follows channels on L1 by polling verified views (l1-reader.ts) and hands
// each changed view to the shell as an `l1` event. A verified view costs two
// requests to every replica, so each poll first asks one replica (in turn)
// for its height, and reads a channel again only when that height is above
// the height of the channel's last view — nothing about a channel changes
// without a new block — or every few polls anyway, so that a replica that
// hides new blocks delays us by one turn at most. One poll runs at a time; a
// closed channel is read rarely (nothing more can happen to it).
import type { L1ChannelView } from '@wedge/channel';
import type { ChannelRecord } from '@wedge/ledger';
import type { L1Reader } from './l1-reader.ts';

/** Every this many polls the channels are read even if the height seemed unchanged. */
const FULL_READ_EVERY = 10;
const CLOSED_POLL_FACTOR = 10;

export type L1FollowerOptions = {
  readonly reader: L1Reader;
  readonly pollMs: number;
  /** The channels to follow now. */
  readonly channelIds: () => readonly string[];
  readonly onView: (channelId: string, view: L1ChannelView, record: ChannelRecord) => void;
};

function sameView(a: L1ChannelView | undefined, b: L1ChannelView): boolean {
  return a !== undefined && a.status === b.status && a.recordedVersion === b.recordedVersion && a.deadline === b.deadline && a.height === b.height;
}

export class L1Follower {
  private readonly last = new Map<string, L1ChannelView>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private round = 0;

  constructor(private readonly options: L1FollowerOptions) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  lastView(channelId: string): L1ChannelView | null {
    return this.last.get(channelId) ?? null;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    this.round += 1;
    const height = await this.options.reader.peekHeight();
    const full = this.round % FULL_READ_EVERY === 0;
    const ids = this.options.channelIds().filter((id) => {
      const last = this.last.get(id);
      if (last === undefined) return true;
      if (last.status === 'closed') return this.round % (FULL_READ_EVERY * CLOSED_POLL_FACTOR) === 0;
      // Some replica is past the height of our view (or did not answer): the channel may have changed.
      return full || height === null || height > last.height;
    });
    await Promise.all(
      ids.map(async (channelId) => {
        const verified = await this.options.reader.channel(channelId);
        if (verified === null || this.stopped) return;
        const last = this.last.get(channelId);
        // A view from lagging replicas (when the newer ones did not answer) would step back in time: skip it.
        if (sameView(last, verified.view) || (last !== undefined && verified.view.height < last.height)) return;
        this.last.set(channelId, verified.view);
        this.options.onView(channelId, verified.view, verified.record);
      }),
    );
    this.schedule(this.options.pollMs);
  }
}
