// secp256k1 verification through OpenSSL (node:crypto), several times
// noble's speed here: the fallback of `fastSecp256k1` where the libsecp256k1
// addon does not load. Signing and key derivation are noble's. OpenSSL
// tolerates encodings that noble rejects (high S, r or s out of range,
// non-compressed keys), so the shared shape checks run before it is asked,
// and the scheme gives noble's answer on every input (test/signatures.test.ts).
import { createPublicKey, verify as opensslVerify, type KeyObject } from 'node:crypto';
import { concatBytes, fromHex, toHex } from '@wedge/common';
import type { SignatureScheme } from '../scheme.ts';
import { isCanonicalSignature, isCompressedKeyShape, nobleSecp256k1 } from '../secp256k1.ts';

// DER prefix of a SubjectPublicKeyInfo for a compressed secp256k1 point.
const SPKI_PREFIX = fromHex('3036301006072a8648ce3d020106052b8104000a032200');
const KEY_CACHE_LIMIT = 4096;
const keyCache = new Map<string, KeyObject | null>();

function opensslKey(publicKey: Uint8Array): KeyObject | null {
  const id = toHex(publicKey);
  const cached = keyCache.get(id);
  if (cached !== undefined) return cached;
  let key: KeyObject | null;
  try {
    key = createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)), format: 'der', type: 'spki' });
  } catch {
    key = null; // not a point on the curve
  }
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  keyCache.set(id, key);
  return key;
}

export const opensslSecp256k1: SignatureScheme = {
  name: 'secp256k1-openssl',
  signatureBytes: nobleSecp256k1.signatureBytes,
  publicKeyOf: nobleSecp256k1.publicKeyOf,
  sign: nobleSecp256k1.sign,
  verify(publicKey, preimage, signature) {
    if (!isCompressedKeyShape(publicKey) || !isCanonicalSignature(signature)) return false;
    const key = opensslKey(publicKey);
    if (key === null) return false;
    try {
      return opensslVerify('sha256', preimage, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false;
    }
  },
};
