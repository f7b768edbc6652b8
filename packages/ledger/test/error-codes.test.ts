// Proves that every ledger error code can actually be produced, each by a
// scenario of its own, and that a transaction rejected with it changes
// nothing: the state root, and so every balance and nonce, is the same before
// and after. The last test checks that the scenarios cover the whole list.
import { describe, expect, it } from 'vitest';
import { createStandInScheme, type KeyPair } from '@wedge/crypto';
import { LEDGER_ERROR_CODES, signTx, stateRoot, type LedgerErrorCode, type LedgerState, type SignedTx } from '../src/index.ts';
import {
  advance,
  attempt,
  certify,
  channelIdOf,
  channelState as channelStateOf,
  commit,
  GENESIS_BALANCE,
  makeKeys,
  makeLedger,
  OTHER_CHAIN_ID,
  openTx,
  depositTx,
  settleTx,
  submitStateTx,
  withdrawTx,
  transferBody,
  unsignedTx,
  type StateOptions,
} from './fixtures.ts';

/** A state of a channel opened with [100n, 50n]: it accounts for exactly those deposits unless told otherwise. */
const channelState = (id: string, version: number, balances: readonly bigint[], options: StateOptions = {}) =>
  channelStateOf(id, version, balances, { deposited: [100n, 50n], ...options });

const scheme = createStandInScheme();
const [alice, bob, carol] = makeKeys(scheme, 3) as [KeyPair, KeyPair, KeyPair];
const members = [alice, bob];
const channelId = channelIdOf('codes');
const CHALLENGE_BLOCKS = 3;

/** Alice and Bob with an open channel (100/50), Alice at nonce 1; `frozen` adds Alice's termination with the opening state. */
function world(options: { frozen?: boolean; closed?: boolean } = {}): LedgerState {
  const state = makeLedger([alice, bob]);
  commit(scheme, state, [openTx(scheme, alice, 0, channelId, members, [100n, 50n], { challengeBlocks: CHALLENGE_BLOCKS })]);
  if (options.frozen || options.closed) commit(scheme, state, [submitStateTx(scheme, 'channel.terminate', alice, 1, channelId, null, [])]);
  if (options.closed) {
    advance(scheme, state, CHALLENGE_BLOCKS);
    expect(commit(scheme, state, [settleTx(scheme, carol, 0, channelId)])[0]!.code).toBe('OK');
  }
  return state;
}

const v1 = channelState(channelId, 1, [60n, 90n]);

type Scenario = { code: LedgerErrorCode; setup: () => LedgerState; tx: () => SignedTx };

