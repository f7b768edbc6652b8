// Proves that the three secp256k1 verifiers, `nobleSecp256k1` (the pure-JS
// reference), `opensslSecp256k1` (node:crypto) and `nativeSecp256k1`
// (libsecp256k1, the one the processes use where it loads), give the same
// answer on valid signatures and on every kind of bad input we could think of: wrong message,
// key or domain tag, malleated high-S twins (which raw OpenSSL would accept),
// garbage, out-of-range r and s, wrong lengths, invalid public keys and single
// bit flips. Also proves that signing is low-S and deterministic, key
// derivation from a seed is deterministic, and that the simulator's stand-in
// scheme only verifies signatures made with the matching secret key. The
// native addon must load on linux-x64: a fallback there would be a silent
// five-fold slowdown of every process.
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify as opensslVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromHex, toHex, utf8 } from '@wedge/common';
import {
  ADDRESS_PATTERN,
  CURVE_ORDER,
  addressOf,
  createStandInScheme,
  domainTag,
  isCanonicalSignature,
  keyPairFromSeed,
  malleate,
  nobleSecp256k1,
  signObject,
  verifyObject,
  type Canonical,
  type KeyPair,
} from '../src/index.ts';
import { fastSecp256k1, nativeSecp256k1, nativeSecp256k1Unavailable, opensslSecp256k1 } from '../src/node/index.ts';

// ---------------------------------------------------------------------------
// Helpers

/** The field prime p of secp256k1. */
const FIELD_PRIME = 2n ** 256n - 2n ** 32n - 977n;
const HALF_ORDER = CURVE_ORDER >> 1n;

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** True when some point on the curve has this x coordinate (x^3 + 7 is a square mod p). */
function isCurveX(x: bigint): boolean {
  const rhs = (modPow(x, 3n, FIELD_PRIME) + 7n) % FIELD_PRIME;
  return rhs === 0n || modPow(rhs, (FIELD_PRIME - 1n) / 2n, FIELD_PRIME) === 1n;
}

const scalar32 = (value: bigint): Uint8Array => fromHex(value.toString(16).padStart(64, '0'));
const bigintOf = (bytes: Uint8Array): bigint => BigInt(`0x${toHex(bytes)}`);
const withR = (signature: Uint8Array, r: bigint): Uint8Array => concatBytes(scalar32(r), signature.subarray(32));
const withS = (signature: Uint8Array, s: bigint): Uint8Array => concatBytes(signature.subarray(0, 32), scalar32(s));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  const index = Math.floor(bit / 8) % out.length;
  out[index] = out[index]! ^ (1 << bit % 8);
  return out;
}

const native = nativeSecp256k1 ?? opensslSecp256k1;
/** The schemes compared with the reference (noble). */
const FAST_SCHEMES = [opensslSecp256k1, native, fastSecp256k1] as const;

/** Runs every verifier, checks that they agree, and returns their answer. */
function verifyAll(publicKey: Uint8Array, preimage: Uint8Array, signature: Uint8Array): boolean {
  const noble = nobleSecp256k1.verify(publicKey, preimage, signature);
  const openssl = opensslSecp256k1.verify(publicKey, preimage, signature);
  const libsecp = native.verify(publicKey, preimage, signature);
  expect({ noble, openssl, libsecp }).toEqual({ noble, openssl: noble, libsecp: noble });
  return noble;
}

// Key derivation costs about as much as a verification, so properties draw
// from a fixed pool of key pairs instead of deriving one per run.
const KEY_POOL: readonly KeyPair[] = Array.from({ length: 16 }, (_, i) => keyPairFromSeed(nobleSecp256k1, `pool-${i}`));
const keyIndex = fc.nat({ max: KEY_POOL.length - 1 });
const keyAt = (index: number): KeyPair => KEY_POOL[index]!;
const message = fc.uint8Array({ maxLength: 200 });

