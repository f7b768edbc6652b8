// Input: the fetch timer fired — no answer moved us on. Ask again while we
// are short of a height peers have shown us or hold committed blocks we
// cannot execute yet; and while changing views, where we cannot vote but
// others may still commit in the view we left (say, we alone were cut off):
// follow their certified blocks until a new view starts.
import type { StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import { endFetch, startFetch } from '../state-transfer.ts';
import { fireTimer, getTimerValidity } from '../timers.ts';

// Writes the timer and the fetch under way, through timers.ts and state-transfer.ts.

export function handleFetchTimeout<Tx>(c: StepContext<Tx, unknown>, token: number): void {
  const stale = getTimerValidity(c, 'fetch', token);
  if (stale !== null) return drop(c, 'fetch-timeout', undefined, stale);
  fireTimer(c, 'fetch');
  endFetch(c);
  const s = c.state;
  if (s.catchUpTarget > s.executed || s.readyToExecute.size > 0 || s.status === 'view-change') startFetch(c);
}
