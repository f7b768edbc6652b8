// Vote counting of complaints: when f+1 replicas have given up on our view
// or later ones, and which view that makes us leave.
import type { Complaint, ReplicaId } from '../types.ts';

/**
 * With complaints from f+1 replicas about `view` or later ones: the
 * (f+1)-th highest view complained about — one of those f+1 is honest and
 * gave up on a view at least that high — and the complaints that show it
 * (in arrival order), to pass on. Null with fewer.
 */
export function complaintQuorum(
  complaints: ReadonlyMap<ReplicaId, Complaint>,
  view: number,
  f: number,
): { view: number; supporting: Complaint[] } | null {
  const current = [...complaints.values()].filter((complaint) => complaint.view >= view);
  if (current.length < f + 1) return null;
  const views = current.map((complaint) => complaint.view).sort((a, b) => b - a);
  const agreed = views[f]!;
  return { view: agreed, supporting: current.filter((complaint) => complaint.view >= agreed) };
}

export function forgetComplaintsBelow(complaints: Map<ReplicaId, Complaint>, view: number): void {
  for (const [replica, complaint] of complaints) if (complaint.view < view) complaints.delete(replica);
}
