// Outbound peer transport: one bounded queue per peer, drained by one HTTP
// request at a time (keep-alive, see peer-post.ts), batching whatever
// accumulated meanwhile.
// A failed send is retried with exponential backoff; when a queue overflows
// the oldest messages are dropped — PBFT tolerates loss and retransmits what
// matters (state transfer, new-view requests).
//
// A message is serialized once, however many peers it goes to: a broadcast
// proposal carries a whole block, and its JSON would otherwise be built n-1
// times.
import type { WireMessage } from './peer-schema.ts';
import { macOf, type PeerKeys } from './peer-auth.ts';
import { createPeerPost, type PeerPost } from './peer-post.ts';
import { stringifyMessage } from './tagged-json.ts';

export const PEER_PATH = '/v1/peer/messages';
const QUEUE_LIMIT = 20_000;
const BATCH_LIMIT = 512;
const BACKOFF_MS_MIN = 50;
const BACKOFF_MS_MAX = 2_000;
const REQUEST_TIMEOUT_MS = 10_000;

type PeerLink = {
  readonly id: number;
  readonly url: string;
  readonly http: PeerPost;
  queue: WireMessage[];
  sending: boolean;
  backoffMs: number;
  retryTimer: NodeJS.Timeout | null;
  flushScheduled: boolean;
  reachable: boolean;
  lastSeenMs: number | null;
  dropped: number;
};

export type PeerReachability = { id: number; url: string; reachable: boolean; lastSeenMs: number | null };

export class PeerTransport {
  private readonly links = new Map<number, PeerLink>();
  private readonly json = new WeakMap<WireMessage, string>();
  private closed = false;

  constructor(
    private readonly selfId: number,
    peers: readonly { id: number; url: string }[],
    private readonly keys: PeerKeys,
  ) {
    for (const peer of peers) {
      if (peer.id === selfId) continue;
      const url = peer.url.replace(/\/$/, '');
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

  send(to: number, message: WireMessage): void {
    const link = this.links.get(to);
    if (link === undefined || this.closed) return;
    link.queue.push(message);
    if (link.queue.length > QUEUE_LIMIT) {
      link.queue.splice(0, link.queue.length - QUEUE_LIMIT);
      link.dropped += 1;
    }
    this.scheduleFlush(link);
  }

  broadcast(message: WireMessage): void {
    for (const id of this.links.keys()) this.send(id, message);
  }

  /** Marks a peer as heard from (it sent us an authenticated envelope). */
  heardFrom(id: number, nowMs: number): void {
    const link = this.links.get(id);
    if (link !== undefined) {
      link.lastSeenMs = nowMs;
      link.reachable = true;
    }
  }

  reachability(): PeerReachability[] {
    return [...this.links.values()].map(({ id, url, reachable, lastSeenMs }) => ({ id, url, reachable, lastSeenMs }));
  }

  close(): void {
    this.closed = true;
    for (const link of this.links.values()) {
      if (link.retryTimer !== null) clearTimeout(link.retryTimer);
      link.queue = [];
      link.http.close();
    }
  }

  private scheduleFlush(link: PeerLink): void {
    if (link.sending || link.flushScheduled || link.retryTimer !== null) return;
    link.flushScheduled = true;
    setImmediate(() => {
      link.flushScheduled = false;
      void this.flush(link);
    });
  }

  /** JSON of one message, built once per message object and shared by every link it goes to. */
  private serialized(message: WireMessage): string {
    let json = this.json.get(message);
    if (json === undefined) {
      json = stringifyMessage(message);
      this.json.set(message, json);
    }
    return json;
  }

  private async flush(link: PeerLink): Promise<void> {
    if (link.sending || this.closed || link.queue.length === 0) return;
    link.sending = true;
    const batch = link.queue.splice(0, BATCH_LIMIT);
    // Exactly what stringifyTagged({ from, messages: batch }) produces, from the shared pieces (see stringifyMessage).
    const text = `{"from":${JSON.stringify(this.selfId)},"messages":[${batch.map((message) => this.serialized(message)).join(',')}]}`;
    // Encoded once: the MAC and the socket take the same bytes (given the text, each would encode it again).
    const body = Buffer.from(text, 'utf8');
    const key = this.keys.macKeyFor(link.id);
    try {
      if (key === undefined) throw new Error(`no MAC key for replica ${link.id}`);
      const status = await link.http.post(PEER_PATH, body, { 'content-type': 'application/json', 'x-wedge-mac': macOf(key, body) }, REQUEST_TIMEOUT_MS);
      if (status < 200 || status > 299) throw new Error(`HTTP ${status}`);
      link.reachable = true;
      link.lastSeenMs = Date.now();
      link.backoffMs = 0;
    } catch {
      // Put the batch back in front and retry later; the queue bound still applies.
      link.reachable = false;
      link.queue = batch.concat(link.queue).slice(-QUEUE_LIMIT);
      link.backoffMs = Math.min(BACKOFF_MS_MAX, Math.max(BACKOFF_MS_MIN, link.backoffMs * 2));
    } finally {
      link.sending = false;
    }
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
