// Rule 1 (and rule 3 for a final state): may this member sign a proposal?
// Rule 1 covers splices too (splices.ts): no deposit L1 has not shown final
// here, no withdrawal beyond a balance, none from this member's balance that
// its user did not ask for.
// `getProposalValidity` returns null when it may, CONFLICTING_STATE for a
// second state at a version it signed (rule 2: the caller decides what that
// proves), or the reason it may not. It changes nothing.
import { channelStateHash } from '@wedge/ledger';
import { balancesAfter, commandsHash, paymentValidity } from './payments.ts';
import { getSpliceValidity } from './splices.ts';
import type { ProposalDropReason } from './reasons.ts';
import { isAllowedFinal, isSilencedByWedge } from './signing.ts';
import type { MemberStep } from './step.ts';
import type { Payment, Proposal } from './types.ts';

export function getProposalValidity(step: MemberStep, proposal: Proposal): ProposalDropReason | null {
  const { state, payments } = proposal;
  const member = step.state;
  const latest = member.latest.state;
  if (state.chainId !== latest.chainId || state.channelId !== latest.channelId) return 'WRONG_CHANNEL';
  if (!Array.isArray(payments)) return 'MALFORMED_PROPOSAL';
  // After a final certificate the channel is done: nothing more is signed.
  if (latest.final) return 'CHANNEL_FINAL';
  if (step.rules.oneStatePerVersion && state.version <= member.signedVersion && state.version > latest.version) {
    return channelStateHash(state) === member.signedHash ? null : 'CONFLICTING_STATE';
  }
  if (state.prevHash !== channelStateHash(latest)) return 'WRONG_PREV_HASH';
  if (state.balances.length !== step.n) return 'WRONG_BALANCE_COUNT';
  if (state.final) return payments.length === 0 && isAllowedFinal(step, state) ? null : 'FINAL_NOT_ALLOWED';
  if (isSilencedByWedge(step)) return 'WEDGED';
  if (state.version !== latest.version + 1) return 'WRONG_VERSION';
  // Deposits and withdrawals first (splices.ts): what the payments start from.
  const splice = getSpliceValidity(step, state);
  if ('invalid' in splice) return splice.invalid;
  // A state moves something: payments, or a deposit or withdrawal.
  if ((payments.length === 0 && !splice.moved) || payments.length > step.config.maxBatchPayments) return 'BAD_BATCH_SIZE';
  if (state.commandsHash !== commandsHash(state.chainId, payments)) return 'WRONG_COMMANDS_HASH';
  for (const payment of payments) {
    if (!isPendingHere(step, payment) && paymentValidity(step.ctx.scheme, step.config, payment) !== null) return 'BAD_PAYMENT';
    // Its client was told it failed: it must not commit (only a lying sequencer proposes it).
    if (member.refused.has(payment.paymentId)) return 'PAYMENT_REFUSED_HERE';
  }
  const result = balancesAfter(splice.balances, payments, member.payerSeqs);
  if ('code' in result) return result.code === 'DUPLICATE_PAYMENT' || result.code === 'PAYMENT_SEQ_TOO_OLD' ? result.code : 'INSUFFICIENT_FUNDS';
  return result.balances.every((balance, index) => balance === state.balances[index]) ? null : 'WRONG_BALANCES';
}

/**
 * True when exactly this signed payment waits here: it passed every
 * stateless check (its payer's signature included) when it arrived, so a
 * proposal carrying it need not verify it again.
 */
function isPendingHere(step: MemberStep, payment: Payment): boolean {
  const known = step.state.pending.get(payment.paymentId)?.payment;
  return (
    known !== undefined &&
    known.signature === payment.signature &&
    known.from === payment.from &&
    known.to === payment.to &&
    known.amount === payment.amount
  );
}

/** True when `state` builds on the state this member signed last, whose certificate it does not hold yet. */
export function extendsSignedUncertified(step: MemberStep, proposal: Proposal): boolean {
  const member = step.state;
  const { state } = proposal;
  return member.signedVersion > member.latest.state.version && state.version > member.signedVersion && state.prevHash === member.signedHash;
}
