// Entering a view (as its new primary, or on its valid new-view message):
// back to the normal case, the view-change state of this and earlier views
// let go, the re-proposals in the log, and the proposals of this view that
// arrived while we were still changing views taken up.
import { behindTo } from './catch-up.ts';
import { writable, type StepContext } from './context.ts';
import { drop } from './emit.ts';
import type { NewViewPlan } from './new-view-plan.ts';
import { acceptProposal, checkPrepared } from './normal-case.ts';
import { armLivenessTimers, resetPrimaryWatch } from './liveness.ts';
import { armProgressTimer } from './progress-watch.ts';
import { getProposalValidity } from './proposal-validity.ts';
import { armIdleTimer, propose } from './propose.ts';
import { slotOf } from './slots.ts';
import type { NormalCaseState, ProgressWatchState, ViewChangeState } from './state.ts';
import { clearTimer } from './timers.ts';
import type { NewView } from './types.ts';
import { forgetComplaintsBelow } from './votes/complaints.ts';

type Writes<Tx> = Omit<ViewChangeState<Tx>, 'view'> &
  Pick<ProgressWatchState, 'progressStrikes'> &
  Pick<NormalCaseState<Tx>, 'slots' | 'nextSeq' | 'proposed'>;

/** Enters `newView.view` (already our view) with its plan: the one the primary computed, or a backup checked. */
export function enterView<Tx>(c: StepContext<Tx, unknown>, newView: NewView<Tx>, plan: NewViewPlan<Tx>): void {
  const s = writable<Writes<Tx>>(c);
  const { view } = newView;
  s.status = 'normal';
  s.newView = newView;
  s.viewChangeAttempts = 0;
  s.viewChangeTimeouts = 0;
  s.progressStrikes = 0;
  clearTimer(c, 'view-change');
  for (const key of s.viewChanges.keys()) if (key <= view) s.viewChanges.delete(key);
  for (const [key, slot] of s.slots) if (slot.view < view) s.slots.delete(key);
  for (const key of s.newViewRequested) if (key <= view) s.newViewRequested.delete(key);
  forgetComplaintsBelow(s.complaints, view);
  resetPrimaryWatch(c);
  c.effects.push({ type: 'view-entered', view });

  // The new view starts from the most recent stable checkpoint any view change proves.
  if (plan.stable.seq > c.state.executed) behindTo(c, plan.stable.seq);

  const ownPrimary = newView.replica === c.id;
  for (const { seq, block } of plan.entries) {
    const entry = newView.prePrepares.find((candidate) => candidate.prePrepare.seq === seq)!;
    const slot = slotOf(c, view, seq);
    slot.prePrepare = entry.prePrepare;
    slot.block = block;
  }
  if (ownPrimary) {
    s.nextSeq = Math.max(plan.maxSeq, c.state.executed) + 1;
    s.proposed.clear();
    for (const { seq, block } of plan.entries) {
      if (seq > c.state.executed) for (const tx of block.txs) s.proposed.add(c.app.txHash(tx));
    }
  }
  // Proposals of this view that arrived while we were still changing views.
  const buffered = [...s.slots.values()].filter((slot) => slot.view === view).sort((a, b) => a.seq - b.seq);
  for (const slot of buffered) {
    if (slot.prePrepare === null || slot.block === null) continue;
    if (slot.seq > plan.maxSeq) {
      // Checked again: the mempool and executed requests it was checked against have changed.
      const reason = getProposalValidity(c, slot.prePrepare, slot.block);
      if (reason !== null) {
        drop(c, 'pre-prepare-block', slot.prePrepare.replica, reason);
        continue;
      }
    }
    if (!ownPrimary) acceptProposal(c, slot);
    else checkPrepared(c, slot);
  }
  propose(c);
  armProgressTimer(c);
  armIdleTimer(c);
  armLivenessTimers(c);
}
