// Account reads and the three writes the transactions need. An address with no
// entry reads as balance 0, nonce 0, so a fresh key (say, a watchtower's) can
// send its first transaction at nonce 0. Writes replace the account object.
import { assert } from '@wedge/common';
import type { Account, Address, LedgerState } from './types.ts';

const EMPTY_ACCOUNT: Account = Object.freeze({ balance: 0n, nonce: 0 });

export function getAccount(state: LedgerState, address: Address): Account {
  return state.accounts.get(address) ?? EMPTY_ACCOUNT;
}

/** Adds `amount`; a zero credit creates no account. */
export function credit(state: LedgerState, address: Address, amount: bigint): void {
  assert(amount >= 0n, 'credit: negative amount');
  if (amount === 0n) return;
  const account = getAccount(state, address);
  state.accounts.set(address, { balance: account.balance + amount, nonce: account.nonce });
}

/** Subtracts `amount`; the caller has checked the funds, so a shortfall is a bug. */
export function debit(state: LedgerState, address: Address, amount: bigint): void {
  assert(amount >= 0n, 'debit: negative amount');
  if (amount === 0n) return;
  const account = getAccount(state, address);
  assert(account.balance >= amount, 'debit: insufficient funds after validation');
  state.accounts.set(address, { balance: account.balance - amount, nonce: account.nonce });
}

export function incrementNonce(state: LedgerState, address: Address): void {
  const account = getAccount(state, address);
  assert(Number.isSafeInteger(account.nonce + 1), 'incrementNonce: nonce overflow');
  state.accounts.set(address, { balance: account.balance, nonce: account.nonce + 1 });
}
