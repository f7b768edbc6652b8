// sha256 for Node, selected by the "node" condition of the "#sha256" import
// (package.json). It runs through OpenSSL's one-shot `crypto.hash`, which
// skips the Hash object that `createHash` builds. Hashing is on the hottest
// path of every process (transaction ids, blocks, state roots, payments),
// and there this is several times the speed of the portable module
// (sha256-portable.ts): for 220 bytes 0.34 µs to hex against 2.4 µs, and
// 1.3 µs to bytes against 2.3 µs; for 1,000 bytes 0.75 µs against 7.0 µs
// (`npx tsx scripts/bench/platform.ts`). A replica under load hashes about
// 1.3 times and ~760 bytes per committed transaction (counted over a run of
// scripts/l1-inproc.ts, its client included), so the portable module would
// cost it ~4-5 µs of its ~300 µs per transaction: more than the 1% a
// portable replacement may cost. Both give the same bytes on every input
// (test/platform.test.ts).
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
