// Proves the transfer rules: funds move and the nonce advances on success;
// every way a transfer can be refused (funds, amount range, self, nonce,
// replay) leaves the state root untouched; genesis is validated.
import { describe, expect, it } from 'vitest';
import { createStandInScheme } from '@wedge/crypto';
import { createLedger, LedgerError, MAX_AMOUNT, signTx, stateRoot, totalFunds } from '../src/index.ts';
import {
  attemptWithRoot,
  balanceOf,
  commit,
  GENESIS_BALANCE,
  makeKeys,
  makeLedger,
  nonceOf,
  transferBody,
} from './fixtures.ts';

const scheme = createStandInScheme();
const [alice, bob, carol] = makeKeys(scheme, 3);

describe('transfer', () => {
  it('moves funds, advances the nonce, and creates the recipient', () => {
    const state = makeLedger([alice!, bob!]);
    const stranger = makeKeys(scheme, 1, 'stranger')[0]!;
    const results = commit(scheme, state, [
      signTx(scheme, transferBody(alice!, 0, bob!.address, 300n), [alice!]),
      signTx(scheme, transferBody(alice!, 1, stranger.address, 200n), [alice!]),
    ]);
    expect(results.map((result) => result.code)).toEqual(['OK', 'OK']);
    expect(results[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(balanceOf(state, alice!.address)).toBe(GENESIS_BALANCE - 500n);
    expect(balanceOf(state, bob!.address)).toBe(GENESIS_BALANCE + 300n);
    expect(balanceOf(state, stranger.address)).toBe(200n);
    expect(nonceOf(state, alice!)).toBe(2);
    expect(nonceOf(state, bob!)).toBe(0);
    expect(state.height).toBe(1);
    expect(totalFunds(state)).toBe(state.supply);
  });

  it('may spend the whole balance', () => {
    const state = makeLedger([alice!, bob!]);
    const results = commit(scheme, state, [signTx(scheme, transferBody(alice!, 0, bob!.address, GENESIS_BALANCE), [alice!])]);
    expect(results[0]!.code).toBe('OK');
    expect(balanceOf(state, alice!.address)).toBe(0n);
  });

  it.each([
    ['more than the balance', GENESIS_BALANCE + 1n, 'INSUFFICIENT_FUNDS'],
    ['zero', 0n, 'INVALID_AMOUNT'],
    ['negative', -5n, 'INVALID_AMOUNT'],
    ['above MAX_AMOUNT', MAX_AMOUNT + 1n, 'INVALID_AMOUNT'],
  ] as const)('refuses an amount %s and changes nothing', (_label, amount, code) => {
    const state = makeLedger([alice!, bob!]);
    const outcome = attemptWithRoot(scheme, state, signTx(scheme, transferBody(alice!, 0, bob!.address, amount), [alice!]));
    expect(outcome).toEqual({ code, changed: false });
    expect(nonceOf(state, alice!)).toBe(0);
  });

  it('accepts MAX_AMOUNT as an amount (funds permitting)', () => {
    const state = createLedger({ chainId: 'wedge-test', accounts: [{ address: alice!.address, balance: MAX_AMOUNT }] });
    const outcome = attemptWithRoot(scheme, state, signTx(scheme, transferBody(alice!, 0, bob!.address, MAX_AMOUNT), [alice!]));
    expect(outcome).toEqual({ code: 'OK', changed: true });
  });

  it('refuses a transfer to oneself', () => {
    const state = makeLedger([alice!]);
    const outcome = attemptWithRoot(scheme, state, signTx(scheme, transferBody(alice!, 0, alice!.address, 1n), [alice!]));
    expect(outcome).toEqual({ code: 'SELF_TRANSFER', changed: false });
  });

  it('refuses a nonce from the future and one from the past (a replay)', () => {
    const state = makeLedger([alice!, bob!]);
    const first = signTx(scheme, transferBody(alice!, 0, bob!.address, 10n), [alice!]);
    expect(attemptWithRoot(scheme, state, signTx(scheme, transferBody(alice!, 1, bob!.address, 10n), [alice!]))).toEqual({
      code: 'BAD_NONCE',
      changed: false,
    });
    expect(commit(scheme, state, [first])[0]!.code).toBe('OK');
    // The very same signed transaction again: replay protection is the nonce.
    expect(attemptWithRoot(scheme, state, first)).toEqual({ code: 'BAD_NONCE', changed: false });
    expect(commit(scheme, state, [first])[0]!.code).toBe('BAD_NONCE');
    expect(balanceOf(state, bob!.address)).toBe(GENESIS_BALANCE + 10n);
  });

  it('lets an account without funds or history be addressed but not spend', () => {
    const state = makeLedger([alice!]);
    const outcome = attemptWithRoot(scheme, state, signTx(scheme, transferBody(carol!, 0, alice!.address, 1n), [carol!]));
    expect(outcome).toEqual({ code: 'INSUFFICIENT_FUNDS', changed: false });
    expect(state.accounts.has(carol!.address)).toBe(false);
  });

  it('keeps the root of a rejected transfer in a block equal to an empty block', () => {
    const withBad = makeLedger([alice!, bob!]);
    const empty = makeLedger([alice!, bob!]);
    commit(scheme, withBad, [signTx(scheme, transferBody(alice!, 0, bob!.address, GENESIS_BALANCE * 2n), [alice!])]);
    commit(scheme, empty, []);
    expect(stateRoot(withBad)).toBe(stateRoot(empty));
  });
});

describe('createLedger', () => {
  it('starts at height 0 with the genesis supply', () => {
    const state = makeLedger([alice!, bob!]);
    expect(state.height).toBe(0);
    expect(state.supply).toBe(2n * GENESIS_BALANCE);
    expect(totalFunds(state)).toBe(state.supply);
  });

  it.each([
    ['a bad chain id', { chainId: 'Bad Chain', accounts: [] }],
    ['a bad address', { chainId: 'wedge-test', accounts: [{ address: 'zz', balance: 1n }] }],
    ['an uppercase address', { chainId: 'wedge-test', accounts: [{ address: 'A'.repeat(40), balance: 1n }] }],
    ['a negative balance', { chainId: 'wedge-test', accounts: [{ address: 'a'.repeat(40), balance: -1n }] }],
    ['a duplicate address', { chainId: 'wedge-test', accounts: [{ address: 'a'.repeat(40), balance: 1n }, { address: 'a'.repeat(40), balance: 1n }] }],
    ['a supply above MAX_AMOUNT', { chainId: 'wedge-test', accounts: [{ address: 'a'.repeat(40), balance: MAX_AMOUNT }, { address: 'b'.repeat(40), balance: 1n }] }],
  ])('refuses a genesis with %s', (_label, genesis) => {
    expect(() => createLedger(genesis)).toThrow(LedgerError);
  });
});
