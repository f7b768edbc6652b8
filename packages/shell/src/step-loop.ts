// The loop at the heart of every Wedge shell — "persist, then act"
// (DESIGN.md §1): events wait in a bounded inbox; a batch of them is stepped
// through the core, the batch's steps (new state and the effects that must
// survive a crash) are written in ONE call to the shell's `persist` (one
// SQLite transaction), and only then are the effects carried out, in the order
// the steps produced them. So nothing a step decided — a signature, a vote, a
// reply — leaves the process before the decision is durable.
//
// A step or a persist that throws is a bug or a dead disk: the loop performs
// none of that batch's effects, stops taking events (the core's state in
// memory is now ahead of the disk, and acting on it would be wrong), and
// rethrows, which crashes the process from the scheduler's callback. A
// restart recovers from the last batch that was persisted.
//
// The loop is generic over what the shell calls an event and an effect: the
// L1 replica steps consensus events into consensus effects, the member wraps
// each effect with the client request it answers, the watchtower keeps one
// entry per event. Per event it costs a queue slot and one call of `step`,
// which appends to the batch's effect array (no array per event).
import { BoundedInbox, type InboxLane } from './bounded-inbox.ts';

export type StepLoopHandlers<Event, Effect, Receipt> = {
  /** Steps one event through the core, appending the effects it produced to `effects`. */
  readonly step: (event: Event, effects: Effect[]) => void;
  /**
   * Makes the batch durable in one transaction and returns what performing
   * needs from it (ids the store assigned, say). Called once per batch, even
   * when the batch produced no effect (its steps changed the state).
   */
  readonly persist: (effects: readonly Effect[]) => Receipt;
  /** Carries out one effect, after the whole batch is durable. */
  readonly perform: (effect: Effect, receipt: Receipt) => void;
  /** Called once the batch's effects are all performed (for what goes out after them). */
  readonly performed?: (receipt: Receipt) => void;
};

export type StepLoopOptions = {
  /** Events waiting at most (BoundedInbox). */
  readonly maxQueuedEvents: number;
  /** How a batch takes from each lane, in order; one lane when there is one kind of event. */
  readonly lanes: readonly InboxLane[];
  /** Runs a drain later; default setImmediate (I/O callbacks run between batches). Tests pass their own. */
  readonly schedule?: (drain: () => void) => void;
  /** Milliseconds for lane budgets; default performance.now. */
  readonly clockMs?: () => number;
};

const runSoon = (drain: () => void): void => {
  setImmediate(drain);
};

const performanceNow = (): number => performance.now();

export class StepLoop<Event, Effect, Receipt = void> {
  /** Batches and events handled, for a status page or a profile. */
  readonly stats = { batches: 0, events: 0 };
  private readonly inbox: BoundedInbox<Event>;
  private readonly schedule: (drain: () => void) => void;
  private readonly clockMs: () => number;
  private drainScheduled = false;
  private isStopped = false;
  private hasFailed = false;
  /** Bound once: the scheduler gets the same function every time (no closure per batch). */
  private readonly drainNow = (): void => this.drain();

  constructor(
    options: StepLoopOptions,
    private readonly handlers: StepLoopHandlers<Event, Effect, Receipt>,
  ) {
    this.inbox = new BoundedInbox<Event>(options.maxQueuedEvents, options.lanes);
    this.schedule = options.schedule ?? runSoon;
    this.clockMs = options.clockMs ?? performanceNow;
  }

  /** Events waiting, over all lanes. */
  get queued(): number {
    return this.inbox.size;
  }

  get maxQueuedEvents(): number {
    return this.inbox.maxQueuedEvents;
  }

  /** True once stopped, by `stop` or by a failed batch. */
  get stopped(): boolean {
    return this.isStopped;
  }

  /** True once a batch threw (its effects were not performed). */
  get failed(): boolean {
    return this.hasFailed;
  }

  /** True when `count` more offered events would all be taken. */
  hasRoomFor(count: number): boolean {
    return !this.isStopped && this.inbox.hasRoomFor(count);
  }

  /** An event from outside (a peer, a client): false when the inbox is full or the loop stopped; the caller answers for it. */
  offer(event: Event, lane = 0): boolean {
    if (this.isStopped || !this.inbox.offer(event, lane)) return false;
    this.scheduleDrain();
    return true;
  }

  /** One of the shell's own events (a timer, a start, a poll's result), bounded where it comes from: never refused while running. */
  admit(event: Event, lane = 0): void {
    if (this.isStopped) return;
    this.inbox.admit(event, lane);
    this.scheduleDrain();
  }

  /** Stops taking and handling events; what waits is dropped (the next run recovers from disk). */
  stop(): void {
    this.isStopped = true;
    this.inbox.clear();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    this.schedule(this.drainNow);
  }

  /** One batch: step what the lanes give, persist once, perform in order. */
  private drain(): void {
    this.drainScheduled = false;
    if (this.isStopped) return;
    const effects: Effect[] = [];
    let receipt: Receipt;
    let events = 0;
    try {
      for (let lane = 0; lane < this.inbox.lanes.length; lane++) events += this.stepLane(lane, effects);
      receipt = this.handlers.persist(effects);
    } catch (error) {
      this.fail();
      throw error;
    }
    this.stats.batches += 1;
    this.stats.events += events;
    try {
      for (const effect of effects) this.handlers.perform(effect, receipt);
      this.handlers.performed?.(receipt);
    } catch (error) {
      this.fail();
      throw error;
    }
    if (this.inbox.size > 0) this.scheduleDrain();
  }

  /** Steps one lane's share of the batch; returns how many events it took. */
  private stepLane(lane: number, effects: Effect[]): number {
    const limits = this.inbox.lanes[lane]!;
    if (limits.budgetMs === undefined) {
      const events = this.inbox.take(lane, limits.maxPerBatch);
      for (const event of events) this.handlers.step(event, effects);
      return events.length;
    }
    const minimum = limits.minPerBatch ?? 1;
    const startedMs = this.clockMs();
    let taken = 0;
    while (taken < limits.maxPerBatch && this.inbox.sizeOf(lane) > 0) {
      if (taken >= minimum && this.clockMs() - startedMs >= limits.budgetMs) break;
      this.handlers.step(this.inbox.shift(lane)!, effects);
      taken += 1;
    }
    return taken;
  }

  private fail(): void {
    this.hasFailed = true;
    this.stop();
  }
}
