// Watching the channel on L1 (`l1` input, from blocks with verified commit
// certificates): once L1 says closed the member stops for good; while open, a
// wedged member resubmits its termination (or its close with a final
// certificate); once frozen, whoever terminated, the member wedges, challenges
// a recorded state older than its latest certificate before the deadline, and
// settles from the deadline on — each action again only every few blocks
// (l1-policy.ts).
import { isDue, submit, submitTermination } from '../l1-actions.ts';
import { stopTimer } from '../progress.ts';
import type { MemberStep } from '../step.ts';
import type { L1ChannelView } from '../types.ts';
import { wedge } from './wedge.ts';

export function handleL1(step: MemberStep, view: L1ChannelView): void {
  const { state } = step;
  state.l1 = view;
  if (view.status === 'closed') return stopForGood(step);
  const latest = state.latest;
  if (view.status === 'open') {
    if (state.wedged !== null && !latest.state.final && isDue(step, 'terminate', view.height)) submitTermination(step);
    if (latest.state.final && isDue(step, 'close', view.height)) submit(step, 'close', latest);
    return;
  }
  // Frozen: whoever terminated, no new state may be completed now.
  if (state.wedged === null) wedge(step, 'l1-frozen');
  // Close with a final certificate L1 has not recorded. If L1 already records
  // it (someone terminated with it), a close would be stale: settle instead.
  if (latest.state.final && view.recordedVersion < latest.state.version) {
    if (isDue(step, 'close', view.height)) submit(step, 'close', latest);
    return;
  }
  const deadline = view.deadline ?? Infinity;
  if (view.recordedVersion < latest.state.version && view.height < deadline && isDue(step, 'challenge', view.height)) {
    submit(step, 'challenge', latest);
  }
  if (view.height >= deadline && isDue(step, 'settle', view.height)) submit(step, 'settle', null);
}

/** L1 closed the channel: nothing is pending, proposed or awaited any more. */
function stopForGood(step: MemberStep): void {
  const { state } = step;
  state.closed = true;
  state.pending.clear();
  state.inFlight = null;
  state.aheadProposal = null;
  stopTimer(step);
}
