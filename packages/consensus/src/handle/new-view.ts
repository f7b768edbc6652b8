// Input `new-view`: a view's primary announces it, with the 2f+1 view
// changes and the re-proposals derived from them. Checked in full
// (new-view-validity.ts); then we enter the view (enter-view.ts).
import { writable, type StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import { enterView } from '../enter-view.ts';
import { getNewViewValidity } from '../new-view-validity.ts';
import type { NewViewDropReason } from '../reasons.ts';
import { primaryOf } from '../rules.ts';
import type { ViewChangeState } from '../state.ts';
import type { NewView, ReplicaId } from '../types.ts';
import { getViewJumpValidity } from '../windows.ts';

type Writes<Tx> = Pick<ViewChangeState<Tx>, 'view'>;

/** Null when the new view is one to check: a view we have not entered, from its primary. */
export function getNewViewSenderValidity(c: StepContext<unknown, unknown>, newView: NewView<unknown>): NewViewDropReason | null {
  const { view } = newView;
  const window = getViewJumpValidity(c, view);
  if (window !== null) return window;
  if (view === c.state.view && c.state.status === 'normal') return 'ALREADY_IN_VIEW';
  if (newView.replica !== primaryOf(c.config, view)) return 'NOT_FROM_PRIMARY';
  if (newView.replica === c.id) return 'FROM_SELF';
  return null;
}

export function handleNewView<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, newView: NewView<Tx>): void {
  const s = writable<Writes<Tx>>(c);
  const sender = getNewViewSenderValidity(c, newView);
  if (sender !== null) return drop(c, 'new-view', from, sender);
  const plan = getNewViewValidity(c, newView);
  if (typeof plan === 'string') return drop(c, 'new-view', from, plan);
  s.view = newView.view;
  enterView(c, newView, plan);
}
