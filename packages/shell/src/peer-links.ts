// Outbound authenticated links to a fixed set of peers: one bounded queue per
// peer, drained by one HTTP request at a time (keep-alive, see peer-post.ts),
// batching whatever accumulated meanwhile. Each envelope is encoded once by
// the shell (`encode`), and those very bytes are MAC'd and written to the
// socket (given text, each would encode it again).
//
// A failed request is retried with exponential backoff. A queue never holds
// more than its bound: when a send would exceed it, or a failed batch is put
// back in front of what arrived meanwhile, the oldest messages go — the
// protocols tolerate loss, and retransmit or supersede what matters — and the
// shell is told which (`onDropped`), so that it can forget them too.
//
// Generic over the message: the L1 replica queues consensus messages (each
// serialized once however many peers it goes to), the member queues rows of
// its outbox (already JSON).
import { macOf, type PairwiseKeys } from './peer-mac.ts';
import { createPeerPost, type PeerAnswer, type PeerPost } from './peer-post.ts';

export type PeerLinkLimits = {
  /** Messages waiting per peer, at most. */
  readonly maxQueuedMessages: number;
  /** Messages per envelope, at most. */
  readonly maxBatchMessages: number;
  readonly backoffMsMin: number;
  readonly backoffMsMax: number;
  /** The whole exchange of one envelope, at most. */
  readonly requestTimeoutMs: number;
};

export type PeerLinksOptions<Message> = {
  /** This peer's index; a peer of the list with it is skipped. */
  readonly self: number;
  readonly peers: readonly { readonly id: number; readonly url: string }[];
  /** The path envelopes are POSTed to, below each peer's URL. */
  readonly path: string;
  readonly keys: PairwiseKeys;
  readonly limits: PeerLinkLimits;
  /** The envelope's bytes for a batch to `peer` (sent with content-type application/json and its MAC in x-wedge-mac). */
  readonly encode: (peer: number, batch: readonly Message[]) => Uint8Array;
  /** The peer answered 2xx: it has taken the batch. */
  readonly onDelivered?: (peer: number, batch: readonly Message[]) => void;
  /**
   * When given, a 4xx answer is final: the peer will never take this envelope
   * (a bug, or keys that disagree), so the batch is given up and reported
   * here. When absent, a 4xx is retried like a network error.
   */
  readonly onRefused?: (peer: number, batch: readonly Message[], answer: PeerAnswer) => void;
  /** Messages the queue bound pushed out, oldest first. */
  readonly onDropped?: (peer: number, messages: readonly Message[]) => void;
  /** A link became reachable (a 2xx, or a final refusal: the peer answered) or unreachable (a request failed). */
  readonly onReachability?: (peer: number, reachable: boolean, error: string | null) => void;
};

/** What a status page shows of a link. */
export type PeerReachability = { id: number; url: string; reachable: boolean; lastSeenMs: number | null };

/** How far behind a link is. */
export type PeerBacklog = { id: number; queued: number; dropped: number };

type Link<Message> = {
  readonly id: number;
  readonly url: string;
  readonly http: PeerPost;
  queue: Message[];
  sending: boolean;
  backoffMs: number;
  retryTimer: NodeJS.Timeout | null;
  flushScheduled: boolean;
  reachable: boolean;
  lastSeenMs: number | null;
  /** Messages pushed out by the bound, since the start. */
  dropped: number;
};

const JSON_CONTENT = 'application/json';

export class PeerLinks<Message> {
  private readonly links = new Map<number, Link<Message>>();
  private closed = false;

