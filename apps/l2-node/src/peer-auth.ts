// Member-to-member envelopes are authenticated with pairwise HMAC keys derived
// by ECDH from the members' public keys on L1, as the L1 replicas do (see
// apps/l1-node/src/peer-auth.ts, whose MAC functions this reuses). The label
// names the chain and the channel, so a key never authenticates anything for
// another channel, or for L1, even when the same account key is used there.
// Messages inside carry their own signatures where it matters (states,
// payments); the MAC says which member sent the envelope.
import { concatBytes, fromHex, utf8 } from '@wedge/common';
import { ecdhSharedSecret, sha256 } from '@wedge/crypto';

export { isValidMac, macOf } from '../../l1-node/src/peer-auth.ts';

export type ChannelPeerKeys = { readonly macKeyFor: (member: number) => Uint8Array | undefined };

export function deriveChannelPeerKeys(
  chainId: string,
  channelId: string,
  self: number,
  secretKey: Uint8Array,
  publicKeys: readonly string[],
): ChannelPeerKeys {
  const keys = new Map<number, Uint8Array>();
  publicKeys.forEach((publicKey, member) => {
    if (member === self) return;
    const shared = ecdhSharedSecret(secretKey, fromHex(publicKey));
    // Both ends derive the same key: the label orders the two indexes.
    const [low, high] = self < member ? [self, member] : [member, self];
    keys.set(member, sha256(concatBytes(utf8(`wedge/${chainId}/channel-mac/${channelId}/${low}/${high}\u0000`), shared)));
  });
  return { macKeyFor: (member) => keys.get(member) };
}
