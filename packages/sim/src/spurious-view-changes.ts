// Counts spurious view changes: the network left a view whose primary was
// honest, up and connected — it had no crash, restart, partition or heal
// from GRACE_MS before the view began until the network left it. Faster
// failover timers must not buy their speed with these (issue 15): a view
// change should follow a primary's fault, not a slow moment. Counted once
// per view the network leaves, when an honest replica first enters a
// higher view (that is when the view change succeeded).

/** A primary that had a fault this shortly before its view began may still be catching up: not counted. */
export const GRACE_MS = 2_000;

export type PrimaryHealth = {
  /** Honest, running, and not cut off by a partition now. */
  readonly healthyNow: boolean;
};

export class SpuriousViewChanges {
  /** Views the network left while their primary was fine. */
  readonly views: number[] = [];
  private highestEntered = 0;
  private enteredAtMs = 0;
  private readonly lastFaultMs = new Map<number, number>();

  /** `replica` crashed, restarted, or was cut off or reconnected at `nowMs`. */
  noteFault(replica: number, nowMs: number): void {
    this.lastFaultMs.set(replica, nowMs);
  }

  /**
   * An honest replica entered `view` at `nowMs`; `primaryOf` and `health`
   * describe the primary of the view the network is leaving.
   */
  noteViewEntered(view: number, nowMs: number, primaryOf: (view: number) => number, health: (replica: number) => PrimaryHealth): void {
    if (view <= this.highestEntered) return;
    const left = this.highestEntered;
    const primary = primaryOf(left);
    const lastFault = this.lastFaultMs.get(primary);
    const faultFree = lastFault === undefined || lastFault < this.enteredAtMs - GRACE_MS;
    if (health(primary).healthyNow && faultFree) this.views.push(left);
    this.highestEntered = view;
    this.enteredAtMs = nowMs;
  }

  get count(): number {
    return this.views.length;
  }
}
