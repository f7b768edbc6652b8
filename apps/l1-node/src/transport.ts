// The replica's outbound links to the other replicas: @wedge/shell's
// PeerLinks (one bounded queue per peer, one keep-alive request at a time,
// batching, backoff; a failed batch is put back within the bound), with the
// L1's limits and envelope. When a queue overflows the oldest messages go —
// PBFT tolerates loss and retransmits what matters (state transfer, new-view
// requests) — and any answer but 2xx is retried.
//
// A message is serialized once, however many peers it goes to: a broadcast
// proposal carries a whole block, and its JSON would otherwise be built n-1
// times. The envelope is encoded to bytes once, for the MAC and the socket.
import { PeerLinks, type PairwiseKeys } from '@wedge/shell';
import type { WireMessage } from './peer-schema.ts';
import { stringifyMessage } from './tagged-json.ts';

export const PEER_PATH = '/v1/peer/messages';

const LIMITS = { maxQueuedMessages: 20_000, maxBatchMessages: 512, backoffMsMin: 50, backoffMsMax: 2_000, requestTimeoutMs: 10_000 };

export function createReplicaLinks(selfId: number, peers: readonly { id: number; url: string }[], keys: PairwiseKeys): PeerLinks<WireMessage> {
  const json = new WeakMap<WireMessage, string>();
  /** JSON of one message, built once per message object and shared by every link it goes to. */
  const serialized = (message: WireMessage): string => {
    let text = json.get(message);
    if (text === undefined) {
      text = stringifyMessage(message);
      json.set(message, text);
    }
    return text;
  };
  const head = `{"from":${JSON.stringify(selfId)},"messages":[`;
  return new PeerLinks<WireMessage>({
    self: selfId,
    peers,
    path: PEER_PATH,
    keys,
    limits: LIMITS,
    // Exactly what stringifyTagged({ from, messages: batch }) produces, from the shared pieces (see stringifyMessage).
    encode: (_peer, batch) => Buffer.from(`${head}${batch.map(serialized).join(',')}]}`, 'utf8'),
  });
}
