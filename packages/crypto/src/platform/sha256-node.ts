// sha256 for Node, selected by the "node" condition of the "#sha256" import
// (package.json). It runs through OpenSSL's one-shot `crypto.hash`, which
// skips the Hash object that `createHash` builds. Hashing is on the hottest
// path of every process (a transaction's id, its signing preimage's digest,
// every block, state root and payment), and there this is several times the
// speed of the portable module (sha256-portable.ts) on the small inputs
// hashed there: for 220 bytes 0.34 µs to hex against 2.4 µs, and 1.2 µs to
// bytes against 2.1 µs (`npx tsx scripts/bench/platform.ts`). Both give the
// same bytes on every input (test/platform.test.ts).
import { hash as oneShotHash } from 'node:crypto';

/** Which implementation "#sha256" resolved to. */
export const SHA256_PLATFORM: 'node' | 'portable' = 'node';

export function sha256(bytes: Uint8Array): Uint8Array {
  const digest = oneShotHash('sha256', bytes, 'buffer') as Buffer;
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** sha256 as 64 lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return oneShotHash('sha256', bytes, 'hex') as string;
}
