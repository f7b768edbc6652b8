// The replica's outbound links to the other replicas: @wedge/shell's
// PeerLinks (one bounded queue per peer, one keep-alive request at a time,
// batching, backoff; a failed batch is put back within the bound), with the
// L1's limits and envelope. When a queue overflows the oldest messages go —
// PBFT tolerates loss and retransmits what matters (state transfer, new-view
// requests). A failed request is retried; a 4xx is final (the peer will
// never take that envelope: retrying it would only block the link).
//
// A message is serialized once, however many peers it goes to: a broadcast
// proposal carries a whole block, and its JSON would otherwise be built n-1
// times. The envelope is encoded to bytes once, for the MAC and the socket.
//
// An envelope holds at most MAX_BATCH_BYTES of messages: a view change
// carries the blocks of its prepared certificates, and a batch of them
// (a replica resends its own at every view-change timeout) once made an
// envelope larger than a peer takes, refused and retried for ever. A single
// message larger than a peer's body limit cannot be delivered at all; it is
// refused at send and logged (`oversized`).
import { PeerLinks, type PairwiseKeys } from '@wedge/shell';
import type { WireMessage } from './peer-schema.ts';
import { stringifyMessage } from './tagged-json.ts';

export const PEER_PATH = '/v1/peer/messages';

/** Bounds one envelope a replica takes (a state transfer reply carries a snapshot and blocks). */
export const PEER_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
/** Room for the envelope around its messages: `{"from":N,"messages":[...]}`, and the commas between them. */
const ENVELOPE_OVERHEAD_BYTES = 1_024;
/** Bytes of messages per envelope: votes and compact proposals come by the hundred in far less. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

const LIMITS = {
  maxQueuedMessages: 20_000,
  maxBatchMessages: 512,
  maxBatchBytes: MAX_BATCH_BYTES,
  maxMessageBytes: PEER_BODY_LIMIT_BYTES - ENVELOPE_OVERHEAD_BYTES,
  backoffMsMin: 50,
  backoffMsMax: 2_000,
  requestTimeoutMs: 10_000,
};

export type ReplicaLinkEvents = {
  /** A message no peer can take (larger than the body limit), not sent. */
  readonly onOversized?: (peer: number, type: string, bytes: number) => void;
  /** A peer refused an envelope (4xx): it never takes it, so it is given up rather than retried. */
  readonly onRefused?: (peer: number, messages: number, status: number, answer: string) => void;
};

export function createReplicaLinks(selfId: number, peers: readonly { id: number; url: string }[], keys: PairwiseKeys, events: ReplicaLinkEvents = {}): PeerLinks<WireMessage> {
  const json = new WeakMap<WireMessage, { text: string; bytes: number }>();
  /** JSON of one message and its UTF-8 length, built once per message object and shared by every link it goes to. */
  const encoded = (message: WireMessage): { text: string; bytes: number } => {
    let entry = json.get(message);
    if (entry === undefined) {
      const text = stringifyMessage(message);
      entry = { text, bytes: Buffer.byteLength(text, 'utf8') };
      json.set(message, entry);
    }
    return entry;
  };
  const head = `{"from":${JSON.stringify(selfId)},"messages":[`;
  return new PeerLinks<WireMessage>({
    self: selfId,
    peers,
    path: PEER_PATH,
    keys,
    limits: LIMITS,
    // Exactly what stringifyTagged({ from, messages: batch }) produces, from the shared pieces (see stringifyMessage).
    encode: (_peer, batch) => Buffer.from(`${head}${batch.map((message) => encoded(message).text).join(',')}]}`, 'utf8'),
    sizeOf: (message) => encoded(message).bytes + 1,
    onOversized: (peer, message, bytes) => events.onOversized?.(peer, message.type, bytes),
    onRefused: (peer, batch, answer) => events.onRefused?.(peer, batch.length, answer.status, answer.text),
  });
}
