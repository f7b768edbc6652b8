// channel.withdraw: funds out of an open channel without closing it (a
// splice-out). The body carries a fully-signed state whose cumulative
// `withdrawn` is above what L1 has paid for some member; L1 pays each member
// the difference and records the state's version as the channel's version
// floor, below which every dispute refuses a state (STALE_STATE), so no older
// state can undo the withdrawal. Amounts are cumulative, so the same state
// (or any later one) submitted again pays nothing more (NOTHING_TO_WITHDRAW):
// a withdrawal is paid once, whoever submits it and however often.
import { assert } from '@wedge/common';
import type { SignatureScheme } from '@wedge/crypto';
import { credit } from '../accounts.ts';
import { cloneChannelState } from '../channel-state.ts';
import { getChannel } from '../channels.ts';
import type { LedgerErrorCode } from '../errors.ts';
import type { UnknownRecord } from '../shape.ts';
import type { LedgerRules } from '../rules.ts';
import type { ChannelWithdrawBody, LedgerState } from '../types.ts';
import { getStateContentValidity, getStateSignatureValidity, getStateSubmissionStaticValidity } from './state-submission.ts';

export function getChannelWithdrawStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  return getStateSubmissionStaticValidity(body);
}

export function getChannelWithdrawValidity(
  scheme: SignatureScheme,
  state: LedgerState,
  body: ChannelWithdrawBody,
  rules: LedgerRules,
): LedgerErrorCode | null {
  const record = getChannel(state, body.channelId);
  if (record === undefined) return 'UNKNOWN_CHANNEL';
  if (record.status === 'closed') return 'CHANNEL_CLOSED';
  // Once frozen, settlement pays a withdrawal the recorded state accounts for (pay-out.ts).
  if (record.status === 'frozen') return 'CHANNEL_FROZEN';
  const content = getStateContentValidity(state, record, body.state, rules);
  if (content !== null) return content;
  // Version 0 is the opening state, which withdraws nothing: an explicit state there is stale (as in a termination).
  if (body.state.version === 0) return 'STALE_STATE';
  if (!body.state.withdrawn.some((amount, index) => amount > record.withdrawn[index]!)) return 'NOTHING_TO_WITHDRAW';
  return getStateSignatureValidity(scheme, record, body.state, body.stateSignatures);
}

export function applyChannelWithdraw(state: LedgerState, body: ChannelWithdrawBody): void {
  const record = getChannel(state, body.channelId);
  assert(record !== undefined && record.status === 'open', 'applyChannelWithdraw: channel not open');
  assert(body.state.version > 0, 'applyChannelWithdraw: a withdrawal state at version 0');
  let paid = 0n;
  record.members.forEach((member, index) => {
    const amount = body.state.withdrawn[index]! - record.withdrawn[index]!;
    assert(amount >= 0n, 'applyChannelWithdraw: state predates a paid withdrawal');
    if (amount > 0n) credit(state, member.address, amount);
    paid += amount;
  });
  assert(paid > 0n && paid <= record.total, 'applyChannelWithdraw: pays nothing, or more than the channel holds');
  const floorState = cloneChannelState(body.state);
  state.channels.set(record.id, {
    ...record,
    withdrawn: [...floorState.withdrawn],
    total: record.total - paid,
    floor: floorState.version,
    floorCertificate: { state: floorState, signatures: [...body.stateSignatures] },
  });
}
