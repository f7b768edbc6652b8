// Input: the idle timer fired. While the application needs blocks to pass
// time (a channel is frozen), a primary with nothing in flight proposes a
// block even without requests, so that deadlines counted in blocks arrive.
import type { StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import { armIdleTimer, proposeBlock, selectBatch } from '../propose.ts';
import { fireTimer, getTimerValidity } from '../timers.ts';
import { highWatermark, isPrimary } from '../windows.ts';

// Writes the timer (timers.ts) and, through proposeBlock, the log (propose.ts).

export function handleIdleTimeout<Tx>(c: StepContext<Tx, unknown>, token: number): void {
  const stale = getTimerValidity(c, 'idle', token);
  if (stale !== null) return drop(c, 'idle-timeout', undefined, stale);
  fireTimer(c, 'idle');
  if (c.state.status !== 'normal') return drop(c, 'idle-timeout', undefined, 'CHANGING_VIEWS');
  if (!isPrimary(c)) return drop(c, 'idle-timeout', undefined, 'NOT_PRIMARY');
  const inFlight = c.state.nextSeq - 1 - c.state.executed;
  if (c.app.needsIdleBlocks(c.state.app) && inFlight === 0 && c.state.nextSeq <= highWatermark(c)) {
    proposeBlock(c, selectBatch(c));
  }
  armIdleTimer(c);
}
