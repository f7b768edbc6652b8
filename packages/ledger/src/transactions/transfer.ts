// transfer: move funds from the sender's account to another account, creating
// the recipient's account if it has none.
import { assert } from '@wedge/common';
import { credit, debit, getAccount } from '../accounts.ts';
import type { LedgerErrorCode } from '../errors.ts';
import { MAX_AMOUNT } from '../limits.ts';
import { hasExactKeys, isAddress, isBigint, type UnknownRecord } from '../shape.ts';
import type { LedgerState, TransferBody } from '../types.ts';

const TRANSFER_KEYS = ['type', 'chainId', 'from', 'nonce', 'to', 'amount'];

/** Stateless: shape, amount range, and no transfer to oneself. Common fields are checked by the caller. */
export function getTransferStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  if (!hasExactKeys(body, TRANSFER_KEYS) || !isAddress(body.to) || !isBigint(body.amount)) return 'MALFORMED';
  if (body.amount <= 0n || body.amount > MAX_AMOUNT) return 'INVALID_AMOUNT';
  if (body.to === body.from) return 'SELF_TRANSFER';
  return null;
}

export function getTransferValidity(state: LedgerState, body: TransferBody): LedgerErrorCode | null {
  if (getAccount(state, body.from).balance < body.amount) return 'INSUFFICIENT_FUNDS';
  return null;
}

export function applyTransfer(state: LedgerState, body: TransferBody): void {
  assert(body.from !== body.to && body.amount > 0n, 'applyTransfer: not statically valid');
  debit(state, body.from, body.amount);
  credit(state, body.to, body.amount);
}
