// Peer envelopes are authenticated with pairwise HMAC keys derived by ECDH
// from the genesis replica keys (@wedge/shell's peer-mac.ts): only a replica
// of the genesis set can produce a valid MAC for a link. The label names the
// chain, so an L1 link key is never a channel's. Consensus messages inside
// still carry their own signatures.
import { derivePairwiseKeys, type PairwiseKeys } from '@wedge/shell';

export { isValidMac, macOf } from '@wedge/shell';

export type PeerKeys = PairwiseKeys;

export function derivePeerKeys(chainId: string, selfId: number, secretKey: Uint8Array, publicKeys: readonly string[]): PeerKeys {
  return derivePairwiseKeys({ self: selfId, secretKey, publicKeys, labelOf: (low, high) => `wedge/${chainId}/peer-mac/${low}/${high}` });
}
