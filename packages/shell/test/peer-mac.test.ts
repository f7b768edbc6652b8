// What a link's MAC guarantees: both ends derive the same key and no third
// peer, nor the same pair under another label, has it; a MAC verifies only
// the exact body it was made for, under that key (a changed byte, another
// pair's key, a truncated or malformed MAC are all rejected); bytes and the
// text they encode verify alike. The key is the one the processes derived
// before the kit existed: sha256(label ‖ NUL ‖ ECDH secret), built here by hand.
import fc from 'fast-check';
import { concatBytes, fromHex, toHex, utf8 } from '@wedge/common';
import { ecdhSharedSecret, keyPairFromSecret, sha256 } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { describe, expect, it } from 'vitest';
import { derivePairwiseKeys, isValidMac, macOf } from '../src/peer-mac.ts';

const secrets = [1, 2, 3].map((seed) => sha256(utf8(`peer-mac test key ${seed}`)));
const publicKeys = secrets.map((secret) => toHex(keyPairFromSecret(fastSecp256k1, secret).publicKey));
const label = (low: number, high: number): string => `wedge/test-chain/peer-mac/${low}/${high}`;
const keysOf = (self: number, labelOf = label) => derivePairwiseKeys({ self, secretKey: secrets[self]!, publicKeys, labelOf });

describe('derivePairwiseKeys', () => {
  it('gives both ends of a pair the same key, and every pair its own', () => {
    const [zero, one, two] = [keysOf(0), keysOf(1), keysOf(2)];
    expect(zero.macKeyFor(1)).toEqual(one.macKeyFor(0));
    expect(one.macKeyFor(2)).toEqual(two.macKeyFor(1));
    expect(zero.macKeyFor(1)).not.toEqual(zero.macKeyFor(2));
    expect(zero.macKeyFor(0)).toBeUndefined();
    expect(zero.macKeyFor(3)).toBeUndefined();
  });

  it('derives sha256(label, NUL, ECDH secret), with the pair in order', () => {
    const expected = sha256(concatBytes(utf8('wedge/test-chain/peer-mac/0/2\u0000'), ecdhSharedSecret(secrets[2]!, fromHex(publicKeys[0]!))));
    expect(keysOf(2).macKeyFor(0)).toEqual(expected);
  });

  it('separates purposes: another label gives another key for the same pair', () => {
    const channel = keysOf(0, (low, high) => `wedge/test-chain/channel-mac/c1/${low}/${high}`);
    expect(channel.macKeyFor(1)).not.toEqual(keysOf(0).macKeyFor(1));
  });
});

describe('macOf / isValidMac', () => {
  const key = keysOf(0).macKeyFor(1)!;
  const otherKey = keysOf(0).macKeyFor(2)!;
  const body = utf8('{"from":0,"messages":[{"type":"prepare"}]}');

  it('accepts the MAC of the exact body, as bytes or as text', () => {
    const mac = macOf(key, body);
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(isValidMac(key, body, mac)).toBe(true);
    expect(isValidMac(key, '{"from":0,"messages":[{"type":"prepare"}]}', mac)).toBe(true);
  });

  it('rejects another pair’s key, a truncated or malformed MAC', () => {
    const mac = macOf(key, body);
    expect(isValidMac(otherKey, body, mac)).toBe(false);
    expect(isValidMac(key, body, macOf(otherKey, body))).toBe(false);
    expect(isValidMac(key, body, mac.slice(0, 62))).toBe(false);
    expect(isValidMac(key, body, '')).toBe(false);
    expect(isValidMac(key, body, 'zz'.repeat(32))).toBe(false);
  });

  it('rejects a body with any byte changed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, flip) => {
        const mac = macOf(key, bytes);
        const tampered = Uint8Array.from(bytes);
        tampered[at % bytes.length]! ^= flip;
        expect(isValidMac(key, bytes, mac)).toBe(true);
        expect(isValidMac(key, tampered, mac)).toBe(false);
      }),
    );
  });
});