const chainId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
const kind = fc.stringMatching(/^[a-z][a-z0-9.-]{0,8}$/);
const smallObject: fc.Arbitrary<Canonical> = fc.record({
  channelId: fc.stringMatching(/^[0-9a-f]{8}$/),
  version: fc.nat(),
  amount: fc.bigInt({ min: 0n, max: 10n ** 30n }),
  final: fc.boolean(),
});

// ---------------------------------------------------------------------------

describe('noble, OpenSSL and libsecp256k1 agree on valid signatures', () => {
  it('all accept every signature made by the matching key', () => {
    fc.assert(
      fc.property(keyIndex, message, (index, preimage) => {
        const { secretKey, publicKey } = keyAt(index);
        const signature = nobleSecp256k1.sign(secretKey, preimage);
        expect(signature.length).toBe(64);
        expect(isCanonicalSignature(signature)).toBe(true);
        expect(verifyAll(publicKey, preimage, signature)).toBe(true);
      }),
      { numRuns: 250 },
    );
  });

  it('all accept signatures on tagged objects under the same tag', () => {
    fc.assert(
      fc.property(keyIndex, chainId, kind, smallObject, (index, chain, messageKind, object) => {
        const { secretKey, publicKey } = keyAt(index);
        const tag = domainTag(chain, messageKind);
        for (const signer of FAST_SCHEMES) {
          const signature = signObject(signer, secretKey, tag, object);
          expect(verifyObject(nobleSecp256k1, publicKey, tag, object, signature)).toBe(true);
          for (const verifier of FAST_SCHEMES) expect(verifyObject(verifier, publicKey, tag, object, signature)).toBe(true);
        }
      }),
      { numRuns: 80 },
    );
  });
});

