// Input `prepare`: a backup's vote for a proposal. Stored per slot, one per
// replica (the first counts); it counts toward the slot's prepared
// certificate only if it matches the pre-prepare's digest (normal-case.ts).
import type { StepContext } from '../context.ts';
import { noticeAhead } from '../catch-up.ts';
import { drop } from '../emit.ts';
import { verifyMessage } from '../messages.ts';
import { checkPrepared } from '../normal-case.ts';
import type { PrepareDropReason } from '../reasons.ts';
import { primaryOf } from '../rules.ts';
import { slotOf } from '../slots.ts';
import type { Prepare, ReplicaId } from '../types.ts';
import { getVoteWindowValidity } from '../windows.ts';

// Writes the slot's prepares, on the slot slotOf gives (slots.ts writes the log).

export function getPrepareWindowValidity(c: StepContext<unknown, unknown>, prepare: Prepare): PrepareDropReason | null {
  const window = getVoteWindowValidity(c, prepare.view, prepare.seq);
  if (window !== null) return window;
  if (prepare.replica === primaryOf(c.config, prepare.view)) return 'PRIMARY_PREPARE'; // the primary's vote is its pre-prepare
  return null;
}

export function handlePrepare<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, prepare: Prepare): void {
  noticeAhead(c, prepare.view, prepare.seq, prepare.replica);
  const window = getPrepareWindowValidity(c, prepare);
  if (window !== null) return drop(c, 'prepare', from, window);
  const slot = slotOf(c, prepare.view, prepare.seq);
  if (slot.prepares.has(prepare.replica)) return drop(c, 'prepare', from, 'DUPLICATE');
  if (!verifyMessage(c.verifier, prepare)) return drop(c, 'prepare', from, 'BAD_SIGNATURE');
  slot.prepares.set(prepare.replica, prepare);
  checkPrepared(c, slot);
}
