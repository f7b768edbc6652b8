// The one place a member signs a channel state, under rules 2 and 3: never
// two different states at one version (the same state again gets the same
// signature: a resend, not a second decision); after wedging, only rule 3's
// final state. What it signed is recorded in the state before the signature
// leaves the step, so the shell persists the decision before sending it.
import { fromHex, isHex } from '@wedge/common';
import { verifyObject } from '@wedge/crypto';
import { canonicalChannelState, channelStateHash, channelStateTag, signChannelState, type ChannelState } from '@wedge/ledger';
import type { ProposalDropReason } from './reasons.ts';
import { sameSplice } from './splices.ts';
import type { MemberStep } from './step.ts';
import type { Proposal } from './types.ts';

export type SignOutcome = { readonly signature: string } | { readonly refused: ProposalDropReason };

/** True when rule 3 holds this member back: it wedged (and the rule is on). */
export function isSilencedByWedge(step: MemberStep): boolean {
  return step.state.wedged !== null && step.rules.silentAfterWedge;
}

/** Rule 3's state: final, the balances (and deposits and withdrawals) of the latest certificate, above every version ever signed. */
export function isAllowedFinal(step: MemberStep, state: ChannelState): boolean {
  const latest = step.state.latest.state;
  return (
    state.final &&
    state.version > step.state.signedVersion &&
    state.balances.length === latest.balances.length &&
    state.balances.every((balance, index) => balance === latest.balances[index]) &&
    sameSplice(state, latest)
  );
}

/**
 * Signs the proposal's state if rules 2 and 3 allow it. `verified`: the
 * others' signatures on it checked before signing (kept, so that its
 * certificate need not check them again).
 */
export function sign(step: MemberStep, proposal: Proposal, verified: readonly (string | null)[]): SignOutcome {
  const { state: member } = step;
  const { state } = proposal;
  const hash = channelStateHash(state);
  if (state.version <= member.signedVersion && step.rules.oneStatePerVersion) {
    // Already decided for this version: the same state gets the same signature again.
    const same = state.version === member.signedVersion && hash === member.signedHash && member.signedSignature !== null;
    return same ? { signature: member.signedSignature! } : { refused: 'CONFLICTING_STATE' };
  }
  if (isSilencedByWedge(step) && !isAllowedFinal(step, state)) return { refused: 'WEDGED' };
  const signature = signChannelState(step.ctx.scheme, state, step.ctx.secretKey);
  member.signedVersion = state.version;
  member.signedState = state;
  member.signedHash = hash;
  member.signedSignature = signature;
  member.signedPayments = proposal.payments;
  member.signedFinal = state.final;
  member.signedWith = Array.from({ length: step.n }, (_, index) => (index === step.self ? signature : (verified[index] ?? null)));
  return { signature };
}

/** Whether `signature` is member `member`'s valid signature on `state`. */
export function isValidStateSignature(step: MemberStep, state: ChannelState, member: number, signature: string | null | undefined): boolean {
  if (typeof signature !== 'string' || !isHex(signature, 64)) return false;
  const publicKey = fromHex(step.config.members[member]!.publicKey);
  return verifyObject(step.ctx.scheme, publicKey, channelStateTag(state.chainId), canonicalChannelState(state), fromHex(signature));
}
