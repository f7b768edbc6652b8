// sha256 on any JavaScript platform: @noble/hashes, the audited pure-JS
// implementation DESIGN §2 names. This is the module the pure cores are
// checked against (the "wedge-portable" condition of the "#sha256" import,
// see package.json and test/purity.test.ts), and the one a platform other
// than Node runs. Node runs sha256-node.ts instead, for speed; the two give
// the same bytes on every input (test/platform.test.ts).
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { toHex } from '@wedge/common';

/** Which implementation "#sha256" resolved to. */
export const SHA256_PLATFORM: 'node' | 'portable' = 'portable';

export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}

/** sha256 as 64 lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(nobleSha256(bytes));
}
