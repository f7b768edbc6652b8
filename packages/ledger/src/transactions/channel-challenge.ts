// channel.challenge: while a channel is frozen, anyone (a member or a
// watchtower) may replace the recorded state with a fully-signed newer one.
// The deadline does not move, so challenges cannot stall settlement forever.
import { assert } from '@wedge/common';
import type { SignatureScheme } from '@wedge/crypto';
import { cloneChannelState } from '../channel-state.ts';
import type { LedgerErrorCode } from '../errors.ts';
import type { LedgerRules } from '../rules.ts';
import type { UnknownRecord } from '../shape.ts';
import type { ChannelChallengeBody, LedgerState } from '../types.ts';
import { getChannel } from '../channels.ts';
import {
  getStateContentValidity,
  getStateFreshness,
  getStateSignatureValidity,
  getStateSubmissionStaticValidity,
} from './state-submission.ts';

export function getChannelChallengeStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  return getStateSubmissionStaticValidity(body);
}

export function getChannelChallengeValidity(
  scheme: SignatureScheme,
  state: LedgerState,
  body: ChannelChallengeBody,
  height: number,
  rules: LedgerRules,
): LedgerErrorCode | null {
  const record = getChannel(state, body.channelId);
  if (record === undefined) return 'UNKNOWN_CHANNEL';
  if (record.status === 'closed') return 'CHANNEL_CLOSED';
  if (record.status === 'open') return 'NOT_FROZEN';
  assert(record.deadline !== null, 'getChannelChallengeValidity: frozen channel without deadline');
  if (height >= record.deadline) return 'CHALLENGE_WINDOW_CLOSED';
  const content = getStateContentValidity(state, record, body.state, rules);
  if (content !== null) return content;
  const freshness = getStateFreshness(record, body.state);
  if (freshness !== null) return freshness;
  return getStateSignatureValidity(scheme, record, body.state, body.stateSignatures);
}

export function applyChannelChallenge(state: LedgerState, body: ChannelChallengeBody, height: number): void {
  const record = getChannel(state, body.channelId);
  assert(record !== undefined && record.status === 'frozen', 'applyChannelChallenge: channel not frozen');
  assert(record.deadline !== null && height < record.deadline, 'applyChannelChallenge: window closed');
  assert(body.state.version > record.recorded.version, 'applyChannelChallenge: stale state');
  state.channels.set(record.id, { ...record, recorded: cloneChannelState(body.state) });
}