describe('noble, OpenSSL and libsecp256k1 agree on invalid signatures', () => {
  it('all reject a signature over a different message', () => {
    fc.assert(
      fc.property(keyIndex, message, message, (index, signed, other) => {
        fc.pre(!equalBytes(signed, other));
        const { secretKey, publicKey } = keyAt(index);
        expect(verifyAll(publicKey, other, nobleSecp256k1.sign(secretKey, signed))).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('all reject a signature made with a different key', () => {
    fc.assert(
      fc.property(keyIndex, keyIndex, message, (signer, other, preimage) => {
        fc.pre(signer !== other);
        const signature = nobleSecp256k1.sign(keyAt(signer).secretKey, preimage);
        expect(verifyAll(keyAt(other).publicKey, preimage, signature)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('all reject a signature under a different domain tag (chain or kind)', () => {
    fc.assert(
      fc.property(keyIndex, chainId, kind, chainId, kind, smallObject, (index, chainA, kindA, chainB, kindB, object) => {
        fc.pre(chainA !== chainB || kindA !== kindB);
        const { secretKey, publicKey } = keyAt(index);
        const signature = signObject(nobleSecp256k1, secretKey, domainTag(chainA, kindA), object);
        const otherTag = domainTag(chainB, kindB);
        expect(verifyObject(nobleSecp256k1, publicKey, otherTag, object, signature)).toBe(false);
        for (const verifier of FAST_SCHEMES) expect(verifyObject(verifier, publicKey, otherTag, object, signature)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('all reject the malleated high-S twin, which raw OpenSSL accepts', () => {
    fc.assert(
      fc.property(keyIndex, message, (index, preimage) => {
        const { secretKey, publicKey } = keyAt(index);
        const signature = nobleSecp256k1.sign(secretKey, preimage);
        const twin = malleate(signature);
        expect(bigintOf(twin.subarray(32)) > HALF_ORDER).toBe(true);
        expect(isCanonicalSignature(twin)).toBe(false);
        expect(verifyAll(publicKey, preimage, twin)).toBe(false);
        // Without the low-S pre-check OpenSSL would take it: the check is what keeps them in step.
        expect(rawOpensslVerify(publicKey, preimage, twin)).toBe(true);
        // Malleating twice gives back the original.
        expect(toHex(malleate(twin))).toBe(toHex(signature));
      }),
      { numRuns: 80 },
    );
  });

  it('all reject random 64-byte garbage', () => {
    fc.assert(
      fc.property(keyIndex, message, fc.uint8Array({ minLength: 64, maxLength: 64 }), (index, preimage, garbage) => {
        expect(verifyAll(keyAt(index).publicKey, preimage, garbage)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('all reject r or s equal to 0, at or above n, or just above n/2', () => {
    const { secretKey, publicKey } = keyAt(0);
    const preimage = utf8('range checks');
    const signature = nobleSecp256k1.sign(secretKey, preimage);
    const r = bigintOf(signature.subarray(0, 32));
    const s = bigintOf(signature.subarray(32));
    const variants = [
      withR(signature, 0n),
      withS(signature, 0n),
      concatBytes(scalar32(0n), scalar32(0n)),
      withR(signature, CURVE_ORDER),
      withR(signature, CURVE_ORDER + 1n),
      withR(signature, r + CURVE_ORDER < 2n ** 256n ? r + CURVE_ORDER : 2n ** 256n - 1n),
      withR(signature, 2n ** 256n - 1n),
      withS(signature, CURVE_ORDER),
      withS(signature, CURVE_ORDER + s < 2n ** 256n ? CURVE_ORDER + s : 2n ** 256n - 1n),
      withS(signature, 2n ** 256n - 1n),
      withS(signature, HALF_ORDER + 1n),
    ];
    expect(verifyAll(publicKey, preimage, signature)).toBe(true);
    for (const variant of variants) expect(verifyAll(publicKey, preimage, variant)).toBe(false);
  });

  it('all reject truncated and extended signatures', () => {
    fc.assert(
      fc.property(
        keyIndex,
        message,
        fc.integer({ min: 0, max: 63 }),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        (index, preimage, keep, extra) => {
          const { secretKey, publicKey } = keyAt(index);
          const signature = nobleSecp256k1.sign(secretKey, preimage);
          expect(verifyAll(publicKey, preimage, signature.subarray(0, keep))).toBe(false);
          expect(verifyAll(publicKey, preimage, concatBytes(signature, extra))).toBe(false);
          expect(verifyAll(publicKey, preimage, concatBytes(extra, signature))).toBe(false);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('all reject invalid public keys', () => {
    const { secretKey, publicKey } = keyAt(1);
    const preimage = utf8('key checks');
    const signature = nobleSecp256k1.sign(secretKey, preimage);
    const x = publicKey.subarray(1);
    let offCurveX = 1n;
    while (isCurveX(offCurveX)) offCurveX++;
    let smallCurveX = 1n;
    while (!isCurveX(smallCurveX)) smallCurveX++;
    const uncompressed = uncompressedPublicKey(secretKey);
    const badKeys: Array<[string, Uint8Array]> = [
      ['prefix 0x00', concatBytes(Uint8Array.of(0x00), x)],
      ['prefix 0x01', concatBytes(Uint8Array.of(0x01), x)],
      ['prefix 0x04 on 33 bytes', concatBytes(Uint8Array.of(0x04), x)],
      ['prefix 0x06 (hybrid)', concatBytes(Uint8Array.of(0x06), x)],
      ['prefix 0xff', concatBytes(Uint8Array.of(0xff), x)],
      ['x not on the curve', concatBytes(Uint8Array.of(0x02), scalar32(offCurveX))],
      ['x = p + (a curve x)', concatBytes(Uint8Array.of(0x02), scalar32(FIELD_PRIME + smallCurveX))],
      ['x = p', concatBytes(Uint8Array.of(0x02), scalar32(FIELD_PRIME))],
      ['x = 0', concatBytes(Uint8Array.of(0x02), scalar32(0n))],
      ['x = 2^256 - 1', concatBytes(Uint8Array.of(0x03), scalar32(2n ** 256n - 1n))],
      ['65-byte uncompressed form of the right key', uncompressed],
      ['32 bytes (prefix dropped)', x],
      ['34 bytes', concatBytes(publicKey, Uint8Array.of(0))],
      ['empty', new Uint8Array(0)],
      ['the other parity of the right x', concatBytes(Uint8Array.of(publicKey[0] === 0x02 ? 0x03 : 0x02), x)],
    ];
    expect(isCurveX(offCurveX)).toBe(false);
    expect(uncompressed.length).toBe(65);
    expect(verifyAll(publicKey, preimage, signature)).toBe(true);
    for (const [name, badKey] of badKeys) {
      expect([name, verifyAll(badKey, preimage, signature)]).toEqual([name, false]);
    }
  });

  it('all reject random x coordinates that are not on the curve, and agree on random ones', () => {
    const { secretKey } = keyAt(2);
    const preimage = utf8('random keys');
    const signature = nobleSecp256k1.sign(secretKey, preimage);
    fc.assert(
      fc.property(fc.constantFrom(0x02, 0x03), fc.uint8Array({ minLength: 32, maxLength: 32 }), (prefix, xBytes) => {
        const key = concatBytes(Uint8Array.of(prefix), xBytes);
        // A valid random key is not the signer's, so the answer is false either way.
        expect(verifyAll(key, preimage, signature)).toBe(false);
        if (!isCurveX(bigintOf(xBytes))) expect(nobleSecp256k1.verify(key, preimage, signature)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('all reject a single bit flip in the signature, the message or the key', () => {
    fc.assert(
      fc.property(keyIndex, fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.constantFrom('signature', 'message', 'key'), (index, preimage, bit, where) => {
        const { secretKey, publicKey } = keyAt(index);
        const signature = nobleSecp256k1.sign(secretKey, preimage);
        const flippedSignature = where === 'signature' ? flipBit(signature, bit) : signature;
        const flippedMessage = where === 'message' ? flipBit(preimage, bit) : preimage;
        const flippedKey = where === 'key' ? flipBit(publicKey, bit) : publicKey;
        expect(verifyAll(flippedKey, flippedMessage, flippedSignature)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('never throw on malformed input', () => {
    const { publicKey } = keyAt(3);
    for (const scheme of [nobleSecp256k1, ...FAST_SCHEMES]) {
      expect(scheme.verify(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0))).toBe(false);
      expect(scheme.verify(publicKey, new Uint8Array(100_000), new Uint8Array(64))).toBe(false);
    }
  });
});

describe('the native scheme', () => {
  it('loads on linux-x64 and is the fast scheme the processes use', () => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return;
    expect(nativeSecp256k1Unavailable).toBe(null);
    expect(nativeSecp256k1?.name).toBe('secp256k1-native');
    expect(fastSecp256k1).toBe(nativeSecp256k1);
  });

  it('gives way to OpenSSL when WEDGE_SECP256K1=openssl, in a fresh process', () => {
    const script = "import { fastSecp256k1, nativeSecp256k1Unavailable } from './packages/crypto/src/node/index.ts'; console.log(JSON.stringify([fastSecp256k1.name, nativeSecp256k1Unavailable]));";
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../../..', import.meta.url),
      env: { ...process.env, WEDGE_SECP256K1: 'openssl' },
      encoding: 'utf8',
    });
    expect(JSON.parse(output.trim())).toEqual(['secp256k1-openssl', 'WEDGE_SECP256K1=openssl']);
  });

  it('refuses invalid secret keys when signing or deriving, like noble', () => {
    for (const bad of [new Uint8Array(32), scalar32(CURVE_ORDER), new Uint8Array(31), fromHex('ff'.repeat(32))]) {
      expect(() => nobleSecp256k1.sign(bad, utf8('x'))).toThrow();
      expect(() => native.sign(bad, utf8('x'))).toThrow();
      expect(() => native.publicKeyOf(bad)).toThrow();
    }
  });
});

describe('secp256k1 signing and keys', () => {
  it('signs deterministically (RFC 6979) and always low-S', () => {
    fc.assert(
      fc.property(keyIndex, message, (index, preimage) => {
        const { secretKey } = keyAt(index);
        const first = nobleSecp256k1.sign(secretKey, preimage);
        for (const scheme of FAST_SCHEMES) expect(toHex(scheme.sign(secretKey, preimage))).toBe(toHex(first));
        expect(bigintOf(first.subarray(32)) <= HALF_ORDER).toBe(true);
        expect(bigintOf(first.subarray(32)) > 0n).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('derives the same key pair from the same seed, different ones from different seeds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (seedA, seedB) => {
        const a1 = keyPairFromSeed(nobleSecp256k1, seedA);
        for (const scheme of FAST_SCHEMES) {
          const a2 = keyPairFromSeed(scheme, seedA);
          expect(toHex(a2.secretKey)).toBe(toHex(a1.secretKey));
          expect(toHex(a2.publicKey)).toBe(toHex(a1.publicKey));
          expect(a2.address).toBe(a1.address);
        }
        expect(a1.publicKey.length).toBe(33);
        expect(a1.address).toMatch(ADDRESS_PATTERN);
        expect(a1.address).toBe(addressOf(a1.publicKey));
        if (seedA !== seedB) expect(keyPairFromSeed(nobleSecp256k1, seedB).address).not.toBe(a1.address);
      }),
      { numRuns: 30 },
    );
  });

  it('gives every public key a 40-hex-character address', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (publicKey) => {
        expect(addressOf(publicKey)).toMatch(/^[0-9a-f]{40}$/);
      }),
    );
  });

  it('builds domain tags only from valid chain ids and kinds', () => {
    expect(domainTag('wedge-1', 'channel.state')).toBe('wedge/wedge-1/channel.state');
    for (const [chain, messageKind] of [
      ['', 'tx'],
      ['Upper', 'tx'],
      ['a/b', 'tx'],
      ['-a', 'tx'],
      ['a', ''],
      ['a', '1tx'],
      ['a', 'tx/x'],
      ['a', 'tx\u0000'],
      ['a'.repeat(64), 'tx'],
    ] as const) {
      expect(() => domainTag(chain, messageKind)).toThrow(TypeError);
    }
  });
});

describe('the stand-in scheme', () => {
  it('verifies only signatures made with the matching secret key', () => {
    const scheme = createStandInScheme();
    const pairs = Array.from({ length: 6 }, (_, i) => keyPairFromSeed(scheme, `stand-in-${i}`));
    fc.assert(
      fc.property(fc.nat({ max: 5 }), fc.nat({ max: 5 }), message, message, (signer, claimed, signed, checked) => {
        const signature = scheme.sign(pairs[signer]!.secretKey, signed);
        expect(signature.length).toBe(scheme.signatureBytes);
        const expected = signer === claimed && equalBytes(signed, checked);
        expect(scheme.verify(pairs[claimed]!.publicKey, checked, signature)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects bit flips, wrong lengths and malleated signatures', () => {
    const scheme = createStandInScheme();
    const { secretKey, publicKey } = keyPairFromSeed(scheme, 'flip');
    fc.assert(
      fc.property(message, fc.nat({ max: 511 }), (preimage, bit) => {
        const signature = scheme.sign(secretKey, preimage);
        expect(scheme.verify(publicKey, preimage, signature)).toBe(true);
        expect(scheme.verify(publicKey, preimage, flipBit(signature, bit))).toBe(false);
        expect(scheme.verify(publicKey, preimage, signature.subarray(0, 63))).toBe(false);
        expect(scheme.verify(publicKey, preimage, concatBytes(signature, Uint8Array.of(0)))).toBe(false);
        expect(scheme.verify(flipBit(publicKey, bit), preimage, signature)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects public keys it did not derive, even for a valid-looking signature', () => {
    const scheme = createStandInScheme();
    const secretKey = keyPairFromSeed(nobleSecp256k1, 'never-registered').secretKey;
    const preimage = utf8('hello');
    const signature = scheme.sign(secretKey, preimage);
    // The secp256k1 public key of the same secret, and random 33-byte keys, are unknown to it.
    expect(scheme.verify(nobleSecp256k1.publicKeyOf(secretKey), preimage, signature)).toBe(false);
    expect(scheme.verify(fromHex(`02${'00'.repeat(32)}`), preimage, signature)).toBe(false);
    // Once derived, the same signature verifies.
    const publicKey = scheme.publicKeyOf(secretKey);
    expect(scheme.verify(publicKey, preimage, signature)).toBe(true);
  });

  it('keeps a separate registry per instance', () => {
    const first = createStandInScheme();
    const second = createStandInScheme();
    const pair = keyPairFromSeed(first, 'only-in-first');
    const preimage = utf8('registry');
    const signature = first.sign(pair.secretKey, preimage);
    expect(first.verify(pair.publicKey, preimage, signature)).toBe(true);
    expect(second.verify(pair.publicKey, preimage, signature)).toBe(false);
    // Deriving in the second instance gives the same public key and then verifies there too.
    expect(toHex(keyPairFromSeed(second, 'only-in-first').publicKey)).toBe(toHex(pair.publicKey));
    expect(second.verify(pair.publicKey, preimage, signature)).toBe(true);
  });

  it('is not fooled when the caller later overwrites its secret-key buffer', () => {
    const scheme = createStandInScheme();
    const secretKey = keyPairFromSeed(nobleSecp256k1, 'zeroed').secretKey.slice();
    const publicKey = scheme.publicKeyOf(secretKey);
    const preimage = utf8('zeroed');
    const signature = scheme.sign(secretKey, preimage);
    secretKey.fill(0);
    expect(scheme.verify(publicKey, preimage, signature)).toBe(true);
    expect(scheme.verify(publicKey, preimage, scheme.sign(secretKey, preimage))).toBe(false);
  });

  it('does not accept secp256k1 signatures, nor does secp256k1 accept its signatures', () => {
    const scheme = createStandInScheme();
    const secretKey = keyPairFromSeed(nobleSecp256k1, 'cross').secretKey;
    const standInKey = scheme.publicKeyOf(secretKey);
    const secpKey = nobleSecp256k1.publicKeyOf(secretKey);
    const preimage = utf8('cross');
    expect(scheme.verify(standInKey, preimage, nobleSecp256k1.sign(secretKey, preimage))).toBe(false);
    expect(verifyAll(secpKey, preimage, scheme.sign(secretKey, preimage))).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// OpenSSL without Wedge's pre-checks, to show what those checks are for.

const SPKI_PREFIX = fromHex('3036301006072a8648ce3d020106052b8104000a032200');

function rawOpensslVerify(publicKey: Uint8Array, preimage: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)), format: 'der', type: 'spki' });
  return opensslVerify('sha256', preimage, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

/** The 65-byte uncompressed public key, through OpenSSL's own export. */
function uncompressedPublicKey(secretKey: Uint8Array): Uint8Array {
  const compressed = nobleSecp256k1.publicKeyOf(secretKey);
  const key = createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, compressed)), format: 'der', type: 'spki' });
  const jwk = key.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return concatBytes(Uint8Array.of(0x04), x, y);
}

describe('withVerifyCache', () => {
  it('answers exactly like the scheme it wraps, and verifies a valid signature once', async () => {
    const { withVerifyCache: wrap } = await import('../src/node/index.ts');
    const { createStandInScheme: standIn, keyPairFromSeed: seedKey } = await import('../src/index.ts');
    const base = standIn();
    let calls = 0;
    const counting = { ...base, verify: (...args: Parameters<typeof base.verify>) => (calls++, base.verify(...args)) };
    const cached = wrap(counting, 2);
    const key = seedKey(base, 'cache');
    const message = new Uint8Array([1, 2, 3]);
    const signature = base.sign(key.secretKey, message);
    expect(cached.verify(key.publicKey, message, signature)).toBe(true);
    expect(cached.verify(key.publicKey, message, signature)).toBe(true);
    expect(calls).toBe(1);
    expect(cached.verify(key.publicKey, new Uint8Array([9]), signature)).toBe(false);
    expect(cached.verify(key.publicKey, new Uint8Array([9]), signature)).toBe(false);
    expect(calls).toBe(3); // failures are never cached
  });
});
