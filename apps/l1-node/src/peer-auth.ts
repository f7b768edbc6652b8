// Peer envelopes are authenticated with pairwise HMAC keys derived by ECDH
// from the genesis replica keys — PBFT's MAC authenticators. Only a replica
// of the genesis set can produce a valid MAC for a link, and a MAC costs a
// hash, not a signature verification (verification is our scarcest resource).
// Consensus messages inside still carry their own signatures.
import { createHmac, timingSafeEqual } from 'node:crypto';

import { concatBytes, fromHex, utf8 } from '@wedge/common';
import { ecdhSharedSecret, sha256 } from '@wedge/crypto';

export type PeerKeys = { readonly macKeyFor: (peer: number) => Uint8Array | undefined };

export function derivePeerKeys(chainId: string, selfId: number, secretKey: Uint8Array, publicKeys: readonly string[]): PeerKeys {
  const keys = new Map<number, Uint8Array>();
  publicKeys.forEach((publicKey, peer) => {
    if (peer === selfId) return;
    const shared = ecdhSharedSecret(secretKey, fromHex(publicKey));
    // Both ends derive the same key: the label orders the two ids.
    const [low, high] = selfId < peer ? [selfId, peer] : [peer, selfId];
    keys.set(peer, sha256(concatBytes(utf8(`wedge/${chainId}/peer-mac/${low}/${high}\u0000`), shared)));
  });
  return { macKeyFor: (peer) => keys.get(peer) };
}

export function macOf(key: Uint8Array, body: Uint8Array | string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

export function isValidMac(key: Uint8Array, body: Uint8Array | string, mac: string): boolean {
  const expected = Buffer.from(macOf(key, body), 'hex');
  const given = Buffer.from(mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}


