// Paying a channel back into its members' L1 accounts: the one step that
// unlocks funds, shared by cooperative close and dispute settlement.
//
// Member i is paid its balance in the state L1 settles on, plus what that
// state leaves to L1 (DESIGN §7): the deposits L1 recorded that the state
// does not account for (deposited on L1 above the state's), and the
// withdrawals the state accounts for that L1 has not paid yet (the state's
// withdrawn above L1's — a withdrawal signed just before a termination froze
// the channel is paid here, not lost). So no deposit is ever lost and no
// withdrawal paid twice, and the payouts add up to exactly what the channel
// holds: sum(balances) = sum(state.deposited) - sum(state.withdrawn), so the
// sum is sum(record.deposited) - sum(record.withdrawn) = record.total.
import { assert } from '@wedge/common';
import { credit } from '../accounts.ts';
import type { ChannelRecord, ChannelState, LedgerState } from '../types.ts';

/** What member i is owed when the channel closes on `state` (which getStateContentValidity accepted). */
export function payoutsOf(record: ChannelRecord, state: ChannelState): bigint[] {
  assert(state.balances.length === record.members.length, 'payoutsOf: one balance per member');
  const payouts = state.balances.map((balance, index) => {
    const unaccountedDeposit = record.deposited[index]! - state.deposited[index]!;
    const unpaidWithdrawal = state.withdrawn[index]! - record.withdrawn[index]!;
    assert(balance >= 0n && unaccountedDeposit >= 0n && unpaidWithdrawal >= 0n, 'payoutsOf: a state L1 would not accept');
    return balance + unaccountedDeposit + unpaidWithdrawal;
  });
  let sum = 0n;
  for (const payout of payouts) sum += payout;
  assert(sum === record.total, 'payoutsOf: payouts do not add up to what the channel holds');
  return payouts;
}

/** Credits each member its payout of `state` and returns the payouts. */
export function payOut(state: LedgerState, record: ChannelRecord, settledOn: ChannelState): bigint[] {
  assert(record.status !== 'closed', 'payOut: channel already paid out');
  const payouts = payoutsOf(record, settledOn);
  for (let index = 0; index < payouts.length; index++) credit(state, record.members[index]!.address, payouts[index]!);
  return payouts;
}
