// Outbound member-to-member transport. Every message was written to the
// outbox table in the same transaction as the step that produced it; here it
// is sent, in order, one HTTP request per peer at a time (batching what
// accumulated meanwhile), and deleted from the outbox once the peer answered
// 2xx — which a peer does only after persisting what it received. So a
// message survives a crash of either end: after a restart the outbox is sent
// again, and the cores treat a repeated message as a no-op.
import type { Logger } from './logger.ts';
import { macOf, type ChannelPeerKeys } from './peer-auth.ts';
import { createPeerPost, type PeerPost } from './peer-post.ts';

export const PEER_PATH = '/v1/peer/messages';
/** Messages waiting per peer; beyond it the oldest go (the protocol resends or supersedes what matters). */
const QUEUE_LIMIT = 10_000;
const BATCH_MESSAGES = 64;
const BACKOFF_MS_MIN = 50;
const BACKOFF_MS_MAX = 1_000;
const REQUEST_TIMEOUT_MS = 10_000;

export type OutboundMessage = { readonly id: number; readonly text: string };

type Link = {
  readonly member: number;
  readonly url: string;
  readonly http: PeerPost;
  queue: OutboundMessage[];
  sending: boolean;
  backoffMs: number;
  retryTimer: NodeJS.Timeout | null;
  reachable: boolean;
};

export type PeerTransportOptions = {
  readonly channelId: string;
  readonly self: number;
  readonly urls: readonly string[];
  readonly keys: ChannelPeerKeys;
  /** Called with the outbox ids a peer acknowledged, and with the ids dropped from a full queue. */
  readonly delivered: (ids: readonly number[]) => void;
  readonly log: Logger;
};

export class PeerTransport {
  private readonly links = new Map<number, Link>();
  private closed = false;

  constructor(private readonly options: PeerTransportOptions) {
    options.urls.forEach((url, member) => {
      if (member === options.self) return;
      const base = url.replace(/\/+$/, '');
      this.links.set(member, { member, url: base, http: createPeerPost(`${base}${PEER_PATH}`), queue: [], sending: false, backoffMs: 0, retryTimer: null, reachable: false });
    });
  }

  send(to: number, message: OutboundMessage): void {
    const link = this.links.get(to);
    if (link === undefined || this.closed) return;
    link.queue.push(message);
    if (link.queue.length > QUEUE_LIMIT) {
      const dropped = link.queue.splice(0, link.queue.length - QUEUE_LIMIT);
      this.options.delivered(dropped.map((entry) => entry.id));
    }
    if (!link.sending && link.retryTimer === null) setImmediate(() => void this.flush(link));
  }

  reachability(): { member: number; reachable: boolean; queued: number }[] {
    return [...this.links.values()].map((link) => ({ member: link.member, reachable: link.reachable, queued: link.queue.length }));
  }

  close(): void {
    this.closed = true;
    for (const link of this.links.values()) {
      if (link.retryTimer !== null) clearTimeout(link.retryTimer);
      link.queue = [];
      link.http.close();
    }
  }

  private envelopeOf(link: Link, batch: readonly OutboundMessage[]): string {
    // The messages are stored as JSON text already; the envelope is built around them.
    const head = JSON.stringify({ channelId: this.options.channelId, from: this.options.self, to: link.member, sentAtMs: Date.now() });
    return `${head.slice(0, -1)},"messages":[${batch.map((entry) => entry.text).join(',')}]}`;
  }

  private async flush(link: Link): Promise<void> {
    if (link.sending || this.closed || link.queue.length === 0) return;
    link.sending = true;
    const batch = link.queue.splice(0, BATCH_MESSAGES);
    const body = this.envelopeOf(link, batch);
    const key = this.options.keys.macKeyFor(link.member);
    try {
      if (key === undefined) throw new Error(`no MAC key for member ${link.member}`);
      const { status, text } = await link.http.post(body, { 'content-type': 'application/json', 'x-wedge-mac': macOf(key, body) }, REQUEST_TIMEOUT_MS);
      if (status >= 400 && status < 500) {
        // The peer will never take this envelope (a bug, or keys that disagree): retrying cannot help.
        this.options.log.info('peer-refused', { member: link.member, status, answer: text.slice(0, 200) });
      } else if (status < 200 || status > 299) {
        throw new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
      }
      if (!link.reachable) this.options.log.info('peer-reachable', { member: link.member });
      link.reachable = true;
      link.backoffMs = 0;
      this.options.delivered(batch.map((entry) => entry.id));
    } catch (error) {
      if (link.reachable) this.options.log.info('peer-unreachable', { member: link.member, error: (error as Error).message.slice(0, 200) });
      link.reachable = false;
      // Put the batch back in front and retry later.
      link.queue = batch.concat(link.queue);
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
