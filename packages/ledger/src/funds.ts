// Where the money is: account balances plus deposits locked in channels that
// are not closed. Conservation (DESIGN §5) says their sum is the genesis
// supply after every block; these functions let tests and the simulator check it.
import { ChannelTable } from './channel-table.ts';
import type { LedgerState } from './types.ts';

/** Deposits of every channel that is open or frozen. */
export function lockedFunds(state: LedgerState): bigint {
  let locked = 0n;
  for (const record of state.channels.values()) if (record.status !== 'closed') locked += record.total;
  return locked;
}

export function totalFunds(state: LedgerState): bigint {
  let balances = 0n;
  for (const account of state.accounts.values()) balances += account.balance;
  return balances + lockedFunds(state);
}

/**
 * True while some channel awaits settlement: the primary must keep producing
 * (empty) blocks. O(1) on the ledger's own tables (ChannelTable); a plain Map
 * (a test's hand-built state) is walked.
 */
export function hasFrozenChannel(state: LedgerState): boolean {
  if (state.channels instanceof ChannelTable) return state.channels.frozenCount > 0;
  for (const record of state.channels.values()) if (record.status === 'frozen') return true;
  return false;
}
