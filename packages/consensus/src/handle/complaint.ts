// Input `complaint`: a replica gave up on a view. One kept per replica (its
// highest); f+1 of them move us to a view change (complain.ts). The same
// complaint again from its own replica is still dropped as a duplicate, but
// keeps it from expiring.
import { checkComplaints, noteComplaintHeard } from '../complain.ts';
import { writable, type StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import { verifyMessage } from '../messages.ts';
import type { ComplaintDropReason } from '../reasons.ts';
import type { ViewChangeState } from '../state.ts';
import type { Complaint, ReplicaId } from '../types.ts';
import { getViewJumpValidity } from '../windows.ts';

type Writes<Tx> = Pick<ViewChangeState<Tx>, 'complaints'>;
// and, through noteComplaintHeard, when each was heard (complain.ts).

/** Null when `complaint` is new: about our view or a later one, higher than what its replica said before, signed. */
export function getComplaintValidity(c: StepContext<unknown, unknown>, complaint: Complaint): ComplaintDropReason | null {
  const { view, replica } = complaint;
  const window = getViewJumpValidity(c, view);
  if (window !== null) return window;
  if (replica === c.id) return 'FROM_SELF';
  const known = c.state.complaints.get(replica);
  if (known !== undefined && known.view === view) return 'DUPLICATE';
  if (known !== undefined && known.view > view) return 'SUPERSEDED';
  if (!verifyMessage(c.verifier, complaint)) return 'BAD_SIGNATURE';
  return null;
}

export function handleComplaint<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, complaint: Complaint): void {
  const s = writable<Writes<Tx>>(c);
  const reason = getComplaintValidity(c, complaint);
  if (reason === 'DUPLICATE' && from === complaint.replica && c.state.complaints.get(from)!.signature === complaint.signature) {
    // Its replica says it again: it still gives up on the view, so the complaint lives on.
    noteComplaintHeard(c, from);
    return drop(c, 'complaint', from, reason);
  }
  if (reason !== null) return drop(c, 'complaint', from, reason);
  s.complaints.set(complaint.replica, complaint);
  noteComplaintHeard(c, complaint.replica);
  checkComplaints(c);
}
