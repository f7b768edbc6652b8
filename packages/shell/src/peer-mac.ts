// Envelopes between peers are authenticated with pairwise HMAC-SHA256 keys
// derived by ECDH from the peers' public keys — PBFT's MAC authenticators. A
// MAC costs a hash, not a signature verification (verification is the
// scarcest resource of a replica), and only the two ends of a link can
// produce one. The messages inside still carry their own signatures where it
// matters; the MAC says which peer sent the envelope.
//
// The label says what the key is for (L1 links, one channel's links) and
// orders the pair, so both ends derive the same key and a key never
// authenticates anything for another purpose, even where the same account key
// is used for both.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { concatBytes, fromHex, utf8 } from '@wedge/common';
import { ecdhSharedSecret, sha256 } from '@wedge/crypto';

/** The MAC key of each link from this peer, by the other end's index. */
export type PairwiseKeys = { readonly macKeyFor: (peer: number) => Uint8Array | undefined };

export type PairwiseKeysParameters = {
  /** This peer's index in `publicKeys`. */
  readonly self: number;
  readonly secretKey: Uint8Array;
  /** Every peer's public key (hex), in index order; this peer's own is skipped. */
  readonly publicKeys: readonly string[];
  /** The key's purpose for the pair `low < high`, e.g. `wedge/<chainId>/peer-mac/<low>/<high>`; a NUL byte ends it. */
  readonly labelOf: (low: number, high: number) => string;
};

export function derivePairwiseKeys({ self, secretKey, publicKeys, labelOf }: PairwiseKeysParameters): PairwiseKeys {
  const keys = new Map<number, Uint8Array>();
  publicKeys.forEach((publicKey, peer) => {
    if (peer === self) return;
    const shared = ecdhSharedSecret(secretKey, fromHex(publicKey));
    const low = Math.min(self, peer);
    const high = Math.max(self, peer);
    keys.set(peer, sha256(concatBytes(utf8(`${labelOf(low, high)}\u0000`), shared)));
  });
  return { macKeyFor: (peer) => keys.get(peer) };
}

/** The MAC of a body, as 64 hex characters; a string is taken as its UTF-8 bytes. */
export function macOf(key: Uint8Array, body: Uint8Array | string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

/** True when `mac` is the body's MAC under `key` (compared in constant time). */
export function isValidMac(key: Uint8Array, body: Uint8Array | string, mac: string): boolean {
  const expected = Buffer.from(macOf(key, body), 'hex');
  const given = Buffer.from(mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
