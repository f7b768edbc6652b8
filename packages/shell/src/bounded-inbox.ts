// The events a shell has received and not yet stepped, with a cap on how many
// wait. Events come in lanes, taken in lane order when a batch is drawn: the
// member puts its peers' messages (which gate everyone's progress) ahead of
// its clients' payments (which cost a signature check each).
//
// Two ways in. `offer` is for what arrives from outside — a peer's message, a
// client's request — and is refused once the cap is reached: the caller
// answers for it (a peer message may be dropped, since the protocols tolerate
// loss; a client is told BUSY and retries). `admit` is for the shell's own
// events, whose number is bounded where they come from (one per timer, one per
// followed channel and poll, one start): refusing them would lose a timeout
// for good, so they are always taken, and they count toward the cap.

/** How a batch takes from one lane. */
export type InboxLane = {
  /** Events taken from this lane per batch, at most. */
  readonly maxPerBatch: number;
  /**
   * A time budget for the lane: after `minPerBatch` events, the batch stops
   * taking from it once it has spent this long stepping them. Absent: the
   * lane is taken up to `maxPerBatch` at once.
   */
  readonly budgetMs?: number;
  /** Events taken from a budgeted lane per batch however long they take (default 1). */
  readonly minPerBatch?: number;
};

/** A first-in first-out queue whose reads are amortized O(1) (Array.shift moves every element). */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Up to `count` items from the front; the whole backing array when it holds no more (no copy). */
  take(count: number): T[] {
    if (this.head === 0 && this.items.length <= count) {
      const all = this.items as T[];
      this.items = [];
      return all;
    }
    const taken = this.items.slice(this.head, this.head + count) as T[];
    this.head += taken.length;
    this.compact();
    return taken;
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // the taken event is not kept alive by the queue
    this.head += 1;
    this.compact();
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** Drops the taken front once it is most of the array, so each item is moved O(1) times. */
  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1_024 && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }
}

export class BoundedInbox<Event> {
  private readonly queues: Fifo<Event>[];
  private count = 0;

  constructor(
    /** Events waiting at most, over all lanes (the shell's own admitted events included). */
    readonly maxQueuedEvents: number,
    readonly lanes: readonly InboxLane[],
  ) {
    if (!Number.isSafeInteger(maxQueuedEvents) || maxQueuedEvents < 1) throw new RangeError(`maxQueuedEvents must be a positive integer, not ${maxQueuedEvents}`);
    if (lanes.length === 0) throw new RangeError('an inbox needs at least one lane');
    lanes.forEach((lane, index) => {
      if (!Number.isSafeInteger(lane.maxPerBatch) || lane.maxPerBatch < 1) throw new RangeError(`lane ${index}: maxPerBatch must be a positive integer, not ${lane.maxPerBatch}`);
      if (lane.budgetMs !== undefined && !(lane.budgetMs >= 0)) throw new RangeError(`lane ${index}: budgetMs must be a non-negative number, not ${lane.budgetMs}`);
    });
    this.queues = lanes.map(() => new Fifo<Event>());
  }

  /** Events waiting, over all lanes. */
  get size(): number {
    return this.count;
  }

  /** Events waiting in one lane. */
  sizeOf(lane: number): number {
    return this.queueOf(lane).length;
  }

  /** True when `count` more offered events would all be taken (a caller that wants all or none asks first). */
  hasRoomFor(count: number): boolean {
    return this.count + count <= this.maxQueuedEvents;
  }

  /** Queues an event from outside; false (and nothing queued) when the inbox is full. */
  offer(event: Event, lane = 0): boolean {
    if (this.count >= this.maxQueuedEvents) return false;
    this.queueOf(lane).push(event);
    this.count += 1;
    return true;
  }

  /** Queues one of the shell's own events (bounded where it comes from); never refused. */
  admit(event: Event, lane = 0): void {
    this.queueOf(lane).push(event);
    this.count += 1;
  }

  /** Up to `count` events from the front of a lane. */
  take(lane: number, count: number): Event[] {
    const taken = this.queueOf(lane).take(count);
    this.count -= taken.length;
    return taken;
  }

  /** The event at the front of a lane, or undefined when it is empty. */
  shift(lane: number): Event | undefined {
    const queue = this.queueOf(lane);
    if (queue.length === 0) return undefined;
    this.count -= 1;
    return queue.shift();
  }

  clear(): void {
    for (const queue of this.queues) queue.clear();
    this.count = 0;
  }

  private queueOf(lane: number): Fifo<Event> {
    const queue = this.queues[lane];
    if (queue === undefined) throw new RangeError(`no lane ${lane}: this inbox has lanes 0..${this.queues.length - 1}`);
    return queue;
  }
}
