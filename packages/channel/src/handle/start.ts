// The shell (re)started the core. No timer survives a restart, so the
// progress watch starts again; the sequencer resends its proposal in flight,
// which the crash may have kept from some members.
import { armTimer } from '../progress.ts';
import { sendProposal } from '../proposing.ts';
import { isLeader, send, type MemberStep } from '../step.ts';

export function handleStart(step: MemberStep): void {
  step.state.timerArmed = false;
  armTimer(step);
  if (step.state.inFlight !== null && isLeader(step)) sendProposal(step);
  // A withdrawal request may have been lost with the crash (or on the way): ask again; the sequencer keeps one per member.
  if (step.state.withdrawal !== null && !isLeader(step)) send(step, 0, { type: 'withdraw-request', request: step.state.withdrawal });
}
