// Input: the silence timer fired — a window of the backup's watch on the
// primary ended (liveness.ts). A window in which nothing came from the
// primary while we had work counts; SILENT_WINDOWS in a row and we ask
// peers for blocks (we may be the one cut off), resend our requests, and
// complain about the view. As with the progress watch, we keep taking part
// in the view until f+1 replicas have complained (complain.ts), and
// complain again at every further silent window. Each window also ages
// the complaints we hold (complain.ts: expireComplaints).
import { complain, expireComplaints } from '../complain.ts';
import { writable, type StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import { HEARTBEATS_PER_WINDOW, SILENT_WINDOWS, advanceLivenessClock, backoffFactor, startSilenceWindow, windowWasSilent } from '../liveness.ts';
import { forwardPendingToPrimary } from '../progress-watch.ts';
import type { LivenessState } from '../state.ts';
import { startFetch } from '../state-transfer.ts';
import { fireTimer, getTimerValidity } from '../timers.ts';
import { isPrimary } from '../windows.ts';

type Writes = Pick<LivenessState, 'silentWindows'>;

export function handleSilenceTimeout<Tx>(c: StepContext<Tx, unknown>, token: number): void {
  const s = writable<Writes>(c);
  const stale = getTimerValidity(c, 'silence', token);
  if (stale !== null) return drop(c, 'silence-timeout', undefined, stale);
  fireTimer(c, 'silence');
  if (c.state.status !== 'normal') return drop(c, 'silence-timeout', undefined, 'CHANGING_VIEWS');
  if (isPrimary(c)) return drop(c, 'silence-timeout', undefined, 'NOT_BACKUP');
  advanceLivenessClock(c, HEARTBEATS_PER_WINDOW * backoffFactor(c));
  expireComplaints(c);
  s.silentWindows = windowWasSilent(c) ? s.silentWindows + 1 : 0;
  if (s.silentWindows >= SILENT_WINDOWS) {
    startFetch(c);
    forwardPendingToPrimary(c);
    complain(c, c.state.view);
  }
  // complain() may have moved us into a view change, which stops the watch.
  if (c.state.status === 'normal') startSilenceWindow(c);
}
