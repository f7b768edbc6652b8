// Proves that the two implementations behind "#sha256" (package.json
// "imports") are interchangeable: the Node one (OpenSSL) and the portable one
// (@noble/hashes) give the same digest, as bytes and as hex, on random inputs
// of every length from empty to many blocks, and on views into larger
// buffers. Also proves that Node picks the fast one — under vitest and in a
// plain `node --import tsx` process, as the replicas run — since falling back
// to the portable one would cost every process several µs per transaction
// without any test failing.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '@wedge/common';
import { SHA256_PLATFORM } from '../src/index.ts';
import * as nodeSha256 from '../src/platform/sha256-node.ts';
import * as portableSha256 from '../src/platform/sha256-portable.ts';

describe('the Node and portable sha256', () => {
  it('give identical bytes and hex on random inputs, whole or as a view', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1_100 }), fc.nat(7), (bytes, offset) => {
        const view = concatBytes(new Uint8Array(offset), bytes).subarray(offset);
        const expected = toHex(portableSha256.sha256(bytes));
        expect(toHex(nodeSha256.sha256(bytes))).toBe(expected);
        expect(toHex(nodeSha256.sha256(view))).toBe(expected);
        expect(nodeSha256.sha256Hex(view)).toBe(expected);
        expect(portableSha256.sha256Hex(view)).toBe(expected);
      }),
      { numRuns: 1_000 },
    );
  });

  it('agree at every length around the block and padding boundaries, and on a large input', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 37 + length) & 0xff);
      expect(nodeSha256.sha256Hex(bytes)).toBe(portableSha256.sha256Hex(bytes));
    }
    const large = Uint8Array.from({ length: 1_000_003 }, (_, index) => (index * 7) & 0xff);
    expect(toHex(nodeSha256.sha256(large))).toBe(toHex(portableSha256.sha256(large)));
  });

  it('name themselves', () => {
    expect(nodeSha256.SHA256_PLATFORM).toBe('node');
    expect(portableSha256.SHA256_PLATFORM).toBe('portable');
  });
});

describe('Node', () => {
  it('resolves "#sha256" to the Node implementation under vitest', () => {
    expect(SHA256_PLATFORM).toBe('node');
  });

  it('resolves "#sha256" to the Node implementation in a fresh process, as the processes run', () => {
    const script = "import { SHA256_PLATFORM } from '@wedge/crypto'; console.log(SHA256_PLATFORM);";
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
    });
    expect(output.trim()).toBe('node');
  });
});
