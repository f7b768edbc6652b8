// Input: the view-change timer fired — the new view did not start in time.
// Send again our view change and the complaints that made us leave the view
// before (the first sending may have been lost, and then the others never
// followed), and ask everyone for the new-view message, in case the view
// did start and its message passed us by — then we enter it. From the
// second timeout in this view change on, also complain about the view (f+1
// complaints move everyone to the next one): a new primary that is only slow
// gets one more timeout, so that the replicas which entered its view are not
// moved on by the complaints of those still waiting for it.
import { complain } from '../complain.ts';
import { writable, type StepContext } from '../context.ts';
import { broadcast, drop } from '../emit.ts';
import { viewChangeTimeoutMs } from '../start-view-change.ts';
import type { ViewChangeState } from '../state.ts';
import { fireTimer, getTimerValidity, setTimer } from '../timers.ts';

type Writes<Tx> = Pick<ViewChangeState<Tx>, 'viewChangeAttempts' | 'viewChangeTimeouts'>;

export function handleViewChangeTimeout<Tx>(c: StepContext<Tx, unknown>, token: number): void {
  const s = writable<Writes<Tx>>(c);
  const stale = getTimerValidity(c, 'view-change', token);
  if (stale !== null) return drop(c, 'view-change-timeout', undefined, stale);
  fireTimer(c, 'view-change');
  if (c.state.status !== 'view-change') return drop(c, 'view-change-timeout', undefined, 'NOT_CHANGING_VIEWS');
  const view = c.state.view;
  const own = c.state.viewChanges.get(view)?.get(c.id);
  s.viewChangeTimeouts += 1;
  if (s.viewChangeTimeouts >= 2) complain(c, view);
  if (c.state.view !== view || c.state.status !== 'view-change') return; // moved on
  if (own !== undefined) broadcast(c, own);
  for (const complaint of c.state.complaints.values()) if (complaint.replica !== c.id) broadcast(c, complaint);
  broadcast(c, { type: 'new-view-request', view });
  s.viewChangeAttempts += 1;
  setTimer(c, 'view-change', viewChangeTimeoutMs(c));
}
