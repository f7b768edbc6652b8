// A scheme wrapper for a member process: it remembers the signatures the
// member made with its own key, so that checking one of them again costs a
// set lookup instead of a secp256k1 verification. Every certificate a member
// accepts from a peer carries the member's own signature next to the others',
// and the core checks all of them (honest-member rule 1); our own signature
// over a preimage we just signed is valid by construction, so remembering it
// is as sound as verifying it. This takes one verification per certificate
// off every member that does not build the certificate itself.
import { equalBytes, toHex } from '@wedge/common';
import { sha256, type KeyPair, type SignatureScheme } from '@wedge/crypto';

/** Own signatures remembered, newest kept: only the last few certificates matter. */
const OWN_SIGNATURES_MAX = 1_024;

export function withOwnSignatures(scheme: SignatureScheme, account: KeyPair): SignatureScheme {
  const made = new Set<string>();
  const ownPublicKey = toHex(account.publicKey);
  const keyOf = (preimage: Uint8Array, signature: Uint8Array): string => `${toHex(signature)}:${toHex(sha256(preimage))}`;
  return {
    name: `${scheme.name}+own`,
    signatureBytes: scheme.signatureBytes,
    publicKeyOf: (secretKey) => scheme.publicKeyOf(secretKey),
    sign(secretKey, preimage) {
      const signature = scheme.sign(secretKey, preimage);
      if (equalBytes(secretKey, account.secretKey)) {
        // Oldest first: a Set iterates in insertion order.
        if (made.size >= OWN_SIGNATURES_MAX) made.delete(made.values().next().value!);
        made.add(keyOf(preimage, signature));
      }
      return signature;
    },
    verify(publicKey, preimage, signature) {
      if (toHex(publicKey) === ownPublicKey && made.has(keyOf(preimage, signature))) return true;
      return scheme.verify(publicKey, preimage, signature);
    },
  };
}