  constructor(private readonly options: PeerLinksOptions<Message>) {
    const { limits } = options;
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, not ${value}`);
    }
    if (limits.backoffMsMin > limits.backoffMsMax) throw new RangeError(`backoffMsMin ${limits.backoffMsMin} is above backoffMsMax ${limits.backoffMsMax}`);
    for (const peer of options.peers) {
      if (peer.id === options.self) continue;
      const url = peer.url.replace(/\/+$/, '');
      this.links.set(peer.id, {
        id: peer.id,
        url,
        http: createPeerPost(url),
        queue: [],
        sending: false,
        backoffMs: 0,
        retryTimer: null,
        flushScheduled: false,
        reachable: false,
        lastSeenMs: null,
        dropped: 0,
      });
    }
  }

  /** Queues a message for one peer (an unknown peer, or a closed set of links, takes nothing). */
  send(to: number, message: Message): void {
    const link = this.links.get(to);
    if (link === undefined || this.closed) return;
    link.queue.push(message);
    if (link.queue.length > this.options.limits.maxQueuedMessages) this.dropOldest(link);
    this.scheduleFlush(link);
  }

  /** Queues the same message object for every peer (so a shell's per-message caches serve them all). */
  broadcast(message: Message): void {
    for (const id of this.links.keys()) this.send(id, message);
  }

  /** Marks a peer as heard from (it sent us an authenticated envelope). */
  heardFrom(id: number, nowMs: number): void {
    const link = this.links.get(id);
    if (link === undefined) return;
    link.lastSeenMs = nowMs;
    link.reachable = true;
  }

  reachability(): PeerReachability[] {
    return [...this.links.values()].map(({ id, url, reachable, lastSeenMs }) => ({ id, url, reachable, lastSeenMs }));
  }

  backlog(): PeerBacklog[] {
    return [...this.links.values()].map(({ id, queue, dropped }) => ({ id, queued: queue.length, dropped }));
  }

  /** Stops every link: queues emptied, connections closed, no callback after this. */
  close(): void {
    this.closed = true;
    for (const link of this.links.values()) {
      if (link.retryTimer !== null) clearTimeout(link.retryTimer);
      link.retryTimer = null;
      link.queue = [];
      link.http.close();
    }
  }

  private dropOldest(link: Link<Message>): void {
    const excess = link.queue.length - this.options.limits.maxQueuedMessages;
    if (excess <= 0) return;
    const dropped = link.queue.splice(0, excess);
    link.dropped += excess;
    if (!this.closed) this.options.onDropped?.(link.id, dropped);
  }

  private scheduleFlush(link: Link<Message>): void {
    if (link.sending || link.flushScheduled || link.retryTimer !== null) return;
    link.flushScheduled = true;
    // After the current event-loop turn: everything queued in it goes in one envelope.
    setImmediate(() => {
      link.flushScheduled = false;
      void this.flush(link);
    });
  }

  private async flush(link: Link<Message>): Promise<void> {
    if (link.sending || this.closed || link.queue.length === 0) return;
    link.sending = true;
    const batch = link.queue.splice(0, this.options.limits.maxBatchMessages);
    // Outside the try: an encoder that throws is a bug, not a peer that is down.
    const body = this.options.encode(link.id, batch);
    let answer: PeerAnswer | null = null;
    let failure: string | null = null;
    try {
      const key = this.options.keys.macKeyFor(link.id);
      if (key === undefined) throw new Error(`no MAC key for peer ${link.id}`);
      answer = await link.http.post(this.options.path, body, { 'content-type': JSON_CONTENT, 'x-wedge-mac': macOf(key, body) }, this.options.limits.requestTimeoutMs);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    } finally {
      link.sending = false;
    }
    if (this.closed) return;
    if (answer !== null && answer.status >= 200 && answer.status <= 299) {
      this.answered(link);
      this.options.onDelivered?.(link.id, batch);
    } else if (answer !== null && answer.status >= 400 && answer.status <= 499 && this.options.onRefused !== undefined) {
      this.answered(link);
      this.options.onRefused(link.id, batch, answer);
    } else {
      this.failed(link, batch, failure ?? `HTTP ${answer?.status}: ${answer?.text.slice(0, 200)}`);
    }
    this.next(link);
  }

  private answered(link: Link<Message>): void {
    if (!link.reachable) this.options.onReachability?.(link.id, true, null);
    link.reachable = true;
    link.lastSeenMs = Date.now();
    link.backoffMs = 0;
  }

  /** Puts the batch back in front of what arrived meanwhile, within the bound, and backs off. */
  private failed(link: Link<Message>, batch: Message[], error: string): void {
    if (link.reachable) this.options.onReachability?.(link.id, false, error.slice(0, 200));
    link.reachable = false;
    link.queue = link.queue.length === 0 ? batch : batch.concat(link.queue);
    this.dropOldest(link);
    const { backoffMsMin, backoffMsMax } = this.options.limits;
    link.backoffMs = Math.min(backoffMsMax, Math.max(backoffMsMin, link.backoffMs * 2));
  }

  private next(link: Link<Message>): void {
    if (this.closed) return;
    if (link.backoffMs > 0) {
      link.retryTimer = setTimeout(() => {
        link.retryTimer = null;
        void this.flush(link);
      }, link.backoffMs);
    } else if (link.queue.length > 0) {
      void this.flush(link);
    }
  }
}
