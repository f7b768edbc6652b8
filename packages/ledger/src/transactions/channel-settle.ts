// channel.settle: after the challenge window, anyone may pay out the recorded
// state (the newest fully-signed one L1 saw), with the deposits and
// withdrawals it leaves to L1 (pay-out.ts), and close the channel.
import { assert } from '@wedge/common';
import { getChannel } from '../channels.ts';
import type { LedgerErrorCode } from '../errors.ts';
import { hasExactKeys, isHash, type UnknownRecord } from '../shape.ts';
import type { ChannelSettleBody, LedgerState } from '../types.ts';
import { payOut } from './pay-out.ts';

const SETTLE_KEYS = ['type', 'chainId', 'from', 'nonce', 'channelId'];

export function getChannelSettleStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  return hasExactKeys(body, SETTLE_KEYS) && isHash(body.channelId) ? null : 'MALFORMED';
}

export function getChannelSettleValidity(state: LedgerState, body: ChannelSettleBody, height: number): LedgerErrorCode | null {
  const record = getChannel(state, body.channelId);
  if (record === undefined) return 'UNKNOWN_CHANNEL';
  if (record.status === 'closed') return 'CHANNEL_CLOSED';
  if (record.status === 'open') return 'NOT_FROZEN';
  assert(record.deadline !== null, 'getChannelSettleValidity: frozen channel without deadline');
  return height >= record.deadline ? null : 'DEADLINE_NOT_REACHED';
}

export function applyChannelSettle(state: LedgerState, body: ChannelSettleBody, height: number): void {
  const record = getChannel(state, body.channelId);
  assert(record !== undefined && record.status === 'frozen', 'applyChannelSettle: channel not frozen');
  assert(record.deadline !== null && height >= record.deadline, 'applyChannelSettle: deadline not reached');
  const payouts = payOut(state, record, record.recorded);
  state.channels.set(record.id, {
    ...record,
    status: 'closed',
    settledBalances: payouts,
    closedAt: height,
    closedBy: 'dispute',
  });
}
