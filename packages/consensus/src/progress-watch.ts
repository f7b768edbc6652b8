// The progress watch: a backup with work to do arms a timer on the oldest
// request it could execute (or, with none, on the height), so that a primary
// that stalls or censors is noticed (handle/progress-timeout.ts acts on it).
import { writable, type StepContext } from './context.ts';
import { send } from './emit.ts';
import { isReady, isSpent } from './mempool.ts';
import { primaryOf } from './rules.ts';
import type { MempoolState, ProgressWatchState } from './state.ts';
import { MAX_TOTAL_FACTOR, backoffFactor, stretchedToLatency } from './liveness.ts';
import { setTimer } from './timers.ts';
import { isPrimary } from './windows.ts';

type Writes<Tx> = Pick<ProgressWatchState, 'progressWatch'> & MempoolState<Tx>;

/** Most pending requests a backup resends to a primary that seems not to have them. */
const FORWARD_LIMIT = 64;

export function hasWork<Tx>(c: StepContext<Tx, unknown>): boolean {
  return c.state.pending.size > 0 || c.state.readyToExecute.size > 0 || c.app.needsIdleBlocks(c.state.app);
}

export function armProgressTimer<Tx>(c: StepContext<Tx, unknown>): void {
  const s = writable<Writes<Tx>>(c);
  if (c.state.status !== 'normal' || c.state.timers.progress !== 0 || !hasWork(c)) return;
  let watched: string | null = null;
  for (const [hash, tx] of s.pending) {
    if (isSpent(c, tx)) {
      s.pending.delete(hash); // never to execute: not worth suspecting a primary over
      continue;
    }
    if (isReady(c, tx)) {
      watched = hash;
      break;
    }
  }
  if (!hasWork(c)) return;
  s.progressWatch = { txHash: watched, executed: c.state.executed, sinceClock: c.state.livenessClock };
  setTimer(c, 'progress', progressTimeoutMs(c));
}

/** The progress timeout: stretched to the observed commit latency, backed off after view changes that committed nothing, within a bound (liveness.ts). */
export function progressTimeoutMs(c: StepContext<unknown, unknown>): number {
  return Math.min(stretchedToLatency(c, c.config.progressTimeoutMs) * backoffFactor(c), MAX_TOTAL_FACTOR * c.config.progressTimeoutMs);
}

/** Our requests may never have reached the primary (lost messages): resend a bounded number. */
export function forwardPendingToPrimary<Tx>(c: StepContext<Tx, unknown>): void {
  if (isPrimary(c)) return;
  const primary = primaryOf(c.config, c.state.view);
  let sent = 0;
  for (const tx of c.state.pending.values()) {
    if (sent++ >= FORWARD_LIMIT) break;
    send(c, primary, { type: 'request', tx });
  }
}
