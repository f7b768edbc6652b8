// Proves the splice rules of DESIGN §7 on the ledger: a member tops up an open
// channel (channel.deposit) and takes funds out (channel.withdraw) without
// closing it; the withdrawal's state becomes the version floor, below which
// terminate, challenge and close are STALE_STATE; a withdrawal is paid once
// however often it is submitted; settlement credits deposits the recorded
// state does not account for and pays withdrawals it accounts for that L1
// has not paid; every rejection changes nothing; supply is conserved and a
// snapshot with splices round-trips.
import { describe, expect, it } from 'vitest';
import { createStandInScheme, type KeyPair } from '@wedge/crypto';
import { decodeLedger, encodeLedger, stateRoot, totalFunds, type LedgerState } from '../src/index.ts';
import {
  advance,
  attemptWithRoot,
  balanceOf,
  certify,
  channelIdOf,
  channelState,
  commit,
  depositTx,
  GENESIS_BALANCE,
  makeKeys,
  makeLedger,
  nonceOf,
  openTx,
  settleTx,
  submitStateTx,
  withdrawTx,
  type StateOptions,
} from './fixtures.ts';

const scheme = createStandInScheme();
const [alice, bob, carol] = makeKeys(scheme, 3) as [KeyPair, KeyPair, KeyPair];
const members = [alice, bob];
const channelId = channelIdOf('splice');
const CHALLENGE_BLOCKS = 4;

/** Alice 100 / Bob 50, opened at height 1. */
function opened(): LedgerState {
  const state = makeLedger([alice, bob, carol]);
  expect(commit(scheme, state, [openTx(scheme, alice, 0, channelId, members, [100n, 50n], { challengeBlocks: CHALLENGE_BLOCKS })])[0]!.code).toBe('OK');
  return state;
}

const record = (state: LedgerState) => state.channels.get(channelId)!;
const stateAt = (version: number, balances: bigint[], options: StateOptions) => channelState(channelId, version, balances, options);
const signed = (s: ReturnType<typeof stateAt>) => certify(scheme, s, members);

function run(state: LedgerState, tx: Parameters<typeof attemptWithRoot>[2]): string {
  return commit(scheme, state, [tx])[0]!.code;
}

// The story the tests share: Bob tops up 30 (v2 accounts for it), pays Alice 20 (v3), Alice withdraws 40 (v4), Alice pays Bob 5 (v5).
const v1 = stateAt(1, [90n, 60n], { deposited: [100n, 50n] });
const v2 = stateAt(2, [90n, 90n], { deposited: [100n, 80n] });
const v3 = stateAt(3, [110n, 70n], { deposited: [100n, 80n] });
const v4 = stateAt(4, [70n, 70n], { deposited: [100n, 80n], withdrawn: [40n, 0n] });
const v5 = stateAt(5, [65n, 75n], { deposited: [100n, 80n], withdrawn: [40n, 0n] });

describe('channel.deposit', () => {
  it('raises the member’s cumulative deposit and what the channel holds, and conserves supply', () => {
    const state = opened();
    expect(run(state, depositTx(scheme, bob, 0, channelId, 30n))).toBe('OK');
    expect(record(state).deposited).toEqual([100n, 80n]);
    expect(record(state).deposits).toEqual([100n, 50n]);
    expect(record(state).total).toBe(180n);
    expect(balanceOf(state, bob.address)).toBe(GENESIS_BALANCE - 80n);
    expect(totalFunds(state)).toBe(state.supply);
  });

  it.each([
    ['a non-member', () => depositTx(scheme, carol, 0, channelId, 5n), 'NOT_A_MEMBER'],
    ['more than the account holds', () => depositTx(scheme, bob, 0, channelId, GENESIS_BALANCE), 'INSUFFICIENT_FUNDS'],
    ['a zero amount', () => depositTx(scheme, bob, 0, channelId, 0n), 'INVALID_AMOUNT'],
    ['an unknown channel', () => depositTx(scheme, bob, 0, channelIdOf('nowhere'), 5n), 'UNKNOWN_CHANNEL'],
  ] as const)('refuses %s and changes nothing', (_name, tx, code) => {
    const state = opened();
    expect(attemptWithRoot(scheme, state, tx())).toEqual({ code, changed: false });
  });

  it('refuses a closed channel and changes nothing', () => {
    const state = opened();
    const final = stateAt(2, [90n, 60n], { deposited: [100n, 50n], final: true });
    expect(run(state, submitStateTx(scheme, 'channel.close', alice, 1, channelId, final, signed(final)))).toBe('OK');
    expect(attemptWithRoot(scheme, state, depositTx(scheme, bob, 0, channelId, 5n))).toEqual({ code: 'CHANNEL_CLOSED', changed: false });
  });
});

