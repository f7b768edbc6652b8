// Counts certified channel versions per second over the last minute, for the
// page's rate chart. Members do not report how many payments a certificate
// carries, so the meter counts certificates: with batching one certificate
// holds one or more payments, which makes this a lower bound on payments/s.
// Time is passed in (no clock here), so the meter is a plain value to test.
import type { RateView } from './snapshot.ts';

export const RATE_WINDOW_SECONDS = 60;
/** "Current" rate: the mean of this many last complete seconds. */
const CURRENT_SECONDS = 3;

export class RateMeter {
  /** Per channel, the highest version seen. */
  private readonly versions = new Map<string, number>();
  /** Count per epoch second, for the window only. */
  private readonly counts = new Map<number, number>();

  /** Records that `channelId` stands at `version` at `nowMs`; increases since the last observation are counted. */
  observe(channelId: string, version: number, nowMs: number): void {
    const previous = this.versions.get(channelId);
    if (previous !== undefined && version > previous) {
      const second = Math.floor(nowMs / 1000);
      this.counts.set(second, (this.counts.get(second) ?? 0) + (version - previous));
    }
    if (previous === undefined || version > previous) this.versions.set(channelId, version);
    this.forget(nowMs);
  }

  private forget(nowMs: number): void {
    const oldest = Math.floor(nowMs / 1000) - RATE_WINDOW_SECONDS;
    for (const second of this.counts.keys()) if (second < oldest) this.counts.delete(second);
  }

  view(nowMs: number): RateView {
    const now = Math.floor(nowMs / 1000);
    // The running second is incomplete: the chart ends at the last complete one.
    const perSecond = Array.from({ length: RATE_WINDOW_SECONDS }, (_, index) => this.counts.get(now - RATE_WINDOW_SECONDS + index) ?? 0);
    const recent = perSecond.slice(-CURRENT_SECONDS);
    return { unit: 'certified updates', perSecond, current: recent.reduce((sum, count) => sum + count, 0) / CURRENT_SECONDS };
  }
}
