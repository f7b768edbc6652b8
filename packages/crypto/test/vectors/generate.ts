// Regenerates secp256k1.json, the checked-in test vectors of @wedge/crypto:
//
//   npx tsx packages/crypto/test/vectors/generate.ts
//
// vectors.test.ts compares the current code against the committed file and
// never regenerates it, so any change in encoding, hashing, key derivation or
// signing shows up as a failing test. Regenerate only on purpose, and review
// the diff. The external known answers below are typed in from their sources,
// not computed; this script refuses to write if the code disagrees with them.
import { writeFileSync } from 'node:fs';
import { fromHex, toHex, utf8 } from '@wedge/common';
import {
  CURVE_ORDER,
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
  type Canonical,
} from '../../src/index.ts';
import { fastSecp256k1 } from '../../src/node/index.ts';
import { toTaggedJson, type ExternalVectors, type InvalidVector, type ValidVector, type VectorFile } from './format.ts';

const VECTORS_PATH = new URL('./secp256k1.json', import.meta.url);

/** Known answers from outside this code base. */
const EXTERNAL = {
  sha256: {
    source: 'FIPS 180-2, appendix B (SHA-256 examples); the empty string from common usage',
    cases: [
      { utf8: 'abc', sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
      { utf8: '', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      {
        utf8: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
        sha256: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      },
    ],
  },
  publicKeys: {
    source: 'SEC 2 v2 §2.4.1 (generator G) and its small multiples as published widely (1G, 2G, 3G, (n-1)G = -G)',
    cases: [
      {
        secretKey: '0000000000000000000000000000000000000000000000000000000000000001',
        publicKey: '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
      },
      {
        secretKey: '0000000000000000000000000000000000000000000000000000000000000002',
        publicKey: '02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5',
      },
      {
        secretKey: '0000000000000000000000000000000000000000000000000000000000000003',
        publicKey: '02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9',
      },
      {
        secretKey: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140',
        publicKey: '0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
      },
    ],
  },
  rfc6979: {
    source:
      'secp256k1 + SHA-256 RFC 6979 vectors from https://bitcointalk.org/index.php?topic=285142.msg3150733 ' +
      '(low-S form, as used by bitcoinj and python-ecdsa tests); signature is r || s over sha256(utf8(message))',
    cases: [
      {
        secretKey: '0000000000000000000000000000000000000000000000000000000000000001',
        message: 'Satoshi Nakamoto',
        signature:
          '934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8' +
          '2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5',
      },
      {
        secretKey: '0000000000000000000000000000000000000000000000000000000000000001',
        message: 'All those moments will be lost in time, like tears in rain. Time to die...',
        signature:
          '8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b' +
          '547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21',
      },
      {
        secretKey: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140',
        message: 'Satoshi Nakamoto',
        signature:
          'fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0' +
          '6b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5',
      },
      {
        secretKey: 'f8b8af8ce3c7cca5e300d33939540c10d45ce001b8f252bfbc57ba0342904181',
        message: 'Alan Turing',
        signature:
          '7063ae83e7f62bbb171798131b4a0564b956930092b33b07b395615d9ec7e15c' +
          '58dfcc1e00a35e1572f366ffe34ba0fc47db1e7189759b9fb233c5b05ab388ea',
      },
      {
        secretKey: 'e91671c46231f833a6406ccbea0e3e392c76c167bac1cb013f6f1013980455c2',
        message:
          'There is a computer disease that anybody who works with computers knows about.' +
          " It's a very serious disease and it interferes completely with the work." +
          " The trouble with computers is that you 'play' with them!",
        signature:
          'b552edd27580141f3b2a5463048cb7cd3e047b97c9f98076c32dbdf85a68718b' +
          '279fa72dd19bfae05577e06c7c0c1900c371fcd5893f7e1d56a37d30174671f6',
      },
    ],
  },
} satisfies ExternalVectors;

const bytes32 = (label: string): Uint8Array => sha256(utf8(label));

/** The twelve signed objects: Wedge-shaped messages plus encoding edge cases. */
const OBJECTS: ReadonlyArray<{ chainId: string; kind: string; object: Canonical }> = [
  {
    chainId: 'wedge-test',
    kind: 'channel.state',
    object: {
      chainId: 'wedge-test',
      channelId: bytes32('channel-1'),
      version: 0,
      balances: ['100', '250'].map(BigInt),
      deposited: ['100', '250'].map(BigInt),
      withdrawn: [0n, 0n],
      commandsHash: bytes32('no-commands'),
      prevHash: new Uint8Array(32),
      final: false,
    },
  },
  {
    chainId: 'wedge-test',
    kind: 'channel.payment',
    object: { from: 0, to: 1, amount: 12345678901234567890n, paymentId: 'pay-0001' },
  },
  {
    chainId: 'wedge-1',
    kind: 'tx.transfer',
    object: { type: 'transfer', from: 'a'.repeat(40), to: 'b'.repeat(40), amount: 1n, nonce: 7, chainId: 'wedge-1' },
  },
  {
    chainId: 'wedge-1',
    kind: 'tx.channel.open',
    object: {
      channelId: bytes32('channel-2'),
      members: [bytes32('member-0'), bytes32('member-1'), bytes32('member-2')],
      deposits: [10n ** 18n, 2n * 10n ** 18n, 0n],
      challengeBlocks: 20,
    },
  },
  {
    chainId: 'devnet',
    kind: 'consensus.commit',
    object: { view: 3, height: 1000, blockHash: bytes32('block-1000'), replica: 2 },
  },
  {
    chainId: 'devnet',
    kind: 'consensus.checkpoint',
    object: { height: 1024, stateRoot: bytes32('state-1024'), replica: 0 },
  },
  { chainId: 'wedge-test', kind: 'empty', object: {} },
  {
    chainId: 'wedge-test',
    kind: 'unicode',
    object: { memo: 'héllo wörld 😀', empty: '', 'clé': 'ünïcödé keys sort by UTF-16 units', z: 'z' },
  },
  {
    chainId: 'wedge-test',
    kind: 'integers',
    object: { delta: -5n, low: Number.MIN_SAFE_INTEGER, high: Number.MAX_SAFE_INTEGER, zero: 0, minusOne: -1 },
  },
  { chainId: 'wedge-test', kind: 'nested', object: [[1, [2, [3, []]]], null, true, false, { a: { b: { c: [] } } }] },
  {
    chainId: 'wedge-test',
    kind: 'big',
    object: { huge: (1n << 255n) + 12345n, negativeHuge: -(CURVE_ORDER * 3n), noBytes: new Uint8Array(0), byte: Uint8Array.of(0) },
  },
  {
    chainId: 'wedge-test',
    kind: 'channel.state',
    object: {
      chainId: 'wedge-test',
      channelId: bytes32('channel-1'),
      version: 42,
      balances: [0n, 350n],
      deposited: [100n, 300n],
      withdrawn: [0n, 50n],
      commandsHash: bytes32('commands-42'),
      prevHash: bytes32('state-41'),
      final: true,
    },
  },
];

function validVectors(): ValidVector[] {
  return OBJECTS.map(({ chainId, kind, object }, index) => {
    const seed = `wedge-vector-${index}`;
    const pair = keyPairFromSeed(nobleSecp256k1, seed);
    const tag = domainTag(chainId, kind);
    const signature = signObject(nobleSecp256k1, pair.secretKey, tag, object);
    return {
      name: `${kind} #${index}`,
      seed,
      secretKey: toHex(pair.secretKey),
      publicKey: toHex(pair.publicKey),
      address: pair.address,
      chainId,
      kind,
      tag,
      object: toTaggedJson(object),
      canonical: toHex(encodeCanonical(object)),
      preimage: toHex(taggedPreimage(tag, object)),
      sha256: hashTaggedHex(tag, object),
      signature: toHex(signature),
    };
  });
}

/** The smallest x >= 1 that is the x coordinate of no curve point (x^3 + 7 is not a square mod p). */
function smallestOffCurveX(): bigint {
  const p = 2n ** 256n - 2n ** 32n - 977n;
  const power = (base: bigint, exponent: bigint): bigint => {
    let result = 1n;
    for (let b = base % p, e = exponent; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) result = (result * b) % p;
    return result;
  };
  for (let x = 1n; ; x++) if (power(x ** 3n + 7n, (p - 1n) / 2n) !== 1n) return x;
}

function invalidVectors(valid: readonly ValidVector[]): InvalidVector[] {
  const at = (index: number): ValidVector => valid[index]!;
  const objectAt = (index: number): Canonical => OBJECTS[index]!.object;
  const scalar = (value: bigint): string => value.toString(16).padStart(64, '0');
  const preimageUnder = (index: number, chainId: string, kind: string): string =>
    toHex(taggedPreimage(domainTag(chainId, kind), objectAt(index)));
  const flipLastBit = (hex: string): string => hex.slice(0, -1) + (parseInt(hex.slice(-1), 16) ^ 1).toString(16);
  const offCurveX = smallestOffCurveX();
  // The object of vector 1 with the amount changed by one unit.
  const tampered = { from: 0, to: 1, amount: 12345678901234567891n, paymentId: 'pay-0001' };
  const cases: Array<Omit<InvalidVector, 'expected'>> = [
    { name: 'malleated (high-S) twin of #0', publicKey: at(0).publicKey, preimage: at(0).preimage, signature: toHex(malleate(fromHex(at(0).signature))) },
    { name: 'malleated (high-S) twin of #11', publicKey: at(11).publicKey, preimage: at(11).preimage, signature: toHex(malleate(fromHex(at(11).signature))) },
    { name: '#1 checked against the key of #2', publicKey: at(2).publicKey, preimage: at(1).preimage, signature: at(1).signature },
    { name: '#1 with the amount changed by one', publicKey: at(1).publicKey, preimage: toHex(taggedPreimage(at(1).tag, tampered)), signature: at(1).signature },
    { name: '#2 replayed on another chain', publicKey: at(2).publicKey, preimage: preimageUnder(2, 'wedge-2', at(2).kind), signature: at(2).signature },
    { name: '#0 replayed as another kind', publicKey: at(0).publicKey, preimage: preimageUnder(0, at(0).chainId, 'channel.payment'), signature: at(0).signature },
    { name: '#3 with r = 0', publicKey: at(3).publicKey, preimage: at(3).preimage, signature: scalar(0n) + at(3).signature.slice(64) },
    { name: '#3 with s = 0', publicKey: at(3).publicKey, preimage: at(3).preimage, signature: at(3).signature.slice(0, 64) + scalar(0n) },
    { name: '#3 with r = n', publicKey: at(3).publicKey, preimage: at(3).preimage, signature: scalar(CURVE_ORDER) + at(3).signature.slice(64) },
    { name: '#4 truncated to 63 bytes', publicKey: at(4).publicKey, preimage: at(4).preimage, signature: at(4).signature.slice(0, 126) },
    { name: '#4 with a trailing zero byte', publicKey: at(4).publicKey, preimage: at(4).preimage, signature: `${at(4).signature}00` },
    { name: '#5 under its x with the other y parity', publicKey: (at(5).publicKey.startsWith('02') ? '03' : '02') + at(5).publicKey.slice(2), preimage: at(5).preimage, signature: at(5).signature },
    { name: `#5 under a key whose x is on no curve point (x = ${offCurveX})`, publicKey: `02${scalar(offCurveX)}`, preimage: at(5).preimage, signature: at(5).signature },
    { name: '#6 with the last bit of s flipped', publicKey: at(6).publicKey, preimage: at(6).preimage, signature: flipLastBit(at(6).signature) },
    { name: '#7 with the last bit of the preimage flipped', publicKey: at(7).publicKey, preimage: flipLastBit(at(7).preimage), signature: at(7).signature },
  ];
  return cases.map((vector) => ({ ...vector, expected: false as const }));
}

function checkExternal(): void {
  for (const { utf8: text, sha256: expected } of EXTERNAL.sha256.cases) {
    if (toHex(sha256(utf8(text))) !== expected) throw new Error(`sha256("${text}") disagrees with the known answer`);
  }
  for (const { secretKey, publicKey } of EXTERNAL.publicKeys.cases) {
    if (toHex(nobleSecp256k1.publicKeyOf(fromHex(secretKey))) !== publicKey) throw new Error(`public key of ${secretKey} disagrees`);
  }
  for (const { secretKey, message, signature } of EXTERNAL.rfc6979.cases) {
    if (toHex(nobleSecp256k1.sign(fromHex(secretKey), utf8(message))) !== signature) throw new Error(`RFC 6979 "${message}" disagrees`);
  }
}

function main(): void {
  checkExternal();
  const valid = validVectors();
  const invalid = invalidVectors(valid);
  for (const vector of valid) {
    if (vector.address !== addressOf(fromHex(vector.publicKey))) throw new Error('address mismatch');
    for (const scheme of [nobleSecp256k1, fastSecp256k1]) {
      if (!scheme.verify(fromHex(vector.publicKey), fromHex(vector.preimage), fromHex(vector.signature))) {
        throw new Error(`${scheme.name} rejects valid vector ${vector.name}`);
      }
    }
  }
  for (const vector of invalid) {
    for (const scheme of [nobleSecp256k1, fastSecp256k1]) {
      if (scheme.verify(fromHex(vector.publicKey), fromHex(vector.preimage), fromHex(vector.signature))) {
        throw new Error(`${scheme.name} accepts invalid vector ${vector.name}`);
      }
    }
  }
  const file: VectorFile = {
    description:
      'Known-answer vectors for @wedge/crypto. Hex is lowercase. In "object", a bigint is {"$bigint": "<decimal>"} ' +
      'and a byte string {"$bytes": "<hex>"}. preimage = utf8(tag) || 00 || canonical; sha256 = sha256(preimage); ' +
      'signature = 64-byte r || s, low-S, RFC 6979, over sha256(preimage). Regenerate with ' +
      '`npx tsx packages/crypto/test/vectors/generate.ts`; vectors.test.ts only reads this file.',
    external: EXTERNAL,
    valid,
    invalid,
  };
  writeFileSync(VECTORS_PATH, `${JSON.stringify(file, null, 2)}\n`);
  process.stderr.write(`wrote ${valid.length} valid and ${invalid.length} invalid vectors to ${VECTORS_PATH.pathname}\n`);
}

main();
