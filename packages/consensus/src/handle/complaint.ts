// Input `complaint`: a replica gave up on a view. One kept per replica (its
// highest); f+1 of them move us to a view change (complain.ts).
import { checkComplaints } from '../complain.ts';
import { writable, type StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import { verifyMessage } from '../messages.ts';
import type { ComplaintDropReason } from '../reasons.ts';
import type { ViewChangeState } from '../state.ts';
import type { Complaint, ReplicaId } from '../types.ts';
import { getViewJumpValidity } from '../windows.ts';

type Writes<Tx> = Pick<ViewChangeState<Tx>, 'complaints'>;

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
  if (reason !== null) return drop(c, 'complaint', from, reason);
  s.complaints.set(complaint.replica, complaint);
  checkComplaints(c);
}
