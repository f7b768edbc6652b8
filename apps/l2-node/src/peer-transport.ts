// Outbound member-to-member links: @wedge/shell's PeerLinks with the
// channel's limits and envelope. Every message was written to the outbox
// table in the same transaction as the step that produced it; here it is
// sent, in order, one HTTP request per peer at a time (batching what
// accumulated meanwhile), and deleted from the outbox once the peer answered
// 2xx — which a peer does only after persisting what it received. So a
// message survives a crash of either end: after a restart the outbox is sent
// again, and the cores treat a repeated message as a no-op. A 4xx is final
// (the peer will never take that envelope), and what the queue bound pushes
// out is forgotten too (the protocol resends or supersedes what matters).
import { PeerLinks } from '@wedge/shell';
import { MAX_PEER_BODY_BYTES } from './l2-api.ts';
import type { Logger } from './logger.ts';
import type { ChannelPeerKeys } from './peer-auth.ts';

export const PEER_PATH = '/v1/peer/messages';

const LIMITS = {
  maxQueuedMessages: 10_000,
  maxBatchMessages: 64,
  maxBatchBytes: 4 * 1024 * 1024,
  // The peer endpoint's body limit (member-api.ts) less room for the envelope.
  maxMessageBytes: MAX_PEER_BODY_BYTES - 1_024,
  backoffMsMin: 50,
  backoffMsMax: 1_000,
  requestTimeoutMs: 10_000,
};

/** A row of the outbox: its id, and the message as the JSON text it was stored as. */
export type OutboundMessage = { readonly id: number; readonly text: string };

export type MemberLinksOptions = {
  readonly channelId: string;
  readonly self: number;
  readonly urls: readonly string[];
  readonly keys: ChannelPeerKeys;
  /** Called with the outbox ids that left a queue for good: acknowledged, refused, or dropped from a full queue. */
  readonly delivered: (ids: readonly number[]) => void;
  readonly log: Logger;
};

export function createMemberLinks(options: MemberLinksOptions): PeerLinks<OutboundMessage> {
  const forget = (_member: number, messages: readonly OutboundMessage[]): void => options.delivered(messages.map((message) => message.id));
  return new PeerLinks<OutboundMessage>({
    self: options.self,
    peers: options.urls.map((url, id) => ({ id, url })),
    path: PEER_PATH,
    keys: options.keys,
    limits: LIMITS,
    encode: (member, batch) => {
      // The messages are stored as JSON text already; the envelope is built around them.
      const head = JSON.stringify({ channelId: options.channelId, from: options.self, to: member, sentAtMs: Date.now() });
      return Buffer.from(`${head.slice(0, -1)},"messages":[${batch.map((entry) => entry.text).join(',')}]}`, 'utf8');
    },
    onDelivered: forget,
    onRefused: (member, batch, answer) => {
      options.log.info('peer-refused', { member, status: answer.status, answer: answer.text.slice(0, 200) });
      forget(member, batch);
    },
    onDropped: forget,
    sizeOf: (message) => Buffer.byteLength(message.text, 'utf8') + 1,
    onOversized: (member, message, bytes) => {
      options.log.info('peer-oversized', { member, bytes });
      forget(member, [message]);
    },
    onReachability: (member, reachable, error) => options.log.info(reachable ? 'peer-reachable' : 'peer-unreachable', reachable ? { member } : { member, error }),
  });
}
