// Checks shared by the transactions that submit a channel state to L1 (close,
// terminate, challenge). They run cheapest first: the state's content against
// the channel record (INVALID_STATE), then the caller's version and finality
// rules, and the member signatures (BAD_SIGNATURE) last, because verifying up
// to 16 signatures is the expensive part.
import type { SignatureScheme } from '@wedge/crypto';
import { isChannelStateCertified } from '../channel-state.ts';
import type { LedgerErrorCode } from '../errors.ts';
import { hasExactKeys, isChannelStateShape, isHash, isStateSignaturesShape, type UnknownRecord } from '../shape.ts';
import type { ChannelRecord, ChannelState, LedgerState } from '../types.ts';

const SUBMISSION_KEYS = ['type', 'chainId', 'from', 'nonce', 'channelId', 'state', 'stateSignatures'];

/** Stateless shape of a close or challenge body: a state is required. */
export function getStateSubmissionStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  if (!hasExactKeys(body, SUBMISSION_KEYS) || !isHash(body.channelId)) return 'MALFORMED';
  if (!isChannelStateShape(body.state) || !isStateSignaturesShape(body.stateSignatures)) return 'MALFORMED';
  return null;
}

/**
 * The state belongs to this chain and channel and splits exactly the
 * channel's total among its members, none negative.
 */
export function getStateContentValidity(
  ledger: LedgerState,
  record: ChannelRecord,
  state: ChannelState,
): LedgerErrorCode | null {
  if (state.chainId !== ledger.chainId || state.channelId !== record.id) return 'INVALID_STATE';
  if (state.balances.length !== record.members.length) return 'INVALID_STATE';
  let sum = 0n;
  for (const balance of state.balances) {
    if (balance < 0n) return 'INVALID_STATE';
    sum += balance;
  }
  return sum === record.total ? null : 'INVALID_STATE';
}

/** A newer state than the one on record; equal versions are stale too. */
export function getStateFreshness(record: ChannelRecord, state: ChannelState): LedgerErrorCode | null {
  return state.version > record.recorded.version ? null : 'STALE_STATE';
}

export function getStateSignatureValidity(
  scheme: SignatureScheme,
  record: ChannelRecord,
  state: ChannelState,
  stateSignatures: readonly string[],
): LedgerErrorCode | null {
  return isChannelStateCertified(scheme, state, record.members, stateSignatures) ? null : 'BAD_SIGNATURE';
}
