// GET /v1/accounts/:address. An address without an account reads as balance 0,
// nonce 0, as it does in the ledger.
import type { Account } from '@wedge/ledger';
import { z } from 'zod';
import { amountFromWire, amountToWire, WireAddress, WireAmount, WireCount } from './fields.ts';

export const AccountResponse = z.strictObject({ address: WireAddress, balance: WireAmount, nonce: WireCount });
export type AccountResponse = z.infer<typeof AccountResponse>;

export type AccountView = { address: string; balance: bigint; nonce: number };

export function accountToWire(address: string, account: Account): AccountResponse {
  return { address, balance: amountToWire(account.balance), nonce: account.nonce };
}

export function accountFromWire(wire: AccountResponse): AccountView {
  return { address: wire.address, balance: amountFromWire(wire.balance), nonce: wire.nonce };
}
