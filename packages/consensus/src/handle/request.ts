// Input `request`: a transaction, from a client (`from` undefined) or
// relayed by a peer. A new valid one joins the mempool; a client's is
// broadcast so that every replica watches it (a silent primary is noticed,
// a new primary can propose it); the primary proposes.
import { writable, type StepContext } from '../context.ts';
import { broadcast, drop } from '../emit.ts';
import { isSpent } from '../mempool.ts';
import { armProgressTimer } from '../progress-watch.ts';
import { propose } from '../propose.ts';
import type { RequestDropReason } from '../reasons.ts';
import type { MempoolState } from '../state.ts';
import type { ReplicaId } from '../types.ts';

type Writes<Tx> = MempoolState<Tx>;

/** Null when `tx` (with id `hash`) is new to us and can still execute, else why it is dropped. */
export function getRequestValidity<Tx>(c: StepContext<Tx, unknown>, tx: Tx, hash: string): RequestDropReason | null {
  if (c.state.pending.has(hash)) return 'ALREADY_PENDING';
  if (c.state.recentlyExecuted.has(hash)) return 'ALREADY_EXECUTED';
  // Executed already — perhaps in blocks we skipped by state transfer, which
  // left no trace in recentlyExecuted — or superseded: it would wait forever.
  if (isSpent(c, tx)) return 'NONCE_SPENT';
  return null;
}

export function handleRequest<Tx>(c: StepContext<Tx, unknown>, tx: Tx, from: ReplicaId | undefined): void {
  const s = writable<Writes<Tx>>(c);
  const hash = c.app.txHash(tx);
  const dropped = getRequestValidity(c, tx, hash);
  if (dropped !== null) return drop(c, 'request', from, dropped);
  // A request the application or a full mempool refuses is answered with a
  // code (the client learns why), not dropped silently.
  const code = c.app.checkTx(tx);
  if (code !== null) {
    c.effects.push({ type: 'request-rejected', hash, code });
    return;
  }
  if (s.pending.size >= c.config.maxPendingTxs) {
    c.effects.push({ type: 'request-rejected', hash, code: 'MEMPOOL_FULL' });
    return;
  }
  s.pending.set(hash, tx);
  if (from === undefined) broadcast(c, { type: 'request', tx });
  propose(c);
  armProgressTimer(c);
}