describe('channel.withdraw', () => {
  function spliced(): LedgerState {
    const state = opened();
    expect(run(state, depositTx(scheme, bob, 0, channelId, 30n))).toBe('OK');
    return state;
  }

  it('pays the withdrawal, sets the floor to the state’s version and keeps its certificate', () => {
    const state = spliced();
    expect(run(state, withdrawTx(scheme, carol, 0, channelId, v4, signed(v4)))).toBe('OK');
    expect(balanceOf(state, alice.address)).toBe(GENESIS_BALANCE - 100n + 40n);
    expect(record(state).withdrawn).toEqual([40n, 0n]);
    expect(record(state).total).toBe(140n);
    expect(record(state).floor).toBe(4);
    expect(record(state).floorCertificate).toEqual({ state: v4, signatures: signed(v4) });
    expect(totalFunds(state)).toBe(state.supply);
  });

  it('pays once: the same state, or a later one with the same withdrawals, is NOTHING_TO_WITHDRAW', () => {
    const state = spliced();
    expect(run(state, withdrawTx(scheme, alice, 1, channelId, v4, signed(v4)))).toBe('OK');
    const paid = balanceOf(state, alice.address);
    expect(attemptWithRoot(scheme, state, withdrawTx(scheme, alice, 2, channelId, v4, signed(v4)))).toEqual({ code: 'NOTHING_TO_WITHDRAW', changed: false });
    expect(attemptWithRoot(scheme, state, withdrawTx(scheme, alice, 2, channelId, v5, signed(v5)))).toEqual({ code: 'NOTHING_TO_WITHDRAW', changed: false });
    expect(balanceOf(state, alice.address)).toBe(paid);
  });

  it.each([
    ['a state accounting for an unrecorded deposit', () => stateAt(4, [70n, 100n], { deposited: [100n, 110n], withdrawn: [40n, 0n] }), 'UNFUNDED_STATE'],
    ['balances that do not add up to what the state accounts for', () => stateAt(4, [70n, 71n], { deposited: [100n, 80n], withdrawn: [40n, 0n] }), 'INVALID_STATE'],
    ['a state withdrawing nothing', () => v3, 'NOTHING_TO_WITHDRAW'],
    ['a withdrawal at version 0 (only the opening state is there)', () => stateAt(0, [60n, 80n], { deposited: [100n, 80n], withdrawn: [40n, 0n] }), 'STALE_STATE'],
  ] as const)('refuses %s and changes nothing', (_name, build, code) => {
    const state = spliced();
    const submitted = build();
    expect(attemptWithRoot(scheme, state, withdrawTx(scheme, alice, 1, channelId, submitted, signed(submitted)))).toEqual({ code, changed: false });
  });

  it('refuses a state not signed by every member, and a frozen channel, changing nothing', () => {
    const state = spliced();
    expect(attemptWithRoot(scheme, state, withdrawTx(scheme, alice, 1, channelId, v4, certify(scheme, v4, [alice, carol])))).toEqual({ code: 'BAD_SIGNATURE', changed: false });
    expect(run(state, submitStateTx(scheme, 'channel.terminate', alice, 1, channelId, v3, signed(v3)))).toBe('OK');
    expect(attemptWithRoot(scheme, state, withdrawTx(scheme, alice, 2, channelId, v4, signed(v4)))).toEqual({ code: 'CHANNEL_FROZEN', changed: false });
  });

  it('refuses a withdrawal state below the floor (STALE_STATE), changing nothing', () => {
    const state = spliced();
    expect(run(state, withdrawTx(scheme, alice, 1, channelId, v5, signed(v5)))).toBe('OK');
    expect(attemptWithRoot(scheme, state, withdrawTx(scheme, alice, 2, channelId, v4, signed(v4)))).toEqual({ code: 'STALE_STATE', changed: false });
  });
});

