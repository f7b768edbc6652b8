// Outbound authenticated links to a fixed set of peers: one bounded queue per
// peer, drained by one HTTP request at a time (keep-alive, see peer-post.ts),
// batching whatever accumulated meanwhile. Each envelope is encoded once by
// the shell (`encode`), and those very bytes are MAC'd and written to the
// socket (given text, each would encode it again).
//
// An envelope is bounded twice: by its number of messages and by its bytes
// (each message's size as the shell tells it). A message too large for any
// envelope can never be delivered; it is refused at `send` and reported, so
// that it cannot sit at the head of the queue for ever.
//
// A failed request is retried with exponential backoff, and with half the
// envelope of the failed one (down to a single message; back to the full
// size after a success): a peer that is alive but starved, whose answers
// time out, then receives envelopes it can take in time, rather than the
// same large one again, and again. A queue never holds
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
  /** Bytes of messages per envelope, at most (a single message may fill an envelope up to maxMessageBytes). */
  readonly maxBatchBytes: number;
  /** The largest message a peer takes (its body limit less the envelope's own bytes); a larger one is refused at `send`. */
  readonly maxMessageBytes: number;
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
  /** A message's bytes in an envelope (called once per message and peer; a shell caches what is costly). */
  readonly sizeOf: (message: Message) => number;
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
  /** A message larger than maxMessageBytes, refused at `send` (it is not queued). */
  readonly onOversized?: (peer: number, message: Message, bytes: number) => void;
  /** A link became reachable (a 2xx, or a final refusal: the peer answered) or unreachable (a request failed). */
  readonly onReachability?: (peer: number, reachable: boolean, error: string | null) => void;
};

/** What a status page shows of a link. */
export type PeerReachability = { id: number; url: string; reachable: boolean; lastSeenMs: number | null };

/** How far behind a link is. */
export type PeerBacklog = { id: number; queued: number; dropped: number; oversized: number };

type Link<Message> = {
  readonly id: number;
  readonly url: string;
  readonly http: PeerPost;
  queue: Message[];
  /** Each queued message's size, parallel to `queue`. */
  sizes: number[];
  /** The next envelope's bounds: the limits, halved after each failure, restored by a success. */
  batchMessages: number;
  batchBytes: number;
  sending: boolean;
  backoffMs: number;
  retryTimer: NodeJS.Timeout | null;
  flushScheduled: boolean;
  reachable: boolean;
  lastSeenMs: number | null;
  /** Messages pushed out by the bound, since the start. */
  dropped: number;
  /** Messages refused at `send` for their size, since the start. */
  oversized: number;
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
    if (limits.maxBatchBytes > limits.maxMessageBytes) throw new RangeError(`maxBatchBytes ${limits.maxBatchBytes} is above maxMessageBytes ${limits.maxMessageBytes}`);
    for (const peer of options.peers) {
      if (peer.id === options.self) continue;
      const url = peer.url.replace(/\/+$/, '');
      this.links.set(peer.id, {
        id: peer.id,
        url,
        http: createPeerPost(url),
        queue: [],
        sizes: [],
        batchMessages: limits.maxBatchMessages,
        batchBytes: limits.maxBatchBytes,
        sending: false,
        backoffMs: 0,
        retryTimer: null,
        flushScheduled: false,
        reachable: false,
        lastSeenMs: null,
        dropped: 0,
        oversized: 0,
      });
    }
  }

  /** Queues a message for one peer (an unknown peer, or a closed set of links, takes nothing). */
  send(to: number, message: Message): void {
    const link = this.links.get(to);
    if (link === undefined || this.closed) return;
    const bytes = this.options.sizeOf(message);
    if (bytes > this.options.limits.maxMessageBytes) {
      link.oversized += 1;
      this.options.onOversized?.(link.id, message, bytes);
      return;
    }
    link.queue.push(message);
    link.sizes.push(bytes);
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
    return [...this.links.values()].map(({ id, queue, dropped, oversized }) => ({ id, queued: queue.length, dropped, oversized }));
  }

  /** Stops every link: queues emptied, connections closed, no callback after this. */
  close(): void {
    this.closed = true;
    for (const link of this.links.values()) {
      if (link.retryTimer !== null) clearTimeout(link.retryTimer);
      link.retryTimer = null;
      link.queue = [];
      link.sizes = [];
      link.http.close();
    }
  }

  private dropOldest(link: Link<Message>): void {
    const excess = link.queue.length - this.options.limits.maxQueuedMessages;
    if (excess <= 0) return;
    const dropped = link.queue.splice(0, excess);
    link.sizes.splice(0, excess);
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
    // As many messages as the envelope's bounds allow, and at least one.
    let count = 1;
    let bytes = link.sizes[0]!;
    while (count < link.queue.length && count < link.batchMessages && bytes + link.sizes[count]! <= link.batchBytes) bytes += link.sizes[count++]!;
    const batch = link.queue.splice(0, count);
    const sizes = link.sizes.splice(0, count);
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
      this.failed(link, batch, sizes, failure ?? `HTTP ${answer?.status}: ${answer?.text.slice(0, 200)}`);
    }
    this.next(link);
  }

  private answered(link: Link<Message>): void {
    if (!link.reachable) this.options.onReachability?.(link.id, true, null);
    link.reachable = true;
    link.lastSeenMs = Date.now();
    link.backoffMs = 0;
    link.batchMessages = this.options.limits.maxBatchMessages;
    link.batchBytes = this.options.limits.maxBatchBytes;
  }

  /** Puts the batch back in front of what arrived meanwhile, within the bound, backs off, and halves the next envelope. */
  private failed(link: Link<Message>, batch: Message[], sizes: number[], error: string): void {
    if (link.reachable) this.options.onReachability?.(link.id, false, error.slice(0, 200));
    link.reachable = false;
    link.queue = link.queue.length === 0 ? batch : batch.concat(link.queue);
    link.sizes = link.sizes.length === 0 ? sizes : sizes.concat(link.sizes);
    link.batchMessages = Math.max(1, Math.min(link.batchMessages, batch.length) >> 1);
    link.batchBytes = Math.max(1, link.batchBytes >> 1);
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
