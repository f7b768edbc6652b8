// Timers: the core arms and clears them as effects, and keeps each one's
// token; a timer event whose token is not the running one is stale.
import { writable, type StepContext } from './context.ts';
import type { TimerName } from './input.ts';
import type { TimerState, ViewChangeState } from './state.ts';

type Writes = TimerState & Pick<ViewChangeState<unknown>, 'newViewRequested'>;

export function setTimer(c: StepContext<unknown, unknown>, timer: TimerName, afterMs: number): void {
  const s = writable<Writes>(c);
  const token = ++s.tokenCounter;
  s.timers[timer] = token;
  c.effects.push({ type: 'set-timer', timer, afterMs, token });
}

export function clearTimer(c: StepContext<unknown, unknown>, timer: TimerName): void {
  const s = writable<Writes>(c);
  if (s.timers[timer] === 0) return;
  s.timers[timer] = 0;
  c.effects.push({ type: 'clear-timer', timer });
}

/** Null when `token` is the running timer's, else why the timer event is dropped. */
export function getTimerValidity(c: StepContext<unknown, unknown>, timer: TimerName, token: number): 'STALE_TIMER' | null {
  return c.state.timers[timer] === token ? null : 'STALE_TIMER';
}

/** The timer has fired: it no longer runs. */
export function fireTimer(c: StepContext<unknown, unknown>, timer: TimerName): void {
  const s = writable<Writes>(c);
  s.timers[timer] = 0;
  // A new-view request is sent once per view until some timer fires:
  // the first may have reached a replica that had no answer yet.
  s.newViewRequested.clear();
}
