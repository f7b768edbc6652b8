// Complaints (docs/l1-view-changes.md): a replica that gives up on a view
// says so, signed, and keeps taking part in it; f+1 complaints — one at
// least from an honest replica — move every replica that sees them to the
// next view. A complaint about the view we are normal in lives only while
// its replica keeps repeating it.
import { writable, type StepContext } from './context.ts';
import { broadcast } from './emit.ts';
import { backoffFactor } from './liveness.ts';
import { signMessage } from './messages.ts';
import { startViewChange } from './start-view-change.ts';
import type { ViewChangeState } from './state.ts';
import type { Complaint, ReplicaId } from './types.ts';
import { complaintQuorum } from './votes/complaints.ts';

type Writes<Tx> = Pick<ViewChangeState<Tx>, 'complaints' | 'complaintHeardAt'>;

/**
 * We give up on `view` (the current one): say so, signed, to everyone.
 * Alone this changes nothing — we keep taking part in the view, so one
 * replica that is slow, behind or cut off cannot leave a view that a
 * quorum keeps committing in and strand itself in a view nobody else
 * enters. f+1 complaints include an honest replica's: then every replica
 * that sees them moves on (checkComplaints).
 */
export function complain<Tx>(c: StepContext<Tx, unknown>, view: number): void {
  const s = writable<Writes<Tx>>(c);
  let own = s.complaints.get(c.id);
  if (own === undefined || own.view < view) {
    own = signMessage<Complaint>(c.signer, { type: 'complaint', view, replica: c.id });
    s.complaints.set(c.id, own);
  }
  s.complaintHeardAt.set(c.id, c.state.livenessClock);
  broadcast(c, own);
  checkComplaints(c);
}

/** `replica`'s complaint (stored already) was heard from it now. */
export function noteComplaintHeard(c: StepContext<unknown, unknown>, replica: ReplicaId): void {
  writable<Writes<unknown>>(c).complaintHeardAt.set(replica, c.state.livenessClock);
}

/**
 * How long, in heartbeat intervals, a complaint about the view we are normal
 * in stays without being heard again: two progress timeouts (backed off
 * like them). An honest replica that still gives up on the view repeats its
 * complaint at every silent window and every progress strike, well within it.
 */
export function complaintLifetime(c: StepContext<unknown, unknown>): number {
  return (2 * c.config.progressTimeoutMs * backoffFactor(c)) / c.config.heartbeatMs;
}

/**
 * Forgets the complaints about the view we are normal in that their
 * replicas stopped repeating: a backup that was cut off, or stalled, and
 * then heard the primary again. Complaints about later views, and all of
 * them while we change views, are kept: the view they give up on has not
 * shown itself alive to us.
 */
export function expireComplaints(c: StepContext<unknown, unknown>): void {
  const s = writable<Writes<unknown>>(c);
  if (c.state.status !== 'normal') return;
  const oldest = c.state.livenessClock - complaintLifetime(c);
  for (const [replica, complaint] of s.complaints) {
    if (complaint.view !== c.state.view) continue;
    if ((s.complaintHeardAt.get(replica) ?? -Infinity) >= oldest) continue;
    s.complaints.delete(replica);
    s.complaintHeardAt.delete(replica);
  }
}

/**
 * When f+1 replicas have complained about our view or later ones, one of
 * them is honest and gave up on a view at least as high as the (f+1)-th
 * highest complaint: start the view change after it, and pass the
 * complaints on so that every other replica follows (they are signed, so
 * they prove themselves). Moving to any higher view is safe in PBFT; the
 * rule is there for liveness.
 */
export function checkComplaints<Tx>(c: StepContext<Tx, unknown>): void {
  const quorum = complaintQuorum(c.state.complaints, c.state.view, c.f);
  if (quorum === null) return;
  startViewChange(c, quorum.view + 1);
  for (const complaint of quorum.supporting) broadcast(c, complaint);
}