const scenarios: Scenario[] = [
  { code: 'MALFORMED', setup: world, tx: () => unsignedTx({ ...transferBody(alice, 1, bob.address, 1n), amount: 1 }, [alice]) },
  { code: 'WRONG_CHAIN', setup: world, tx: () => signTx(scheme, transferBody(alice, 1, bob.address, 1n, OTHER_CHAIN_ID), [alice]) },
  { code: 'BAD_SIGNATURE', setup: world, tx: () => signTx(scheme, transferBody(alice, 1, bob.address, 1n), [bob]) },
  { code: 'BAD_NONCE', setup: world, tx: () => signTx(scheme, transferBody(alice, 0, bob.address, 1n), [alice]) },
  { code: 'INSUFFICIENT_FUNDS', setup: world, tx: () => signTx(scheme, transferBody(alice, 1, bob.address, GENESIS_BALANCE), [alice]) },
  { code: 'INVALID_AMOUNT', setup: world, tx: () => signTx(scheme, transferBody(alice, 1, bob.address, 0n), [alice]) },
  { code: 'UNKNOWN_CHANNEL', setup: world, tx: () => settleTx(scheme, bob, 0, channelIdOf('missing')) },
  { code: 'CHANNEL_EXISTS', setup: world, tx: () => openTx(scheme, bob, 0, channelId, members, [1n, 1n]) },
  {
    code: 'CHANNEL_FROZEN',
    setup: () => world({ frozen: true }),
    tx: () => submitStateTx(scheme, 'channel.terminate', bob, 0, channelId, null, []),
  },
  { code: 'CHANNEL_CLOSED', setup: () => world({ closed: true }), tx: () => settleTx(scheme, carol, 1, channelId) },
  { code: 'NOT_FROZEN', setup: world, tx: () => settleTx(scheme, carol, 0, channelId) },
  { code: 'NOT_A_MEMBER', setup: world, tx: () => submitStateTx(scheme, 'channel.terminate', carol, 0, channelId, null, []) },
  {
    code: 'INVALID_STATE',
    setup: world,
    tx: () => {
      const bad = channelState(channelId, 1, [60n, 91n]);
      return submitStateTx(scheme, 'channel.terminate', bob, 0, channelId, bad, certify(scheme, bad, members));
    },
  },
  {
    code: 'NOT_FINAL',
    setup: world,
    tx: () => submitStateTx(scheme, 'channel.close', bob, 0, channelId, v1, certify(scheme, v1, members)),
  },
  {
    code: 'STALE_STATE',
    setup: () => world({ frozen: true }),
    tx: () => {
      const v0 = channelState(channelId, 0, [100n, 50n]);
      return submitStateTx(scheme, 'channel.challenge', bob, 0, channelId, v0, certify(scheme, v0, members));
    },
  },
  { code: 'DEADLINE_NOT_REACHED', setup: () => world({ frozen: true }), tx: () => settleTx(scheme, carol, 0, channelId) },
  {
    code: 'CHALLENGE_WINDOW_CLOSED',
    setup: () => {
      const state = world({ frozen: true });
      advance(scheme, state, CHALLENGE_BLOCKS);
      return state;
    },
    tx: () => submitStateTx(scheme, 'channel.challenge', bob, 0, channelId, v1, certify(scheme, v1, members)),
  },
  { code: 'SELF_TRANSFER', setup: world, tx: () => signTx(scheme, transferBody(alice, 1, alice.address, 1n), [alice]) },
  {
    // Bob's 25 more are in the state, but no channel.deposit put them on L1.
    code: 'UNFUNDED_STATE',
    setup: world,
    tx: () => {
      const unfunded = channelState(channelId, 1, [100n, 75n], { deposited: [100n, 75n] });
      return submitStateTx(scheme, 'channel.terminate', bob, 0, channelId, unfunded, certify(scheme, unfunded, members));
    },
  },
  {
    // v1 withdraws nothing for anyone.
    code: 'NOTHING_TO_WITHDRAW',
    setup: world,
    tx: () => withdrawTx(scheme, bob, 0, channelId, v1, certify(scheme, v1, members)),
  },
];

describe('splice codes', () => {
  it('a deposit into a frozen channel is CHANNEL_FROZEN and changes nothing', () => {
    const state = world({ frozen: true });
    const before = stateRoot(state);
    expect(attempt(scheme, state, depositTx(scheme, bob, 0, channelId, 5n))).toBe('CHANNEL_FROZEN');
    expect(stateRoot(state)).toBe(before);
  });
});

describe('every error code', () => {
  it.each(scenarios.map((scenario) => [scenario.code, scenario] as const))('%s is produced and changes nothing', (code, scenario) => {
    const state = scenario.setup();
    const before = stateRoot(state);
    const accountsBefore = new Map(state.accounts);
    expect(attempt(scheme, state, scenario.tx())).toBe(code);
    expect(stateRoot(state)).toBe(before);
    expect(state.accounts).toEqual(accountsBefore);
    // Committed in a block, the rejected transaction is reported with the same code.
    expect(commit(scheme, state, [scenario.tx()])[0]!.code).toBe(code);
  });

  it('has a scenario for every code in LEDGER_ERROR_CODES', () => {
    expect(new Set(scenarios.map((scenario) => scenario.code))).toEqual(new Set(LEDGER_ERROR_CODES));
    expect(scenarios).toHaveLength(LEDGER_ERROR_CODES.length);
  });
});
