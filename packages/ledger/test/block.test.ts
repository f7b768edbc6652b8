// Proves how blocks are applied: every transaction gets a result in order,
// invalid ones (even ones too malformed to encode) are reported and skipped,
// several transactions of one sender chain their nonces within a block, the
// height advances; and the cheap preconditions are asserted (a failed
// assertion is a caller's bug, not a rejected transaction).
import { describe, expect, it } from 'vitest';
import { AssertionError } from '@wedge/common';
import { createStandInScheme, type KeyPair } from '@wedge/crypto';
import { applyBlock, applyTx, LedgerError, MAX_BLOCK_TXS, signTx, stateRoot, txHash, type SignedTx } from '../src/index.ts';
import { balanceOf, GENESIS_BALANCE, makeKeys, makeLedger, OTHER_CHAIN_ID, transferBody, unsignedTx } from './fixtures.ts';

const scheme = createStandInScheme();
const [alice, bob] = makeKeys(scheme, 2) as [KeyPair, KeyPair];

describe('applyBlock', () => {
  it('reports one result per transaction, in order, and skips the invalid ones', () => {
    const state = makeLedger([alice, bob]);
    const txs: SignedTx[] = [
      signTx(scheme, transferBody(alice, 0, bob.address, 1n), [alice]),
      unsignedTx({ nonsense: true }, [alice]),
      signTx(scheme, transferBody(alice, 1, bob.address, 2n), [alice]),
      signTx(scheme, transferBody(alice, 1, bob.address, 4n), [alice]), // nonce 1 is used now
      signTx(scheme, transferBody(alice, 2, bob.address, 8n, OTHER_CHAIN_ID), [alice]),
      signTx(scheme, transferBody(bob, 0, alice.address, 16n), [bob]),
    ];
    const results = applyBlock(scheme, state, { height: 1, txs });
    expect(results.map((result) => result.code)).toEqual(['OK', 'MALFORMED', 'OK', 'BAD_NONCE', 'WRONG_CHAIN', 'OK']);
    expect(results[0]!.hash).toBe(txHash(txs[0]!));
    expect(results[1]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(results.map((result) => result.hash)).size).toBe(txs.length);
    expect(balanceOf(state, bob.address)).toBe(GENESIS_BALANCE + 3n - 16n);
    expect(state.height).toBe(1);
  });

  it('gives a transaction that cannot be encoded no id, with a handled error', () => {
    expect(() => txHash(unsignedTx({ amount: 1.5 }, [alice]))).toThrow(LedgerError);
    expect(() => txHash({ body: null } as unknown as SignedTx)).toThrow(LedgerError);
  });

  it('accepts an empty block and moves only the height', () => {
    const state = makeLedger([alice]);
    expect(applyBlock(scheme, state, { height: 1, txs: [] })).toEqual([]);
    expect(state.height).toBe(1);
  });

  it('asserts the block height and size', () => {
    const state = makeLedger([alice]);
    const root = stateRoot(state);
    expect(() => applyBlock(scheme, state, { height: 2, txs: [] })).toThrow(AssertionError);
    expect(() => applyBlock(scheme, state, { height: 0, txs: [] })).toThrow(AssertionError);
    const tooMany = Array.from({ length: MAX_BLOCK_TXS + 1 }, () => unsignedTx({}, [alice]));
    expect(() => applyBlock(scheme, state, { height: 1, txs: tooMany })).toThrow(AssertionError);
    expect(stateRoot(state)).toBe(root);
  });
});

describe('applyTx preconditions', () => {
  it('asserts that the transaction executes in the next block', () => {
    const state = makeLedger([alice, bob]);
    const tx = signTx(scheme, transferBody(alice, 0, bob.address, 1n), [alice]);
    expect(() => applyTx(scheme, state, tx, 0)).toThrow(AssertionError);
    expect(() => applyTx(scheme, state, tx, 2)).toThrow(AssertionError);
    expect(applyTx(scheme, state, tx, 1)).toBe('OK');
  });

  it('asserts that the static check ran (chain id, signatures present)', () => {
    const state = makeLedger([alice, bob]);
    const foreign = signTx(scheme, transferBody(alice, 0, bob.address, 1n, OTHER_CHAIN_ID), [alice]);
    expect(() => applyTx(scheme, state, foreign, 1)).toThrow(AssertionError);
    expect(() => applyTx(scheme, state, { body: transferBody(alice, 0, bob.address, 1n), signatures: [] }, 1)).toThrow(AssertionError);
  });
});
