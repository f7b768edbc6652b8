// Input `view-change`: a replica asks to move to a view, with its stable
// checkpoint and prepared certificates. Stored (one per replica, its
// highest); f+1 for views above ours make us join the smallest; 2f+1 for
// its view let that view's primary send the new view.
import { writable, type StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import type { ViewChangeDropReason } from '../reasons.ts';
import { sendNewViewWhenReady } from '../send-new-view.ts';
import { startViewChange } from '../start-view-change.ts';
import type { ViewChangeState } from '../state.ts';
import type { ReplicaId, ViewChange } from '../types.ts';
import { getViewChangeValidity } from '../view-change-validity.ts';
import { storeViewChange, viewBackedByOthers } from '../votes/view-changes.ts';
import { getViewJumpValidity } from '../windows.ts';

type Writes<Tx> = Pick<ViewChangeState<Tx>, 'viewChanges'>;

export function getViewChangeMessageValidity<Tx>(c: StepContext<Tx, unknown>, viewChange: ViewChange<Tx>): ViewChangeDropReason | null {
  const window = getViewJumpValidity(c, viewChange.view);
  if (window !== null) return window;
  if (c.state.viewChanges.get(viewChange.view)?.has(viewChange.replica)) return 'DUPLICATE';
  return getViewChangeValidity(c, viewChange, true);
}

export function handleViewChange<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, viewChange: ViewChange<Tx>): void {
  const s = writable<Writes<Tx>>(c);
  const reason = getViewChangeMessageValidity(c, viewChange);
  if (reason !== null) return drop(c, 'view-change', from, reason);
  // Not stored when its replica asked for a higher view since; what follows
  // then finds nothing new, and runs all the same.
  if (!storeViewChange(s.viewChanges, viewChange)) drop(c, 'view-change', from, 'SUPERSEDED');
  // f+1 replicas asking for views above ours include an honest one: join the smallest such view.
  const joined = viewBackedByOthers(c.state.viewChanges, c.state.view, c.id, c.f);
  if (joined !== null) startViewChange(c, joined);
  sendNewViewWhenReady(c, viewChange.view);
}
