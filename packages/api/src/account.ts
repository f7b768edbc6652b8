// GET /v1/accounts/:address. An address without an account reads as balance 0,
// nonce 0, as it does in the ledger. `height` is the last block the answering
// replica has executed: the answer is the account as of that block. Replicas
// execute the same blocks but not at the same instant, so a client that has
// seen a later block elsewhere (the one that settled its channel, say) can
// tell a replica that has not caught up yet from a balance that is final.
import type { Account } from '@wedge/ledger';
import { z } from 'zod';
import { amountFromWire, amountToWire, WireAddress, WireAmount, WireCount } from './fields.ts';

export const AccountResponse = z.strictObject({ address: WireAddress, balance: WireAmount, nonce: WireCount, height: WireCount });
export type AccountResponse = z.infer<typeof AccountResponse>;

export type AccountView = { address: string; balance: bigint; nonce: number; height: number };

/** `height`: the last block executed by the ledger `account` was read from. */
export function accountToWire(address: string, account: Account, height: number): AccountResponse {
  return { address, balance: amountToWire(account.balance), nonce: account.nonce, height };
}

export function accountFromWire(wire: AccountResponse): AccountView {
  return { address: wire.address, balance: amountFromWire(wire.balance), nonce: wire.nonce, height: wire.height };
}
