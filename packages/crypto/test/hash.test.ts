// Proves that Wedge's sha256 (what "#sha256" resolves to: under Node,
// OpenSSL) is the reference sha256 (@noble/hashes) on every input, including
// empty and multi-block ones, and that the tagged hash is the sha256 of the
// tagged preimage.
import fc from 'fast-check';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex, utf8 } from '@wedge/common';
import { domainTag, encodeCanonical, hashTagged, sha256 } from '../src/index.ts';

describe('sha256', () => {
  it('equals the noble reference on random inputs of every length up to several blocks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(toHex(sha256(bytes))).toBe(toHex(nobleSha256(bytes)));
      }),
      { numRuns: 500 },
    );
  });

  it('matches the FIPS 180-2 known answers', () => {
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes a tagged object as sha256(utf8(tag) || 0x00 || canonical(object))', () => {
    const tag = domainTag('wedge-test', 'payment');
    const object = { amount: 5n, to: 1 };
    expect(toHex(hashTagged(tag, object))).toBe(toHex(nobleSha256(concatBytes(utf8(tag), Uint8Array.of(0), encodeCanonical(object)))));
  });
});
