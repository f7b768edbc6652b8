// A cooperative close, asked by the member's user (`close` input) or, at the
// sequencer, by another member (`close-request`): the sequencer proposes rule
// 3's final state once nothing is pending; any other member passes the
// request on to it. Waiting for the final state is work: the progress timer
// runs, and wedges the member if it never comes.
import { armTimer } from '../progress.ts';
import { propose } from '../proposing.ts';
import { drop, isLeader, send, type MemberStep } from '../step.ts';

export function handleClose(step: MemberStep): void {
  if (step.state.closed) return;
  step.state.closeRequested = true;
  if (isLeader(step)) propose(step);
  else send(step, 0, { type: 'close-request' });
  armTimer(step);
}

export function handleCloseRequest(step: MemberStep, from: number): void {
  if (!isLeader(step)) return drop(step, 'close-request', from, 'NOT_SEQUENCER');
  handleClose(step);
}
