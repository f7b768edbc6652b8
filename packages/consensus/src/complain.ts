// Complaints (docs/l1-view-changes.md): a replica that gives up on a view
// says so, signed, and keeps taking part in it; f+1 complaints — one at
// least from an honest replica — move every replica that sees them to the
// next view.
import { writable, type StepContext } from './context.ts';
import { broadcast } from './emit.ts';
import { signMessage } from './messages.ts';
import { startViewChange } from './start-view-change.ts';
import type { ViewChangeState } from './state.ts';
import type { Complaint } from './types.ts';
import { complaintQuorum } from './votes/complaints.ts';

type Writes<Tx> = Pick<ViewChangeState<Tx>, 'complaints'>;

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
  broadcast(c, own);
  checkComplaints(c);
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
