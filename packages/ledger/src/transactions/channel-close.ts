// channel.close: the cooperative ending. A state marked final and signed by
// every member pays its balances out at once, without a challenge window; it is
// accepted while the channel is open or frozen (DESIGN §4 lets members sign a
// final state after wedging, so a dispute can still end cooperatively).
import { assert } from '@wedge/common';
import type { SignatureScheme } from '@wedge/crypto';
import { cloneChannelState } from '../channel-state.ts';
import type { LedgerErrorCode } from '../errors.ts';
import type { LedgerRules } from '../rules.ts';
import type { UnknownRecord } from '../shape.ts';
import type { ChannelCloseBody, LedgerState } from '../types.ts';
import { getChannel } from '../channels.ts';
import {
  getStateContentValidity,
  getStateFreshness,
  getStateSignatureValidity,
  getStateSubmissionStaticValidity,
} from './state-submission.ts';
import { payOut } from './pay-out.ts';

export function getChannelCloseStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  return getStateSubmissionStaticValidity(body);
}

export function getChannelCloseValidity(
  scheme: SignatureScheme,
  state: LedgerState,
  body: ChannelCloseBody,
  rules: LedgerRules,
): LedgerErrorCode | null {
  const record = getChannel(state, body.channelId);
  if (record === undefined) return 'UNKNOWN_CHANNEL';
  if (record.status === 'closed') return 'CHANNEL_CLOSED';
  const content = getStateContentValidity(state, record, body.state, rules);
  if (content !== null) return content;
  if (!body.state.final) return 'NOT_FINAL';
  const freshness = getStateFreshness(record, body.state);
  if (freshness !== null) return freshness;
  return getStateSignatureValidity(scheme, record, body.state, body.stateSignatures);
}

export function applyChannelClose(state: LedgerState, body: ChannelCloseBody, height: number): void {
  const record = getChannel(state, body.channelId);
  assert(record !== undefined && record.status !== 'closed', 'applyChannelClose: channel not open or frozen');
  assert(body.state.final && body.state.version > record.recorded.version, 'applyChannelClose: state not final and newer');
  const recorded = cloneChannelState(body.state);
  const payouts = payOut(state, record, recorded);
  state.channels.set(record.id, {
    ...record,
    status: 'closed',
    recorded,
    settledBalances: payouts,
    closedAt: height,
    closedBy: 'cooperative',
  });
}
