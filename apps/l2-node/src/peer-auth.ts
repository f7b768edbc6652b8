// Member-to-member envelopes are authenticated with pairwise HMAC keys derived
// by ECDH from the members' public keys on L1 (@wedge/shell's peer-mac.ts, as
// the L1 replicas do). The label names the chain and the channel, so a key
// never authenticates anything for another channel, or for L1, even when the
// same account key is used there. Messages inside carry their own signatures
// where it matters (states, payments); the MAC says which member sent the
// envelope.
import { derivePairwiseKeys, type PairwiseKeys } from '@wedge/shell';

export { isValidMac, macOf } from '@wedge/shell';

export type ChannelPeerKeys = PairwiseKeys;

export function deriveChannelPeerKeys(
  chainId: string,
  channelId: string,
  self: number,
  secretKey: Uint8Array,
  publicKeys: readonly string[],
): ChannelPeerKeys {
  return derivePairwiseKeys({ self, secretKey, publicKeys, labelOf: (low, high) => `wedge/${chainId}/channel-mac/${channelId}/${low}/${high}` });
}
