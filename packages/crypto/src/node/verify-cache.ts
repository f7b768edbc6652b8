// A scheme wrapper that remembers successful verifications, so that a
// replica verifies a transaction's signature once — when the request arrives
// — and not again when a proposal carries it or a block executes it.
// Verification is the ceiling of the whole system (DESIGN §2). Only positive
// results are cached, keyed by key, signature and the message's hash, so a
// cache hit is exactly as sound as the verification it remembers.
import { createHash } from 'node:crypto';
import type { SignatureScheme } from '../scheme.ts';
import { deleteOldest } from '@wedge/common';

/**
 * One sha256 over the three inputs, each length-prefixed so that no two
 * triples share bytes; a cache hit needs the same key, signature and message.
 */
function cacheKey(publicKey: Uint8Array, preimage: Uint8Array, signature: Uint8Array): string {
  const lengths = Buffer.allocUnsafe(12);
  lengths.writeUInt32BE(publicKey.length, 0);
  lengths.writeUInt32BE(signature.length, 4);
  lengths.writeUInt32BE(preimage.length, 8);
  return createHash('sha256').update(lengths).update(publicKey).update(signature).update(preimage).digest('base64');
}

export function withVerifyCache(scheme: SignatureScheme, capacity = 100_000): SignatureScheme {
  const verified = new Set<string>();
  return {
    name: `${scheme.name}+cache`,
    signatureBytes: scheme.signatureBytes,
    publicKeyOf: (secretKey) => scheme.publicKeyOf(secretKey),
    sign: (secretKey, preimage) => scheme.sign(secretKey, preimage),
    verify(publicKey, preimage, signature) {
      const key = cacheKey(publicKey, preimage, signature);
      if (verified.has(key)) return true;
      const valid = scheme.verify(publicKey, preimage, signature);
      if (valid) {
        // Oldest first: a Set iterates in insertion order.
        if (verified.size >= capacity) deleteOldest(verified);
        verified.add(key);
      }
      return valid;
    },
  };
}
