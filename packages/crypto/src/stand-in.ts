// A fast stand-in signature scheme for the deterministic simulator only.
// A public key is a hash of its secret key, and a signature is a keyed hash of
// the message. Verification needs the secret key, so the scheme instance keeps
// a registry of the keys it derived: inside one simulation that registry plays
// the part of the discrete-log assumption — a node that holds only its own
// secret key still cannot produce anyone else's signatures.
import { concatBytes, toHex, utf8 } from '@wedge/common';
import { sha256 } from './hash.ts';
import type { SignatureScheme } from './scheme.ts';

const PUBLIC_TAG = utf8('wedge-stand-in/public');
const SIGN_TAG = utf8('wedge-stand-in/sign');

export function createStandInScheme(): SignatureScheme {
  const secretByPublic = new Map<string, Uint8Array>();
  const signWith = (secretKey: Uint8Array, preimage: Uint8Array): Uint8Array => {
    const digest = sha256(preimage);
    const mac = sha256(concatBytes(SIGN_TAG, secretKey, digest));
    return concatBytes(mac, sha256(mac));
  };
  return {
    name: 'stand-in',
    signatureBytes: 64,
    publicKeyOf(secretKey) {
      const publicKey = concatBytes(new Uint8Array([0x02]), sha256(concatBytes(PUBLIC_TAG, secretKey)));
      // A copy, so that a caller reusing or zeroing its buffer cannot change the registry.
      secretByPublic.set(toHex(publicKey), secretKey.slice());
      return publicKey;
    },
    sign: signWith,
    verify(publicKey, preimage, signature) {
      const secretKey = secretByPublic.get(toHex(publicKey));
      if (secretKey === undefined || signature.length !== 64) return false;
      const expected = signWith(secretKey, preimage);
      for (let i = 0; i < 64; i++) if (expected[i] !== signature[i]) return false;
      return true;
    },
  };
}
