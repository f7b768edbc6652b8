// Requests waiting for a block to be executed (GET /v1/blocks/:height/results
// ?waitMs=N): a follower of the chain asks for the next block once and is
// answered when it commits, instead of polling the replica's status. Each
// waiter ends exactly once — ready, timed out or cancelled — and the number
// waiting at a time is bounded.

type Waiter = { readonly height: number; readonly timer: NodeJS.Timeout; readonly ready: () => void };

export class CommitWaiters {
  private readonly waiting = new Set<Waiter>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.waiting.size;
  }

  /**
   * Calls `ready` once a block at `height` or above has executed (see
   * `executed`), or `timedOut` after `waitMs`. Returns a cancel function, or
   * null — and calls neither — when `limit` requests wait already.
   */
  wait(height: number, waitMs: number, ready: () => void, timedOut: () => void): (() => void) | null {
    if (this.waiting.size >= this.limit) return null;
    const waiter: Waiter = {
      height,
      ready,
      timer: setTimeout(() => {
        if (this.waiting.delete(waiter)) timedOut();
      }, waitMs),
    };
    waiter.timer.unref();
    this.waiting.add(waiter);
    return () => {
      if (this.waiting.delete(waiter)) clearTimeout(waiter.timer);
    };
  }

  /** The replica executed every block up to `height`: answers whoever waits for one of them. */
  executed(height: number): void {
    for (const waiter of this.waiting) {
      if (waiter.height > height) continue;
      this.waiting.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.ready();
    }
  }
}
