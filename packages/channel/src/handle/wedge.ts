// Safe termination: wedging is durable and irreversible. A wedged member
// rejects what is pending, drops a non-final proposal in flight, stops its
// progress timer and ends the channel on L1 (unless L1 already shows it
// frozen); from then on it signs nothing but rule 3's final state.
import { submitTermination } from '../l1-actions.ts';
import { stopTimer } from '../progress.ts';
import type { WedgeReason } from '../reasons.ts';
import type { EquivocationEvidence } from '../state.ts';
import { reject, send, type MemberStep } from '../step.ts';
import { dropOwnWithdrawal } from '../withdrawal.ts';

export function wedge(step: MemberStep, reason: WedgeReason): void {
  const { state } = step;
  if (state.wedged !== null || state.closed) return;
  state.wedged = reason;
  step.effects.push({ type: 'wedged', reason });
  for (const id of state.pending.keys()) reject(step, id, 'WEDGED');
  state.pending.clear();
  // No new state will carry a withdrawal now, unless this member signed it
  // already: then its certificate may still come (and is paid at settlement), so it stays undecided.
  const signedWithIt = state.withdrawal !== null && state.signedState !== null && state.signedState.withdrawn[step.self]! >= state.withdrawal.withdrawnTo;
  if (!signedWithIt) dropOwnWithdrawal(step, 'WEDGED');
  state.withdrawRequests.forEach((request, member) => {
    if (request !== null && member !== step.self) send(step, member, { type: 'withdraw-rejected', code: 'WEDGED' });
  });
  state.withdrawRequests = state.withdrawRequests.map(() => null);
  if (state.inFlight !== null && !state.inFlight.proposal.state.final) state.inFlight = null;
  stopTimer(step);
  if (state.l1 === null || state.l1.status === 'open') submitTermination(step);
}

/** The sequencer signed two states for one version: keep the first proof, and wedge. */
export function wedgeOnEquivocation(step: MemberStep, evidence: EquivocationEvidence): void {
  if (step.state.equivocation === null) step.state.equivocation = evidence;
  wedge(step, 'equivocation');
}
