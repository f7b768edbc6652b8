// A scheme wrapper that remembers successful verifications, so that a
// replica verifies a transaction's signature once — when the request arrives
// — and not again when a proposal carries it or a block executes it.
// Verification is the ceiling of the whole system (DESIGN §2). Only positive
// results are cached, keyed by key, signature and the message's hash, so a
// cache hit is exactly as sound as the verification it remembers.
import { toHex } from '@wedge/common';
import { sha256 } from './hash.ts';
import type { SignatureScheme } from './scheme.ts';

export function withVerifyCache(scheme: SignatureScheme, capacity = 100_000): SignatureScheme {
  const verified = new Set<string>();
  return {
    name: `${scheme.name}+cache`,
    signatureBytes: scheme.signatureBytes,
    publicKeyOf: (secretKey) => scheme.publicKeyOf(secretKey),
    sign: (secretKey, preimage) => scheme.sign(secretKey, preimage),
    verify(publicKey, preimage, signature) {
      const key = `${toHex(publicKey)}:${toHex(signature)}:${toHex(sha256(preimage))}`;
      if (verified.has(key)) return true;
      const valid = scheme.verify(publicKey, preimage, signature);
      if (valid) {
        // Oldest first: a Set iterates in insertion order.
        if (verified.size >= capacity) verified.delete(verified.values().next().value!);
        verified.add(key);
      }
      return valid;
    },
  };
}
