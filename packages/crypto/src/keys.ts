// Keys and addresses. An address is the first 20 bytes of the tagged hash of
// a compressed public key, shown as 40 lowercase hex characters. A fresh
// random key needs the platform's randomness, so it is made by the Node-only
// entry (node/random-key-pair.ts), never here.
import { concatBytes, toHex, utf8 } from '@wedge/common';
import { sha256 } from './hash.ts';
import type { SignatureScheme } from './scheme.ts';
import { isValidSecretKey } from './secp256k1.ts';

export type KeyPair = {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: string;
};

const ADDRESS_TAG = utf8('wedge/address\u0000');
const SEED_TAG = utf8('wedge/key-seed\u0000');
export const ADDRESS_PATTERN = /^[0-9a-f]{40}$/;

export function addressOf(publicKey: Uint8Array): string {
  return toHex(sha256(concatBytes(ADDRESS_TAG, publicKey)).subarray(0, 20));
}

export function keyPairFromSecret(scheme: SignatureScheme, secretKey: Uint8Array): KeyPair {
  const publicKey = scheme.publicKeyOf(secretKey);
  return { secretKey, publicKey, address: addressOf(publicKey) };
}

/** Deterministic key pair from a seed string: for tests, the simulator and demo genesis. */
export function keyPairFromSeed(scheme: SignatureScheme, seed: string): KeyPair {
  for (let counter = 0; counter < 256; counter++) {
    const secretKey = sha256(concatBytes(SEED_TAG, utf8(seed), new Uint8Array([counter])));
    if (isValidSecretKey(secretKey)) return keyPairFromSecret(scheme, secretKey);
  }
  throw new Error('keyPairFromSeed: no valid key in 256 tries'); // probability ~2^-32000
}
