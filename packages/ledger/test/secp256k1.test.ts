// Proves the ledger with real secp256k1 signatures, through both verifiers
// (noble, the reference, and OpenSSL): the full dispute lifecycle gives the
// same results and roots under both; malleated (high-S) transaction and state
// signatures are refused; a signature from the fast stand-in scheme does not
// pass as a secp256k1 one.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@wedge/common';
import {
  createStandInScheme,
  keyPairFromSeed,
  malleate,
  nobleSecp256k1,
  type SignatureScheme,
} from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { applyBlock, checkTxStatic, cloneLedger, signTx, stateRoot, totalFunds, type Block, type SignedTx } from '../src/index.ts';
import {
  CHAIN_ID,
  certify,
  channelIdOf,
  channelState as channelStateOf,
  GENESIS_BALANCE,
  makeLedger,
  openTx,
  settleTx,
  submitStateTx,
  transferBody,
  type StateOptions,
} from './fixtures.ts';

/** A state of a channel opened with [60n, 40n]: it accounts for exactly those deposits unless told otherwise. */
const channelState = (id: string, version: number, balances: readonly bigint[], options: StateOptions = {}) =>
  channelStateOf(id, version, balances, { deposited: [60n, 40n], ...options });

// Keys and signatures are the same under both schemes (same curve, deterministic
// RFC 6979 signing); only verification differs.
const alice = keyPairFromSeed(nobleSecp256k1, 'secp-alice');
const bob = keyPairFromSeed(nobleSecp256k1, 'secp-bob');
const tower = keyPairFromSeed(nobleSecp256k1, 'secp-tower');
const channelId = channelIdOf('secp');

function lifecycleLog(): Block[] {
  const scheme = nobleSecp256k1;
  const stale = channelState(channelId, 1, [80n, 20n]);
  const latest = channelState(channelId, 4, [30n, 70n]);
  return [
    { height: 1, txs: [openTx(scheme, alice, 0, channelId, [alice, bob], [60n, 40n], { challengeBlocks: 2 })] },
    { height: 2, txs: [submitStateTx(scheme, 'channel.terminate', alice, 1, channelId, stale, certify(scheme, stale, [alice, bob]))] },
    { height: 3, txs: [submitStateTx(scheme, 'channel.challenge', tower, 0, channelId, latest, certify(scheme, latest, [alice, bob]))] },
    { height: 4, txs: [settleTx(scheme, tower, 1, channelId)] },
  ];
}

function run(scheme: SignatureScheme) {
  const state = makeLedger([alice, bob]);
  const codes = lifecycleLog().map((block) => applyBlock(scheme, state, block).map((result) => result.code));
  return { state, codes, root: stateRoot(state) };
}

describe.each([nobleSecp256k1, fastSecp256k1])('with $name', (scheme) => {
  it('runs open → stale terminate → challenge → settle and pays the latest balances', () => {
    const { state, codes } = run(scheme);
    expect(codes).toEqual([['OK'], ['OK'], ['OK'], ['OK']]);
    expect(state.accounts.get(alice.address)!.balance).toBe(GENESIS_BALANCE - 60n + 30n);
    expect(state.accounts.get(bob.address)!.balance).toBe(GENESIS_BALANCE - 40n + 70n);
    expect(totalFunds(state)).toBe(state.supply);
  });

  it('refuses a malleated transaction signature', () => {
    const tx = signTx(scheme, transferBody(alice, 0, bob.address, 1n), [alice]);
    expect(checkTxStatic(scheme, CHAIN_ID, tx)).toBeNull();
    const entry = tx.signatures[0]!;
    const malleated: SignedTx = { ...tx, signatures: [{ ...entry, signature: toHex(malleate(fromHex(entry.signature))) }] };
    expect(checkTxStatic(scheme, CHAIN_ID, malleated)).toBe('BAD_SIGNATURE');
  });

  it('refuses a malleated state signature', () => {
    const state = makeLedger([alice, bob]);
    applyBlock(scheme, state, { height: 1, txs: [openTx(scheme, alice, 0, channelId, [alice, bob], [60n, 40n])] });
    const v1 = channelState(channelId, 1, [50n, 50n]);
    const [aliceSignature, bobSignature] = certify(scheme, v1, [alice, bob]) as [string, string];
    const malleated = toHex(malleate(fromHex(bobSignature)));
    const tx = submitStateTx(scheme, 'channel.terminate', alice, 1, channelId, v1, [aliceSignature, malleated]);
    const untouched = cloneLedger(state);
    expect(applyBlock(scheme, state, { height: 2, txs: [tx] })[0]!.code).toBe('BAD_SIGNATURE');
    applyBlock(scheme, untouched, { height: 2, txs: [] });
    expect(stateRoot(state)).toBe(stateRoot(untouched));
  });

  it('refuses a stand-in signature', () => {
    const standIn = createStandInScheme();
    const fake = keyPairFromSeed(standIn, 'secp-alice');
    const tx = signTx(standIn, transferBody(fake, 0, bob.address, 1n), [fake]);
    expect(checkTxStatic(standIn, CHAIN_ID, tx)).toBeNull();
    expect(checkTxStatic(scheme, CHAIN_ID, tx)).toBe('BAD_SIGNATURE');
  });
});

describe('noble and OpenSSL verification', () => {
  it('give the same codes and roots for the same log', () => {
    const noble = run(nobleSecp256k1);
    const fast = run(fastSecp256k1);
    expect(fast.codes).toEqual(noble.codes);
    expect(fast.root).toBe(noble.root);
  });
});
