// What the application says about a pending request: whether it can still
// execute, whether it could execute now, and pruning the ones that never will.
import { writable, type StepContext } from './context.ts';
import type { MempoolState } from './state.ts';

type Writes<Tx> = MempoolState<Tx>;

/** Whether `tx` is executed, or can never execute, in our state: its sender's nonce has moved past it. */
export function isSpent<Tx>(c: StepContext<Tx, unknown>, tx: Tx): boolean {
  return c.app.isStale?.(c.state.app, tx) ?? false;
}

/** Whether `tx` could execute now (no earlier nonce of its sender is missing). */
export function isReady<Tx>(c: StepContext<Tx, unknown>, tx: Tx): boolean {
  const { txSequence, nextNonce } = c.app;
  if (txSequence === undefined || nextNonce === undefined) return true;
  const { sender, nonce } = txSequence(tx);
  return nonce <= nextNonce(c.state.app, sender);
}

/** Drops pending requests the application says can never execute successfully (e.g. spent nonces). */
export function prunePending<Tx>(c: StepContext<Tx, unknown>): void {
  const s = writable<Writes<Tx>>(c);
  const isStale = c.app.isStale;
  if (isStale === undefined) return;
  for (const [hash, tx] of s.pending) {
    if (!c.state.proposed.has(hash) && isStale(c.state.app, tx)) s.pending.delete(hash);
  }
}
