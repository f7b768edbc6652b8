// Vote counting of checkpoints: the signed checkpoints of one sequence
// number, and whether a quorum of them agrees on a state root.
import type { Checkpoint, ReplicaId } from '../types.ts';

/** The votes for checkpoint `seq`, created empty on first use. */
export function checkpointVotesAt(votesBySeq: Map<number, Map<ReplicaId, Checkpoint>>, seq: number): Map<ReplicaId, Checkpoint> {
  let votes = votesBySeq.get(seq);
  if (votes === undefined) {
    votes = new Map();
    votesBySeq.set(seq, votes);
  }
  return votes;
}

/**
 * The root a quorum of `votes` agrees on, with the first `quorum` votes for
 * it as proof; null while no root has a quorum. (One replica votes once, so
 * among n = 3f+1 at most one root reaches 2f+1.)
 */
export function checkpointQuorum(votes: ReadonlyMap<ReplicaId, Checkpoint>, quorum: number): { root: string; proof: Checkpoint[] } | null {
  const byRoot = new Map<string, Checkpoint[]>();
  for (const vote of votes.values()) {
    const same = byRoot.get(vote.root);
    if (same === undefined) byRoot.set(vote.root, [vote]);
    else same.push(vote);
  }
  for (const [root, proof] of byRoot) if (proof.length >= quorum) return { root, proof: proof.slice(0, quorum) };
  return null;
}
