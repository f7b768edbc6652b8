// Input `pre-prepare-block`: the primary's proposal for (view, seq) with its
// block. The first valid one for a slot is kept (a second, different one is
// the primary equivocating); in the current view a backup accepts it and
// prepares, for a view a little ahead it waits in the log until we enter.
import type { StepContext } from '../context.ts';
import { noticeAhead } from '../catch-up.ts';
import { drop } from '../emit.ts';
import { noteSignOfLife } from '../liveness.ts';
import { acceptProposal } from '../normal-case.ts';
import { getProposalValidity } from '../proposal-validity.ts';
import type { PrePrepareDropReason } from '../reasons.ts';
import { primaryOf } from '../rules.ts';
import { slotOf } from '../slots.ts';
import type { Slot } from '../state.ts';
import type { PrePrepare, PrePrepareMessage, ReplicaId } from '../types.ts';
import { getVoteWindowValidity } from '../windows.ts';

// Writes the slot's pre-prepare and block, on the slot slotOf gives (slots.ts writes the log).

/** Null when a pre-prepare may take a slot, as far as its view, sequence number and sender go. */
export function getPrePrepareSenderValidity(c: StepContext<unknown, unknown>, prePrepare: PrePrepare): PrePrepareDropReason | null {
  const window = getVoteWindowValidity(c, prePrepare.view, prePrepare.seq);
  if (window !== null) return window;
  if (prePrepare.replica !== primaryOf(c.config, prePrepare.view)) return 'NOT_FROM_PRIMARY';
  if (prePrepare.replica === c.id) return 'FROM_SELF';
  return null;
}

/** Null when the slot has no pre-prepare yet; the first one wins. */
export function getSlotFreeValidity(slot: Slot<unknown>, prePrepare: PrePrepare): PrePrepareDropReason | null {
  if (slot.prePrepare === null) return null;
  return slot.prePrepare.digest === prePrepare.digest ? 'DUPLICATE' : 'CONFLICTING_PRE_PREPARE';
}

export function handlePrePrepare<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, message: PrePrepareMessage<Tx>): void {
  const { prePrepare, block } = message;
  noticeAhead(c, prePrepare.view, prePrepare.seq, prePrepare.replica);
  const sender = getPrePrepareSenderValidity(c, prePrepare);
  if (sender !== null) return drop(c, 'pre-prepare-block', from, sender);
  const slot = slotOf(c, prePrepare.view, prePrepare.seq);
  const taken = getSlotFreeValidity(slot, prePrepare);
  if (taken !== null) return drop(c, 'pre-prepare-block', from, taken);
  const invalid = getProposalValidity(c, prePrepare, block);
  if (invalid !== null) return drop(c, 'pre-prepare-block', from, invalid);
  slot.prePrepare = prePrepare;
  slot.block = block;
  if (prePrepare.view === c.state.view && c.state.status === 'normal') {
    noteSignOfLife(c); // a valid proposal of the view, signed by its primary
    acceptProposal(c, slot);
  }
}
