// The order in which a replica hands its waiting events to the core.
//
// Most events are cheap: votes, checkpoints, timers. Two kinds are not, since
// each transaction in them costs a signature verification (about half a
// millisecond, the scarcest resource of the system):
// - requests, from clients and forwarded by peers, one transaction each;
// - proposals (pre-prepare with its block): the core checks every
//   transaction it has not checked before, up to a whole block at once.
// Taken in arrival order, a vote waits behind every request that came before
// it, and a proposal stalls the process for as long as its unchecked
// transactions take — during which no vote is counted and no HTTP request
// is answered, on every replica at once. So:
// - cheap events go first, all of them, in arrival order;
// - a proposal waits until its transactions have been checked, a few at a
//   time (checkTx remembers the result, so the core's own check is then a
//   lookup), and goes ahead of requests;
// - requests fill the rest of a bounded slice of time.
// State transfer replies stay in line with the requests: a reply can execute
// blocks through a snapshot, which records no transaction ids, so a request
// that arrived before the reply must reach the core before it, as it would in
// arrival order (the core would otherwise take the already executed
// transaction into its mempool).
// The core sees the very same events, in an order the network could have
// produced; nothing is dropped but requests beyond a mempool's worth.
import type { ConsensusEvent } from '@wedge/consensus';
import type { SignedTx } from '@wedge/ledger';

type Event = ConsensusEvent<SignedTx>;
type Proposal = { event: Event; txs: readonly SignedTx[]; checked: number };

export type EventSchedulerOptions = {
  /** Checks a transaction and remembers the result (the ledger adapter's checkTx). */
  readonly checkTx: (tx: SignedTx) => unknown;
  /** Most requests waiting; more are dropped (the core would refuse them as MEMPOOL_FULL). */
  readonly maxQueuedRequests: number;
};

export class EventScheduler {
  private cheap: Event[] = [];
  private readonly proposals: Proposal[] = [];
  /** Requests and state transfer replies, in arrival order. */
  private ordered: (Event | undefined)[] = [];
  private orderedHead = 0;
  private requests = 0;

  constructor(private readonly options: EventSchedulerOptions) {}

  get isEmpty(): boolean {
    return this.cheap.length === 0 && this.proposals.length === 0 && this.orderedHead === this.ordered.length;
  }

  get queuedRequests(): number {
    return this.requests;
  }

  /** Queues an event; false when it was dropped. */
  push(event: Event): boolean {
    if (isRequest(event)) {
      if (this.requests >= this.options.maxQueuedRequests) return false;
      this.ordered.push(event);
      this.requests += 1;
    } else if (event.type === 'message' && event.message.type === 'state-reply') {
      this.ordered.push(event);
    } else if (event.type === 'message' && event.message.type === 'pre-prepare-block' && Array.isArray(event.message.block.txs)) {
      this.proposals.push({ event, txs: event.message.block.txs, checked: 0 });
    } else {
      this.cheap.push(event);
    }
    return true;
  }

  /** Every waiting cheap event, oldest first (at most `limit`). */
  takeCheap(limit: number): Event[] {
    if (this.cheap.length <= limit) {
      const taken = this.cheap;
      this.cheap = [];
      return taken;
    }
    return this.cheap.splice(0, limit);
  }

  /**
   * One step of costly work: checks one transaction of the oldest proposal
   * and returns that proposal once all its transactions are checked, or else
   * returns the oldest request or state reply. Null when a transaction was
   * checked and nothing is ready yet, undefined when there is no costly work
   * left.
   */
  nextCostly(): Event | null | undefined {
    const proposal = this.proposals[0];
    if (proposal !== undefined) {
      if (proposal.checked < proposal.txs.length) this.options.checkTx(proposal.txs[proposal.checked++]!);
      if (proposal.checked < proposal.txs.length) return null;
      this.proposals.shift();
      return proposal.event;
    }
    if (this.orderedHead === this.ordered.length) return undefined;
    const event = this.ordered[this.orderedHead]!;
    this.ordered[this.orderedHead++] = undefined; // let it be collected
    if (this.orderedHead > 1_024 && this.orderedHead * 2 > this.ordered.length) {
      this.ordered = this.ordered.slice(this.orderedHead);
      this.orderedHead = 0;
    }
    if (isRequest(event)) this.requests -= 1;
    return event;
  }
}

function isRequest(event: Event): boolean {
  return event.type === 'request' || (event.type === 'message' && event.message.type === 'request');
}
