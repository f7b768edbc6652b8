// Proves that the current code reproduces every checked-in vector in
// test/vectors/secp256k1.json exactly: known answers from outside sources
// (SHA-256 examples, public keys of small secret keys, RFC 6979 secp256k1
// signatures), and Wedge's own vectors (seed -> keys and address, tag,
// canonical bytes, preimage, hash, signature). Both verifiers must accept every
// valid vector and reject every invalid one. The file is read, never rewritten:
// a change in any of these bytes is a breaking change and fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '@wedge/common';
import {
  addressOf,
  domainTag,
  encodeCanonical,
  hashTaggedHex,
  keyPairFromSeed,
  malleate,
  nobleSecp256k1,
  sha256,
  signObject,
  taggedPreimage,
  verifyObject,
} from '../src/index.ts';
import { fastSecp256k1 } from '../src/node/index.ts';
import { fromTaggedJson, toTaggedJson, type VectorFile } from './vectors/format.ts';

const vectors = JSON.parse(readFileSync(new URL('./vectors/secp256k1.json', import.meta.url), 'utf8')) as VectorFile;
const schemes = [nobleSecp256k1, fastSecp256k1] as const;

function verifyAll(publicKeyHex: string, preimageHex: string, signatureHex: string): boolean[] {
  return schemes.map((scheme) => scheme.verify(fromHex(publicKeyHex), fromHex(preimageHex), fromHex(signatureHex)));
}

describe('external known answers', () => {
  it('has the cases it should', () => {
    expect(vectors.external.sha256.cases.length).toBeGreaterThanOrEqual(3);
    expect(vectors.external.publicKeys.cases.length).toBeGreaterThanOrEqual(4);
    expect(vectors.external.rfc6979.cases.length).toBeGreaterThanOrEqual(5);
    // The generator G itself, typed here once more so the file cannot drift from it.
    expect(vectors.external.publicKeys.cases[0]).toEqual({
      secretKey: '0000000000000000000000000000000000000000000000000000000000000001',
      publicKey: '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
    });
    expect(vectors.external.sha256.cases[0]).toEqual({
      utf8: 'abc',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
  });

  for (const { utf8: text, sha256: expected } of vectors.external.sha256.cases) {
    it(`sha256 of "${text.slice(0, 20)}"`, () => {
      expect(toHex(sha256(utf8(text)))).toBe(expected);
    });
  }

  for (const { secretKey, publicKey } of vectors.external.publicKeys.cases) {
    it(`public key of secret key ${secretKey.replace(/^0+/, '')}`, () => {
      expect(toHex(nobleSecp256k1.publicKeyOf(fromHex(secretKey)))).toBe(publicKey);
      expect(toHex(fastSecp256k1.publicKeyOf(fromHex(secretKey)))).toBe(publicKey);
    });
  }

  for (const { secretKey, message, signature } of vectors.external.rfc6979.cases) {
    it(`RFC 6979 signature of "${message.slice(0, 20)}" under ${secretKey.slice(0, 8)}…`, () => {
      const preimage = utf8(message);
      const publicKey = nobleSecp256k1.publicKeyOf(fromHex(secretKey));
      expect(toHex(nobleSecp256k1.sign(fromHex(secretKey), preimage))).toBe(signature);
      expect(verifyAll(toHex(publicKey), toHex(preimage), signature)).toEqual([true, true]);
      expect(verifyAll(toHex(publicKey), toHex(preimage), toHex(malleate(fromHex(signature))))).toEqual([false, false]);
    });
  }
});

describe('Wedge vectors: valid', () => {
  it('has at least twelve', () => {
    expect(vectors.valid.length).toBeGreaterThanOrEqual(12);
  });

  for (const vector of vectors.valid) {
    it(`reproduces ${vector.name}`, () => {
      const pair = keyPairFromSeed(nobleSecp256k1, vector.seed);
      expect(toHex(pair.secretKey)).toBe(vector.secretKey);
      expect(toHex(pair.publicKey)).toBe(vector.publicKey);
      expect(pair.address).toBe(vector.address);
      expect(addressOf(fromHex(vector.publicKey))).toBe(vector.address);
      expect(vector.address).toMatch(/^[0-9a-f]{40}$/);

      const tag = domainTag(vector.chainId, vector.kind);
      expect(tag).toBe(vector.tag);
      const object = fromTaggedJson(vector.object);
      expect(toTaggedJson(object)).toEqual(vector.object);
      expect(toHex(encodeCanonical(object))).toBe(vector.canonical);
      expect(toHex(taggedPreimage(tag, object))).toBe(vector.preimage);
      expect(hashTaggedHex(tag, object)).toBe(vector.sha256);
      expect(toHex(sha256(fromHex(vector.preimage)))).toBe(vector.sha256);

      for (const scheme of schemes) {
        expect(toHex(signObject(scheme, pair.secretKey, tag, object))).toBe(vector.signature);
        expect(verifyObject(scheme, pair.publicKey, tag, object, fromHex(vector.signature))).toBe(true);
      }
      expect(verifyAll(vector.publicKey, vector.preimage, vector.signature)).toEqual([true, true]);
    });
  }
});

describe('Wedge vectors: invalid', () => {
  it('has the malleated, wrong-key, wrong-tag, range, length and bad-key cases', () => {
    const names = vectors.invalid.map((vector) => vector.name).join('\n');
    for (const needle of ['malleated', 'key of', 'another chain', 'another kind', 'r = 0', 's = 0', 'r = n', 'truncated', 'trailing', 'parity', 'no curve point', 'flipped']) {
      expect(names).toContain(needle);
    }
  });

  for (const vector of vectors.invalid) {
    it(`both verifiers reject ${vector.name}`, () => {
      expect(vector.expected).toBe(false);
      expect(verifyAll(vector.publicKey, vector.preimage, vector.signature)).toEqual([false, false]);
    });
  }
});
