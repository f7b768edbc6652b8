// Checks shared by the transactions that submit a channel state to L1 (close,
// terminate, challenge, withdraw). They run cheapest first: the state's own
// content against the channel record (INVALID_STATE), the version floor and
// what L1 has paid out (STALE_STATE), the deposits L1 holds (UNFUNDED_STATE),
// then the caller's version and finality rules, and the member signatures
// (BAD_SIGNATURE) last, because verifying up to 16 signatures is the
// expensive part.
import type { SignatureScheme } from '@wedge/crypto';
import { isChannelStateCertified } from '../channel-state.ts';
import type { LedgerErrorCode } from '../errors.ts';
import { HONEST_LEDGER_RULES, type LedgerRules } from '../rules.ts';
import { hasExactKeys, isChannelStateShape, isHash, isStateSignaturesShape, type UnknownRecord } from '../shape.ts';
import type { ChannelRecord, ChannelState, LedgerState } from '../types.ts';

const SUBMISSION_KEYS = ['type', 'chainId', 'from', 'nonce', 'channelId', 'state', 'stateSignatures'];

/** Stateless shape of a close, challenge or withdraw body: a state is required. */
export function getStateSubmissionStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  if (!hasExactKeys(body, SUBMISSION_KEYS) || !isHash(body.channelId)) return 'MALFORMED';
  if (!isChannelStateShape(body.state) || !isStateSignaturesShape(body.stateSignatures)) return 'MALFORMED';
  return null;
}

function sum(amounts: readonly bigint[]): bigint {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}

/**
 * The state belongs to this chain and channel, has one balance, deposit and
 * withdrawal per member, none negative, and its balances add up to what it
 * accounts for (deposits less withdrawals): the state is consistent in itself.
 */
function getStateShapeValidity(ledger: LedgerState, record: ChannelRecord, state: ChannelState): LedgerErrorCode | null {
  const count = record.members.length;
  if (state.chainId !== ledger.chainId || state.channelId !== record.id) return 'INVALID_STATE';
  if (state.balances.length !== count || state.deposited.length !== count || state.withdrawn.length !== count) return 'INVALID_STATE';
  for (let index = 0; index < count; index++) {
    if (state.balances[index]! < 0n || state.deposited[index]! < 0n || state.withdrawn[index]! < 0n) return 'INVALID_STATE';
  }
  return sum(state.balances) === sum(state.deposited) - sum(state.withdrawn) ? null : 'INVALID_STATE';
}

/**
 * The state fits the channel as L1 holds it now: it is consistent in itself
 * (INVALID_STATE); it is not below the version floor and accounts for every
 * withdrawal L1 has paid (STALE_STATE: an older state must never undo a
 * withdrawal); and it accounts for no deposit L1 has not recorded
 * (UNFUNDED_STATE). Together these make every payout of it non-negative
 * (pay-out.ts).
 */
export function getStateContentValidity(
  ledger: LedgerState,
  record: ChannelRecord,
  state: ChannelState,
  rules: LedgerRules = HONEST_LEDGER_RULES,
): LedgerErrorCode | null {
  const shape = getStateShapeValidity(ledger, record, state);
  if (shape !== null) return shape;
  if (state.version < record.floor && rules.versionFloor) return 'STALE_STATE';
  for (let index = 0; index < record.members.length; index++) {
    if (state.withdrawn[index]! < record.withdrawn[index]!) return 'STALE_STATE';
  }
  for (let index = 0; index < record.members.length; index++) {
    if (state.deposited[index]! > record.deposited[index]!) return 'UNFUNDED_STATE';
  }
  return null;
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
