// The crypto benchmark: signing (noble and the fast scheme), the three
// secp256k1 verifiers (noble, OpenSSL, libsecp256k1), tagged hashing and
// canonical encoding, each measured for a fixed time over several rounds.
//
// Inputs are distinct so that no cache flatters a number: every signature is
// over a different message with one of KEY_COUNT keys, and KEY_COUNT is larger
// than the OpenSSL verifier's key cache (4096 entries in node/openssl-secp256k1.ts), so the
// distinct-keys figures pay for parsing the public key on every call. The
// table also shows OpenSSL with a warm key cache, which is what a process
// with a handful of known signers (replicas, channel members) sees.
//
// `fastVerifyPerSec` is the scheme the processes use (`fastSecp256k1`:
// libsecp256k1 where its addon loads, else OpenSSL), and the figure the L1 and
// L2 suites take for their verification ceilings.
import { availableParallelism } from 'node:os';
import { utf8 } from '@wedge/common';
import {
  domainTag,
  encodeCanonical,
  hashTagged,
  keyPairFromSeed,
  nobleSecp256k1,
  sha256,
  type Canonical,
  type KeyPair,
} from '@wedge/crypto';
import { fastSecp256k1, nativeSecp256k1, nativeSecp256k1Unavailable, opensslSecp256k1 } from '@wedge/crypto/node';
import { formatRate, formatTable, measure, type MeasureOptions } from './measure.ts';

export type CryptoBenchOptions = {
  quick: boolean;
  /** Receives one line per step, for stderr. */
  progress: (line: string) => void;
};

export type CryptoBenchResult = {
  /** Signing with the fast scheme; noble's rate is `nobleSignPerSec`. */
  signPerSec: number;
  nobleSignPerSec: number;
  nobleVerifyPerSec: number;
  opensslVerifyPerSec: number;
  /** The scheme the processes use (libsecp256k1 here), distinct keys. */
  fastVerifyPerSec: number;
  fastOverNoble: number;
  hashPerSec: number;
  encodePerSec: number;
  cores: number;
};

/** Extra figures for the human-readable table only; the JSON keeps its fixed shape. */
export type CryptoBenchDetails = {
  fastScheme: string;
  /** Why libsecp256k1 is not in use, when it is not. */
  nativeUnavailable: string | null;
  opensslVerifyWarmKeyPerSec: number;
  typicalObjectBytes: number;
  roundMs: number;
  rounds: number;
};

const KEY_COUNT = 4500;
const WARM_KEY_COUNT = 8;
const TAG = domainTag('wedge-bench', 'channel.payment');

/**
 * A signed L2 payment command, the object signed and verified most often, at
 * about 200 bytes encoded. `i` makes every instance distinct.
 */
function typicalObject(i: number): Canonical {
  return {
    chainId: 'wedge-bench',
    channelId: sha256(utf8('bench-channel')),
    paymentId: sha256(utf8(`bench-payment-${i}`)),
    nonce: i,
    from: 0,
    to: 1,
    amount: 1_000_000_000_000_000_000n + BigInt(i),
  };
}

type SignedInput = { publicKey: Uint8Array; preimage: Uint8Array; signature: Uint8Array };

function makeInputs(keys: readonly KeyPair[], count: number): SignedInput[] {
  return Array.from({ length: count }, (_, i) => {
    const key = keys[i % keys.length]!;
    const preimage = utf8(`wedge bench message ${i}`);
    return { publicKey: key.publicKey, preimage, signature: nobleSecp256k1.sign(key.secretKey, preimage) };
  });
}

/** Verifies and insists on `true`: a benchmark of a verifier that says no would measure nothing. */
function checkedVerify(verify: (input: SignedInput) => boolean, input: SignedInput): boolean {
  if (!verify(input)) throw new Error('bench: a valid signature did not verify');
  return true;
}

function timingFor(quick: boolean): MeasureOptions {
  return quick ? { roundMs: 400, rounds: 3, warmupMs: 150, batch: 1 } : { roundMs: 1500, rounds: 5, warmupMs: 400, batch: 1 };
}

function deriveKeys(options: CryptoBenchOptions, suite: string): KeyPair[] {
  options.progress(`${suite}: deriving ${KEY_COUNT} key pairs and signing one message with each`);
  return Array.from({ length: KEY_COUNT }, (_, i) => keyPairFromSeed(nobleSecp256k1, `bench-key-${i}`));
}

function stepper(options: CryptoBenchOptions, suite: string) {
  return (name: string, operation: (i: number) => unknown, measureOptions: MeasureOptions): number => {
    options.progress(`${suite}: ${name} (${measureOptions.rounds} rounds of ${measureOptions.roundMs} ms)`);
    const { perSec, roundsPerSec } = measure(operation, measureOptions);
    options.progress(`${suite}:   ${roundsPerSec.map(formatRate).join(', ')} -> median ${formatRate(perSec)}/s`);
    return perSec;
  };
}

function measureFastVerify(step: ReturnType<typeof stepper>, coldInputs: readonly SignedInput[], timing: MeasureOptions): number {
  return step(
    `verify (${fastSecp256k1.name}, distinct keys)`,
    (i) => checkedVerify((input) => fastSecp256k1.verify(input.publicKey, input.preimage, input.signature), coldInputs[i % KEY_COUNT]!),
    timing,
  );
}

/**
 * The fast scheme's single-thread verification rate with distinct keys (the
 * `fastVerifyPerSec` of the crypto suite, measured the same way), for suites
 * that compare against the verification ceiling. `suite` prefixes the
 * progress lines.
 */
