// Input `commit`: a replica's vote that a proposal prepared. Stored per
// slot, one per replica (the first counts); 2f+1 for the pre-prepare's
// digest commit the slot (normal-case.ts).
import type { StepContext } from '../context.ts';
import { noticeAhead } from '../catch-up.ts';
import { drop } from '../emit.ts';
import { verifyMessage } from '../messages.ts';
import { checkCommitted } from '../normal-case.ts';
import { slotOf } from '../slots.ts';
import type { Commit, ReplicaId } from '../types.ts';
import { getVoteWindowValidity } from '../windows.ts';

// Writes the slot's commits, on the slot slotOf gives (slots.ts writes the log).

export function handleCommit<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, commit: Commit): void {
  noticeAhead(c, commit.view, commit.seq, commit.replica);
  const window = getVoteWindowValidity(c, commit.view, commit.seq);
  if (window !== null) return drop(c, 'commit', from, window);
  const slot = slotOf(c, commit.view, commit.seq);
  if (slot.commits.has(commit.replica)) return drop(c, 'commit', from, 'DUPLICATE');
  if (!verifyMessage(c.verifier, commit)) return drop(c, 'commit', from, 'BAD_SIGNATURE');
  slot.commits.set(commit.replica, commit);
  checkCommitted(c, slot);
}