describe('the version floor in disputes', () => {
  function withdrawn(): LedgerState {
    const state = opened();
    expect(run(state, depositTx(scheme, bob, 0, channelId, 30n))).toBe('OK');
    expect(run(state, withdrawTx(scheme, alice, 1, channelId, v4, signed(v4)))).toBe('OK');
    return state;
  }

  it.each([
    ['the opening state (null)', () => submitStateTx(scheme, 'channel.terminate', bob, 1, channelId, null, [])],
    ['v3, from before the withdrawal', () => submitStateTx(scheme, 'channel.terminate', bob, 1, channelId, v3, signed(v3))],
    ['v1, from before the deposit', () => submitStateTx(scheme, 'channel.terminate', bob, 1, channelId, v1, signed(v1))],
  ] as const)('a termination with %s is STALE_STATE and changes nothing', (_name, tx) => {
    const state = withdrawn();
    expect(attemptWithRoot(scheme, state, tx())).toEqual({ code: 'STALE_STATE', changed: false });
  });

  it('a cooperative close with a final state below the floor is STALE_STATE', () => {
    const state = withdrawn();
    const finalOld = stateAt(3, [110n, 70n], { deposited: [100n, 80n], final: true });
    expect(attemptWithRoot(scheme, state, submitStateTx(scheme, 'channel.close', bob, 1, channelId, finalOld, signed(finalOld)))).toEqual({ code: 'STALE_STATE', changed: false });
  });

  it('a challenge below the floor is STALE_STATE; at or above it the dispute settles on the newest state', () => {
    const state = withdrawn();
    expect(run(state, submitStateTx(scheme, 'channel.terminate', bob, 1, channelId, v4, signed(v4)))).toBe('OK');
    expect(attemptWithRoot(scheme, state, submitStateTx(scheme, 'channel.challenge', carol, 0, channelId, v3, signed(v3)))).toEqual({ code: 'STALE_STATE', changed: false });
    expect(run(state, submitStateTx(scheme, 'channel.challenge', carol, 0, channelId, v5, signed(v5)))).toBe('OK');
    advance(scheme, state, CHALLENGE_BLOCKS);
    const aliceBefore = balanceOf(state, alice.address);
    const bobBefore = balanceOf(state, bob.address);
    expect(run(state, settleTx(scheme, carol, 1, channelId))).toBe('OK');
    expect(record(state).settledBalances).toEqual([65n, 75n]);
    expect(balanceOf(state, alice.address) - aliceBefore).toBe(65n);
    expect(balanceOf(state, bob.address) - bobBefore).toBe(75n);
    expect(totalFunds(state)).toBe(state.supply);
  });
});

