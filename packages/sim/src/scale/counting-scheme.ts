// A signature scheme that counts the signatures it makes and checks: the
// scale measurements (virtual time: work is counted, not timed) give each
// replica or member its own, and tell apart the checks of the protocol's
// signatures (replica votes, member signatures on states) from the checks of
// what a client signed (a transaction, a payment).
import { encodeCanonicalTagged, type SignatureScheme } from '@wedge/crypto';

export type SignatureCounts = {
  signs: number;
  /** Checks of the protocol's own signatures (replica votes, member signatures on states). */
  protocolVerifies: number;
  /** Checks of any other signature (a client's transaction or payment). */
  clientVerifies: number;
};

export function emptySignatureCounts(): SignatureCounts {
  return { signs: 0, protocolVerifies: 0, clientVerifies: 0 };
}

/** Whether a check is of a client's signature (else the protocol's). */
export type IsClientSignature = (publicKey: Uint8Array, preimage: Uint8Array) => boolean;

/** `scheme`, counting into `counts`. */
export function countingScheme(scheme: SignatureScheme, isClient: IsClientSignature, counts: SignatureCounts): SignatureScheme {
  return {
    name: scheme.name,
    signatureBytes: scheme.signatureBytes,
    publicKeyOf: (secretKey) => scheme.publicKeyOf(secretKey),
    sign(secretKey, preimage) {
      counts.signs += 1;
      return scheme.sign(secretKey, preimage);
    },
    verify(publicKey, preimage, signature) {
      if (isClient(publicKey, preimage)) counts.clientVerifies += 1;
      else counts.protocolVerifies += 1;
      return scheme.verify(publicKey, preimage, signature);
    },
  };
}

/** A classifier for signatures under domain tag `tag`: their preimages begin with the tag's encoding. */
export function signedUnderTag(tag: string): (preimage: Uint8Array) => boolean {
  // The tag's part of a tagged preimage: what two encodings of different values under it share.
  const a = encodeCanonicalTagged(tag, 0);
  const b = encodeCanonicalTagged(tag, 'a value of another type');
  let length = 0;
  while (length < a.length && a[length] === b[length]) length += 1;
  const prefix = a.subarray(0, length);
  return (preimage) => preimage.length >= prefix.length && prefix.every((byte, index) => preimage[index] === byte);
}
