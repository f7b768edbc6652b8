// channel.terminate: a member's unilateral ending. It submits the latest
// fully-signed state it holds, or null for the opening state (version 0, which
// L1 already recorded and which needs no signatures). The channel freezes and
// a challenge window of `challengeBlocks` blocks opens.
import { assert } from '@wedge/common';
import type { SignatureScheme } from '@wedge/crypto';
import { cloneChannelState } from '../channel-state.ts';
import type { LedgerErrorCode } from '../errors.ts';
import type { LedgerRules } from '../rules.ts';
import { hasExactKeys, isChannelStateShape, isHash, isStateSignaturesShape, type UnknownRecord } from '../shape.ts';
import type { ChannelTerminateBody, LedgerState } from '../types.ts';
import { getChannel } from '../channels.ts';
import { getStateContentValidity, getStateFreshness, getStateSignatureValidity } from './state-submission.ts';

const TERMINATE_KEYS = ['type', 'chainId', 'from', 'nonce', 'channelId', 'state', 'stateSignatures'];

/** Stateless: a null state comes with no signatures; otherwise the usual state shape. */
export function getChannelTerminateStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  if (!hasExactKeys(body, TERMINATE_KEYS) || !isHash(body.channelId)) return 'MALFORMED';
  if (!isStateSignaturesShape(body.stateSignatures)) return 'MALFORMED';
  if (body.state === null) return body.stateSignatures.length === 0 ? null : 'MALFORMED';
  return isChannelStateShape(body.state) ? null : 'MALFORMED';
}

export function getChannelTerminateValidity(
  scheme: SignatureScheme,
  state: LedgerState,
  body: ChannelTerminateBody,
  rules: LedgerRules,
): LedgerErrorCode | null {
  const record = getChannel(state, body.channelId);
  if (record === undefined) return 'UNKNOWN_CHANNEL';
  if (record.status === 'closed') return 'CHANNEL_CLOSED';
  if (record.status === 'frozen') return 'CHANNEL_FROZEN';
  if (!record.members.some((member) => member.address === body.from)) return 'NOT_A_MEMBER';
  // While a channel is open, L1 has recorded only its opening state, which null
  // names — unless a withdrawal raised the floor above it.
  if (body.state === null) return record.floor > 0 && rules.versionFloor ? 'STALE_STATE' : null;
  const content = getStateContentValidity(state, record, body.state, rules);
  if (content !== null) return content;
  // Version 0 can only be named by null: any explicit state must be newer than the record.
  const freshness = getStateFreshness(record, body.state);
  if (freshness !== null) return freshness;
  return getStateSignatureValidity(scheme, record, body.state, body.stateSignatures);
}

export function applyChannelTerminate(state: LedgerState, body: ChannelTerminateBody, height: number): void {
  const record = getChannel(state, body.channelId);
  assert(record !== undefined && record.status === 'open', 'applyChannelTerminate: channel not open');
  assert(body.state === null || body.state.version > record.recorded.version, 'applyChannelTerminate: stale state');
  state.channels.set(record.id, {
    ...record,
    status: 'frozen',
    recorded: body.state === null ? record.recorded : cloneChannelState(body.state),
    deadline: height + record.challengeBlocks,
    terminatedBy: body.from,
  });
}
