// Taking a new certificate: it becomes the latest, its payments (those of the
// proposal this member signed) are applied, a withdrawal of this member's it
// carries goes to L1 (withdrawal.ts), a final one ends the channel's
// work and closes on L1, and the sequencer moves on to the next proposal.
import { submit } from './l1-actions.ts';
import { seqStatus } from './payer-seqs.ts';
import { markApplied } from './payments.ts';
import { armTimer, stopTimer } from './progress.ts';
import { propose } from './proposing.ts';
import type { AheadProposal, MemberState } from './state.ts';
import { reject, type MemberStep } from './step.ts';
import type { Certificate, Payment } from './types.ts';
import { onCertifiedWithdrawal } from './withdrawal.ts';

/**
 * Applies `certificate` with `payments`. Returns the proposal that arrived
 * ahead of it, now due to be looked at again (the caller hands it to
 * handleProposal), or null.
 */
export function acceptCertificate(step: MemberStep, certificate: Certificate, payments: readonly Payment[]): AheadProposal | null {
  const { state } = step;
  const previous = state.latest;
  state.latest = certificate;
  onCertifiedWithdrawal(step, previous, certificate);
  const ids = payments.map((payment) => payment.paymentId);
  markApplied(state.payerSeqs, payments);
  forgetDeadRefusals(state);
  for (const id of ids) state.pending.delete(id);
  if (state.inFlight !== null && state.inFlight.proposal.state.version <= certificate.state.version) state.inFlight = null;
  step.effects.push({ type: 'certified', certificate, paymentIds: ids });
  if (certificate.state.final) {
    state.closeRequested = true;
    for (const id of state.pending.keys()) reject(step, id, 'CHANNEL_CLOSED');
    state.pending.clear();
    submit(step, 'close', certificate);
  }
  // Progress: the clock restarts for whatever work is left once the next
  // proposal is built (building it may drop the last pending payments).
  stopTimer(step);
  propose(step);
  armTimer(step);
  const ahead = state.aheadProposal;
  state.aheadProposal = null;
  return ahead !== null && ahead.proposal.state.version > certificate.state.version ? ahead : null;
}

/** A refused payment whose seq can no longer apply (the window moved past it, or another payment took it) needs no guard. */
function forgetDeadRefusals(state: MemberState): void {
  for (const [paymentId, { from, seq }] of state.refused) if (seqStatus(state.payerSeqs[from]!, seq) !== 'fresh') state.refused.delete(paymentId);
}
