// Outbound peer transport: one bounded queue per peer, drained by one HTTP
// request at a time (keep-alive), batching whatever accumulated meanwhile.
// A failed send is retried with exponential backoff; when a queue overflows
// the oldest messages are dropped — PBFT tolerates loss and retransmits what
// matters (state transfer, new-view requests).
import type { Message } from '@wedge/consensus';
import type { SignedTx } from '@wedge/ledger';
import { macOf, type PeerKeys } from './peer-auth.ts';
import { stringifyTagged } from './tagged-json.ts';

export const PEER_PATH = '/v1/peer/messages';
const QUEUE_LIMIT = 20_000;
const BATCH_LIMIT = 512;
const BACKOFF_MS_MIN = 50;
const BACKOFF_MS_MAX = 2_000;
const REQUEST_TIMEOUT_MS = 10_000;

type PeerLink = {
  readonly id: number;
  readonly url: string;
  queue: Message<SignedTx>[];
  sending: boolean;
  backoffMs: number;
  retryTimer: NodeJS.Timeout | null;
  reachable: boolean;
  lastSeenMs: number | null;
  dropped: number;
};

export type PeerReachability = { id: number; url: string; reachable: boolean; lastSeenMs: number | null };

export class PeerTransport {
  private readonly links = new Map<number, PeerLink>();
  private closed = false;

  constructor(
    private readonly selfId: number,
    peers: readonly { id: number; url: string }[],
    private readonly keys: PeerKeys,
  ) {
    for (const peer of peers) {
      if (peer.id === selfId) continue;
      this.links.set(peer.id, {
        id: peer.id,
        url: peer.url.replace(/\/$/, ''),
        queue: [],
        sending: false,
        backoffMs: 0,
        retryTimer: null,
        reachable: false,
        lastSeenMs: null,
        dropped: 0,
      });
    }
  }

  send(to: number, message: Message<SignedTx>): void {
    const link = this.links.get(to);
    if (link === undefined || this.closed) return;
    link.queue.push(message);
    if (link.queue.length > QUEUE_LIMIT) {
      link.queue.splice(0, link.queue.length - QUEUE_LIMIT);
      link.dropped += 1;
    }
    if (!link.sending && link.retryTimer === null) setImmediate(() => void this.flush(link));
  }

  broadcast(message: Message<SignedTx>): void {
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
    }
  }

  private async flush(link: PeerLink): Promise<void> {
    if (link.sending || this.closed || link.queue.length === 0) return;
    link.sending = true;
    const batch = link.queue.splice(0, BATCH_LIMIT);
    const body = stringifyTagged({ from: this.selfId, messages: batch });
    const key = this.keys.macKeyFor(link.id);
    try {
      if (key === undefined) throw new Error(`no MAC key for replica ${link.id}`);
      const response = await fetch(`${link.url}${PEER_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wedge-mac': macOf(key, body) },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
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
