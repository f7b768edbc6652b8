// Watching the channel on L1 (`l1` input, from blocks with verified commit
// certificates): once L1 says closed the member stops for good. A floor
// certificate newer than the latest held (a withdrawal someone submitted) is
// taken as the latest, so the member never holds only states below the
// floor. While open, a wedged member resubmits its termination (or its close
// with a final certificate); an unwedged one resubmits its certified
// withdrawal until L1 has paid it, looks again at a proposal that waited for
// L1 to show its deposit final, and the sequencer proposes deposits L1 now
// shows. Once frozen, whoever terminated, the member wedges, challenges a
// recorded state older than its latest certificate before the deadline, and
// settles from the deadline on — each action again only every few blocks
// (l1-policy.ts).
import { isDue, submit, submitTermination } from '../l1-actions.ts';
import { armTimer, stopTimer } from '../progress.ts';
import { propose } from '../proposing.ts';
import type { MemberStep } from '../step.ts';
import type { L1ChannelView } from '../types.ts';
import { handleCertificate } from './certificate.ts';
import { handleProposal } from './propose.ts';
import { wedge } from './wedge.ts';

export function handleL1(step: MemberStep, view: L1ChannelView): void {
  const { state } = step;
  state.l1 = view;
  if (view.status === 'closed') return stopForGood(step);
  takeFloorCertificate(step, view);
  if (view.status === 'open') return watchOpen(step, view);
  // Frozen: whoever terminated, no new state may be completed now.
  if (state.wedged === null) wedge(step, 'l1-frozen');
  const latest = state.latest;
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

function watchOpen(step: MemberStep, view: L1ChannelView): void {
  const { state } = step;
  const latest = state.latest;
  if (state.wedged !== null && !latest.state.final && isDue(step, 'terminate', view.height)) submitTermination(step);
  if (latest.state.final && isDue(step, 'close', view.height)) submit(step, 'close', latest);
  if (state.wedged !== null || latest.state.final) return;
  const paid = view.withdrawn?.[step.self] ?? 0n;
  if (latest.state.withdrawn[step.self]! > paid && isDue(step, 'withdraw', view.height)) submit(step, 'withdraw', latest);
  const ahead = state.aheadProposal;
  if (ahead !== null) {
    state.aheadProposal = null;
    handleProposal(step, ahead.from, ahead.proposal, ahead.signatures);
  }
  propose(step);
  armTimer(step);
}

/**
 * L1 keeps the certificate that set the floor. It carries this member's
 * signature, so it is a state it checked and signed; if it never received
 * it (a lost message), it takes it from L1 like one from a peer.
 */
function takeFloorCertificate(step: MemberStep, view: L1ChannelView): void {
  const certificate = view.floorCertificate ?? null;
  if (certificate === null || certificate.state.version <= step.state.latest.state.version) return;
  handleCertificate(step, step.self, certificate);
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