describe('settlement of what the recorded state leaves to L1', () => {
  it('credits a deposit no state accounts for', () => {
    const state = opened();
    expect(run(state, depositTx(scheme, bob, 0, channelId, 30n))).toBe('OK');
    // Alice terminates with v1, which predates Bob's deposit.
    expect(run(state, submitStateTx(scheme, 'channel.terminate', alice, 1, channelId, v1, signed(v1)))).toBe('OK');
    advance(scheme, state, CHALLENGE_BLOCKS);
    const bobBefore = balanceOf(state, bob.address);
    expect(run(state, settleTx(scheme, carol, 0, channelId))).toBe('OK');
    expect(record(state).settledBalances).toEqual([90n, 90n]);
    expect(balanceOf(state, bob.address) - bobBefore).toBe(90n);
    expect(totalFunds(state)).toBe(state.supply);
  });

  it('pays a withdrawal the recorded state accounts for that L1 had not paid (the channel froze first)', () => {
    const state = opened();
    expect(run(state, depositTx(scheme, bob, 0, channelId, 30n))).toBe('OK');
    expect(run(state, submitStateTx(scheme, 'channel.terminate', bob, 1, channelId, v3, signed(v3)))).toBe('OK');
    expect(run(state, submitStateTx(scheme, 'channel.challenge', alice, 1, channelId, v5, signed(v5)))).toBe('OK');
    advance(scheme, state, CHALLENGE_BLOCKS);
    const aliceBefore = balanceOf(state, alice.address);
    expect(run(state, settleTx(scheme, carol, 0, channelId))).toBe('OK');
    // 65 of balance plus the 40 withdrawn in v4 that no channel.withdraw paid.
    expect(record(state).settledBalances).toEqual([105n, 75n]);
    expect(balanceOf(state, alice.address) - aliceBefore).toBe(105n);
    expect(totalFunds(state)).toBe(state.supply);
  });

  it('a cooperative close credits a deposit made after its final state was signed', () => {
    const state = opened();
    const final = stateAt(2, [90n, 60n], { deposited: [100n, 50n], final: true });
    expect(run(state, depositTx(scheme, bob, 0, channelId, 30n))).toBe('OK');
    expect(run(state, submitStateTx(scheme, 'channel.close', alice, 1, channelId, final, signed(final)))).toBe('OK');
    expect(record(state).settledBalances).toEqual([90n, 90n]);
    expect(totalFunds(state)).toBe(state.supply);
  });
});

describe('snapshots with splices', () => {
  it('round-trip to the same root, open (with a floor) and settled', () => {
    const state = opened();
    expect(run(state, depositTx(scheme, bob, 0, channelId, 30n))).toBe('OK');
    expect(run(state, withdrawTx(scheme, alice, 1, channelId, v4, signed(v4)))).toBe('OK');
    expect(stateRoot(decodeLedger(encodeLedger(state)))).toBe(stateRoot(state));
    expect(run(state, submitStateTx(scheme, 'channel.terminate', bob, 1, channelId, v5, signed(v5)))).toBe('OK');
    advance(scheme, state, CHALLENGE_BLOCKS);
    expect(run(state, settleTx(scheme, carol, 0, channelId))).toBe('OK');
    expect(stateRoot(decodeLedger(encodeLedger(state)))).toBe(stateRoot(state));
    expect(nonceOf(state, carol)).toBe(1);
  });

  it.each([
    ['a total that is not deposits less withdrawals', (channel: Record<string, unknown>) => (channel.total = (channel.total as bigint) + 1n)],
    ['a floor without its certificate', (channel: Record<string, unknown>) => (channel.floorCertificate = null)],
    ['withdrawals that are not the floor certificate’s', (channel: Record<string, unknown>) => ((channel.withdrawn as bigint[])[1] = 1n)],
  ])('refuse %s', (_name, corrupt) => {
    const state = opened();
    expect(run(state, depositTx(scheme, bob, 0, channelId, 30n))).toBe('OK');
    expect(run(state, withdrawTx(scheme, alice, 1, channelId, v4, signed(v4)))).toBe('OK');
    const encoded = encodeLedger(state) as { channels: Record<string, unknown>[] };
    corrupt(encoded.channels[0]!);
    expect(() => decodeLedger(encoded as never)).toThrow(/invalid ledger snapshot/);
  });
});
