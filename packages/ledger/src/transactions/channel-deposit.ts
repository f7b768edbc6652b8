// channel.deposit: a member adds funds to an open channel (a top-up, or
// splice-in). Signed by that member alone: it moves only its own money. Its
// cumulative deposit on L1 rises; the members take it into the next channel
// state once L1 finality proves it, and until a state accounts for it,
// settlement pays it back (pay-out.ts), so a deposit is never lost.
import { assert } from '@wedge/common';
import { debit, getAccount } from '../accounts.ts';
import { getChannel } from '../channels.ts';
import type { LedgerErrorCode } from '../errors.ts';
import { MAX_AMOUNT } from '../limits.ts';
import { hasExactKeys, isBigint, isHash, type UnknownRecord } from '../shape.ts';
import type { ChannelDepositBody, LedgerState } from '../types.ts';

const DEPOSIT_KEYS = ['type', 'chainId', 'from', 'nonce', 'channelId', 'amount'];

/** Stateless: shape, and an amount in 1..MAX_AMOUNT. */
export function getChannelDepositStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  if (!hasExactKeys(body, DEPOSIT_KEYS) || !isHash(body.channelId) || !isBigint(body.amount)) return 'MALFORMED';
  if (body.amount <= 0n || body.amount > MAX_AMOUNT) return 'INVALID_AMOUNT';
  return null;
}

export function getChannelDepositValidity(state: LedgerState, body: ChannelDepositBody): LedgerErrorCode | null {
  const record = getChannel(state, body.channelId);
  if (record === undefined) return 'UNKNOWN_CHANNEL';
  if (record.status === 'closed') return 'CHANNEL_CLOSED';
  // A frozen channel settles on a state signed before; a deposit now would only wait to be paid back.
  if (record.status === 'frozen') return 'CHANNEL_FROZEN';
  const index = record.members.findIndex((member) => member.address === body.from);
  if (index < 0) return 'NOT_A_MEMBER';
  // Cumulative amounts stay in range (every amount L1 keeps is at most MAX_AMOUNT).
  if (record.deposited[index]! + body.amount > MAX_AMOUNT || record.total + body.amount > MAX_AMOUNT) return 'INVALID_AMOUNT';
  if (getAccount(state, body.from).balance < body.amount) return 'INSUFFICIENT_FUNDS';
  return null;
}

export function applyChannelDeposit(state: LedgerState, body: ChannelDepositBody): void {
  const record = getChannel(state, body.channelId);
  assert(record !== undefined && record.status === 'open', 'applyChannelDeposit: channel not open');
  const index = record.members.findIndex((member) => member.address === body.from);
  assert(index >= 0, 'applyChannelDeposit: not a member');
  debit(state, body.from, body.amount);
  const deposited = [...record.deposited];
  deposited[index] = deposited[index]! + body.amount;
  state.channels.set(record.id, { ...record, deposited, total: record.total + body.amount });
}
