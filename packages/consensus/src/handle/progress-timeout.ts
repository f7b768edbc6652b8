// Input: the progress timer fired. When the watched work did not advance in
// time, every strike asks peers for committed blocks (we may simply be
// behind) and resends our requests to the primary; from the second on we
// complain about the view, and keep taking part in it until f+1 replicas
// have complained (complain.ts).
import { complain } from '../complain.ts';
import { writable, type StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import { armProgressTimer, forwardPendingToPrimary, hasWork, progressTimeoutMs } from '../progress-watch.ts';
import type { ProgressWatchState } from '../state.ts';
import { startFetch } from '../state-transfer.ts';
import { fireTimer, getTimerValidity, setTimer } from '../timers.ts';

type Writes = Pick<ProgressWatchState, 'progressStrikes'>;

export function handleProgressTimeout<Tx>(c: StepContext<Tx, unknown>, token: number): void {
  const s = writable<Writes>(c);
  const stale = getTimerValidity(c, 'progress', token);
  if (stale !== null) return drop(c, 'progress-timeout', undefined, stale);
  fireTimer(c, 'progress');
  if (c.state.status !== 'normal') return drop(c, 'progress-timeout', undefined, 'CHANGING_VIEWS');
  const watch = c.state.progressWatch;
  const stalled = watch.txHash !== null ? c.state.pending.has(watch.txHash) : c.state.executed === watch.executed && hasWork(c);
  if (!stalled) {
    s.progressStrikes = 0;
    armProgressTimer(c);
    return;
  }
  s.progressStrikes += 1;
  startFetch(c);
  forwardPendingToPrimary(c);
  if (s.progressStrikes >= 2) complain(c, c.state.view);
  // complain() may have moved us into a view change, which stops the watch.
  if (c.state.status === 'normal') setTimer(c, 'progress', progressTimeoutMs(c));
}
