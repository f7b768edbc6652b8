// Input `start`: first boot, or restart from persisted state. Timers and
// in-flight messages are gone after a restart: re-arm what the state calls
// for and ask peers what we missed.
import { writable, type StepContext } from '../context.ts';
import { broadcast } from '../emit.ts';
import type { TimerName } from '../input.ts';
import { armLivenessTimers } from '../liveness.ts';
import { armProgressTimer } from '../progress-watch.ts';
import { armIdleTimer } from '../propose.ts';
import { viewChangeTimeoutMs } from '../start-view-change.ts';
import type { StateTransferState, TimerState, ViewChangeState } from '../state.ts';
import { startFetch } from '../state-transfer.ts';
import { setTimer } from '../timers.ts';
import { isPrimary } from '../windows.ts';

type Writes = Pick<TimerState, 'timers'> & Pick<StateTransferState, 'fetching'> & Pick<ViewChangeState<unknown>, 'newViewRequested'>;

export function handleStart<Tx>(c: StepContext<Tx, unknown>): void {
  const s = writable<Writes>(c);
  for (const timer of Object.keys(s.timers) as TimerName[]) s.timers[timer] = 0;
  s.fetching = false;
  s.newViewRequested.clear();
  if (c.state.status === 'view-change') {
    const own = c.state.viewChanges.get(c.state.view)?.get(c.id);
    if (own !== undefined) broadcast(c, own);
    setTimer(c, 'view-change', viewChangeTimeoutMs(c));
  } else if (c.state.newView !== null && isPrimary(c)) {
    broadcast(c, c.state.newView);
  }
  // The others may have changed views while we were down, and a view
  // change leaves no trace in the blocks when nothing committed since:
  // ask every peer for a new view later than the one we know.
  broadcast(c, { type: 'new-view-request', view: c.state.status === 'normal' ? c.state.view + 1 : c.state.view });
  startFetch(c);
  armProgressTimer(c);
  armIdleTimer(c);
  armLivenessTimers(c);
}
