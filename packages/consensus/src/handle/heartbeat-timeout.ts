// Input: the heartbeat timer fired. A primary normal in its view tells
// every backup it is alive, ages the complaints it holds (complain.ts),
// and arms the timer again (liveness.ts).
import type { StepContext } from '../context.ts';
import { expireComplaints } from '../complain.ts';
import { drop } from '../emit.ts';
import { advanceLivenessClock, armLivenessTimers, sendHeartbeat } from '../liveness.ts';
import { fireTimer, getTimerValidity } from '../timers.ts';
import { isPrimary } from '../windows.ts';

// Writes the timer (timers.ts), the beat count and the liveness clock (liveness.ts) and the complaints (complain.ts).

export function handleHeartbeatTimeout<Tx>(c: StepContext<Tx, unknown>, token: number): void {
  const stale = getTimerValidity(c, 'heartbeat', token);
  if (stale !== null) return drop(c, 'heartbeat-timeout', undefined, stale);
  fireTimer(c, 'heartbeat');
  if (c.state.status !== 'normal') return drop(c, 'heartbeat-timeout', undefined, 'CHANGING_VIEWS');
  if (!isPrimary(c)) return drop(c, 'heartbeat-timeout', undefined, 'NOT_PRIMARY');
  sendHeartbeat(c);
  advanceLivenessClock(c, 1);
  expireComplaints(c);
  armLivenessTimers(c);
}
