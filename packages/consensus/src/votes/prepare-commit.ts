// Vote counting of the normal case: when a slot's prepares make it prepared,
// and its commits make it committed. Pure functions over a slot's votes;
// they count before they collect, so a vote that does not complete a quorum
// allocates nothing.
import type { Commit, ConsensusRules, PrePrepare, Prepare, ReplicaId } from '../types.ts';

/**
 * The first `needed` prepares (in arrival order) that support `prePrepare`
 * under `rules.prepareMatches` — same view, sequence number and digest — or
 * null while there are fewer. A prepare for another digest is kept in the
 * slot but never counts.
 */
export function preparedQuorum(
  rules: ConsensusRules,
  prePrepare: PrePrepare,
  prepares: ReadonlyMap<ReplicaId, Prepare>,
  needed: number,
): Prepare[] | null {
  let count = 0;
  for (const prepare of prepares.values()) if (rules.prepareMatches(prePrepare, prepare)) count += 1;
  if (count < needed) return null;
  const supporting: Prepare[] = [];
  for (const prepare of prepares.values()) {
    if (supporting.length === needed) break;
    if (rules.prepareMatches(prePrepare, prepare)) supporting.push(prepare);
  }
  return supporting;
}

/** The first `needed` commits (in arrival order) for `digest`, or null while there are fewer. */
export function commitQuorum(commits: ReadonlyMap<ReplicaId, Commit>, digest: string, needed: number): Commit[] | null {
  let count = 0;
  for (const commit of commits.values()) if (commit.digest === digest) count += 1;
  if (count < needed) return null;
  const matching: Commit[] = [];
  for (const commit of commits.values()) {
    if (matching.length === needed) break;
    if (commit.digest === digest) matching.push(commit);
  }
  return matching;
}
