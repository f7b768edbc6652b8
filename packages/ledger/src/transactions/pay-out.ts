// Paying a channel's balances back into its members' L1 accounts: the one step
// that unlocks funds, shared by cooperative close and dispute settlement.
import { assert } from '@wedge/common';
import { credit } from '../accounts.ts';
import type { ChannelRecord, LedgerState } from '../types.ts';

/** Credits member i balance i. The balances must add up to the locked total (conservation). */
export function payOut(state: LedgerState, record: ChannelRecord, balances: readonly bigint[]): void {
  assert(record.status !== 'closed', 'payOut: channel already paid out');
  assert(balances.length === record.members.length, 'payOut: one balance per member');
  let sum = 0n;
  for (const balance of balances) {
    assert(balance >= 0n, 'payOut: negative balance');
    sum += balance;
  }
  assert(sum === record.total, 'payOut: balances do not add up to the deposit');
  for (let index = 0; index < balances.length; index++) credit(state, record.members[index]!.address, balances[index]!);
}