export function measureFastVerifyPerSec(options: CryptoBenchOptions, suite: string): number {
  const step = stepper(options, suite);
  const coldInputs = makeInputs(deriveKeys(options, suite), KEY_COUNT);
  return measureFastVerify(step, coldInputs, timingFor(options.quick));
}

export function runCryptoBench(options: CryptoBenchOptions): { result: CryptoBenchResult; details: CryptoBenchDetails } {
  const timing = timingFor(options.quick);
  const cheap: MeasureOptions = { ...timing, batch: 64 };

  const keys = deriveKeys(options, 'crypto');
  const coldInputs = makeInputs(keys, KEY_COUNT);
  const warmInputs = makeInputs(keys.slice(0, WARM_KEY_COUNT), 1024);
  const signMessages = Array.from({ length: 4096 }, (_, i) => utf8(`wedge bench sign ${i}`));
  const step = stepper(options, 'crypto');

  if (nativeSecp256k1 === null) options.progress(`crypto: libsecp256k1 is not in use (${nativeSecp256k1Unavailable}); the fast scheme is OpenSSL`);
  const nobleSignPerSec = step(
    'sign (noble)',
    (i) => nobleSecp256k1.sign(keys[i % KEY_COUNT]!.secretKey, signMessages[i % signMessages.length]!),
    timing,
  );
  const signPerSec = step(
    `sign (${fastSecp256k1.name})`,
    (i) => fastSecp256k1.sign(keys[i % KEY_COUNT]!.secretKey, signMessages[i % signMessages.length]!),
    timing,
  );
  const nobleVerifyPerSec = step(
    'verify (noble)',
    (i) => checkedVerify((input) => nobleSecp256k1.verify(input.publicKey, input.preimage, input.signature), coldInputs[i % KEY_COUNT]!),
    timing,
  );
  const opensslVerifyPerSec = step(
    'verify (OpenSSL, distinct keys)',
    (i) => checkedVerify((input) => opensslSecp256k1.verify(input.publicKey, input.preimage, input.signature), coldInputs[i % KEY_COUNT]!),
    timing,
  );
  const opensslVerifyWarmKeyPerSec = step(
    `verify (OpenSSL, ${WARM_KEY_COUNT} signers, key cache warm)`,
    (i) => checkedVerify((input) => opensslSecp256k1.verify(input.publicKey, input.preimage, input.signature), warmInputs[i % warmInputs.length]!),
    timing,
  );
  const fastVerifyPerSec = measureFastVerify(step, coldInputs, timing);
  const objects = Array.from({ length: 1024 }, (_, i) => typicalObject(i));
  const hashPerSec = step('sha256-tagged hash of a payment command', (i) => hashTagged(TAG, objects[i % objects.length]!), cheap);
  const encodePerSec = step('canonical encoding of a payment command', (i) => encodeCanonical(objects[i % objects.length]!), cheap);

  return {
    result: {
      signPerSec: Math.round(signPerSec),
      nobleSignPerSec: Math.round(nobleSignPerSec),
      nobleVerifyPerSec: Math.round(nobleVerifyPerSec),
      opensslVerifyPerSec: Math.round(opensslVerifyPerSec),
      fastVerifyPerSec: Math.round(fastVerifyPerSec),
      fastOverNoble: Math.round((fastVerifyPerSec / nobleVerifyPerSec) * 100) / 100,
      hashPerSec: Math.round(hashPerSec),
      encodePerSec: Math.round(encodePerSec),
      cores: availableParallelism(),
    },
    details: {
      fastScheme: fastSecp256k1.name,
      nativeUnavailable: nativeSecp256k1Unavailable,
      opensslVerifyWarmKeyPerSec: Math.round(opensslVerifyWarmKeyPerSec),
      typicalObjectBytes: encodeCanonical(typicalObject(0)).length,
      roundMs: timing.roundMs,
      rounds: timing.rounds,
    },
  };
}

export function formatCryptoReport({ result, details }: { result: CryptoBenchResult; details: CryptoBenchDetails }): string {
  // The distinct-keys row shows `fastOverNoble` itself, so the table and the JSON agree to the digit.
  const ratio = (perSec: number): string => `${(perSec / result.nobleVerifyPerSec).toFixed(2)}x`;
  const rows: string[][] = [
    ['sign (noble, RFC 6979, low-S)', formatRate(result.nobleSignPerSec), ''],
    [`sign (${details.fastScheme}, the same signatures)`, formatRate(result.signPerSec), ''],
    ['verify (noble, reference)', formatRate(result.nobleVerifyPerSec), '1.00x'],
    ['verify (OpenSSL, distinct keys)', formatRate(result.opensslVerifyPerSec), ratio(result.opensslVerifyPerSec)],
    ['verify (OpenSSL, key cache warm)', formatRate(details.opensslVerifyWarmKeyPerSec), ratio(details.opensslVerifyWarmKeyPerSec)],
    [`verify (${details.fastScheme}: the processes' scheme, distinct keys)`, formatRate(result.fastVerifyPerSec), `${result.fastOverNoble.toFixed(2)}x`],
    [`sha256-tagged hash (${details.typicalObjectBytes}-byte payment)`, formatRate(result.hashPerSec), ''],
    [`canonical encode (${details.typicalObjectBytes}-byte payment)`, formatRate(result.encodePerSec), ''],
  ];
  return [
    `crypto (single thread; ${result.cores} cores available; median of ${details.rounds} rounds of ${details.roundMs} ms)` +
      (details.nativeUnavailable === null ? '' : `\nlibsecp256k1 is not in use: ${details.nativeUnavailable}`),
    formatTable(['operation', 'per second', 'vs noble verify'], rows),
  ].join('\n');
}
