// Execution: committed blocks run in height order through the application;
// each executed block is reported (with its commit certificate), kept for
// peers slightly behind, and may be a checkpoint. After progress, the
// replica re-arms its watch and the primary proposes more.
import { assert, deleteOldest } from '@wedge/common';
import { takeCheckpoint } from './checkpoints.ts';
import { writable, type StepContext } from './context.ts';
import { sampleCommitLatency } from './liveness.ts';
import { armProgressTimer } from './progress-watch.ts';
import { armIdleTimer, propose } from './propose.ts';
import { RECENTLY_EXECUTED_LIMIT } from './restore.ts';
import type { ExecutionState, LivenessState, MempoolState, NormalCaseState, StateTransferState } from './state.ts';
import { startFetch } from './state-transfer.ts';
import type { CommittedBlock } from './types.ts';

type Writes<Tx> = ExecutionState<Tx, unknown> &
  MempoolState<Tx> &
  Pick<NormalCaseState<Tx>, 'proposed' | 'readyToExecute' | 'nextSeq'> &
  Pick<StateTransferState, 'catchUpTarget'> &
  Pick<LivenessState, 'failedViews'>;

/** Executes committed blocks in height order; asks peers for blocks when there is a gap. */
export function executeReady<Tx>(c: StepContext<Tx, unknown>): void {
  const s = writable<Writes<Tx>>(c);
  let progressed = false;
  for (;;) {
    const next = s.readyToExecute.get(s.executed + 1);
    if (next === undefined) break;
    s.readyToExecute.delete(next.block.height);
    executeBlock(c, next);
    progressed = true;
  }
  for (const height of s.readyToExecute.keys()) if (height <= s.executed) s.readyToExecute.delete(height);
  if (s.readyToExecute.size > 0) {
    s.catchUpTarget = Math.max(s.catchUpTarget, ...s.readyToExecute.keys());
    startFetch(c);
  }
  if (progressed) afterProgress(c);
}

export function executeBlock<Tx>(c: StepContext<Tx, unknown>, committed: CommittedBlock<Tx>): void {
  const s = writable<Writes<Tx>>(c);
  const { block, certificate } = committed;
  assert(block.height === s.executed + 1, 'blocks execute in height order');
  const results = c.app.execute(s.app, block.height, block.txs);
  s.executed = block.height;
  const watched = c.state.progressWatch;
  for (const tx of block.txs) {
    const hash = c.app.txHash(tx);
    if (hash === watched.txHash) sampleCommitLatency(c, c.state.livenessClock - watched.sinceClock);
    s.pending.delete(hash);
    s.proposed.delete(hash);
    s.recentlyExecuted.add(hash);
    if (s.recentlyExecuted.size > RECENTLY_EXECUTED_LIMIT) deleteOldest(s.recentlyExecuted);
  }
  s.recentBlocks.set(block.height, committed);
  // A view we are in committed: the failover timers stop backing off (liveness.ts).
  if (certificate.view === c.state.view && c.state.status === 'normal') s.failedViews = 0;
  c.effects.push({ type: 'committed', block, certificate, results });
  if (block.height % c.config.checkpointBlocks === 0) takeCheckpoint(c, block.height);
}

/** The height advanced: the next proposal follows it, the watch restarts, the primary proposes. */
export function afterProgress<Tx>(c: StepContext<Tx, unknown>): void {
  const s = writable<Writes<Tx>>(c);
  if (s.nextSeq <= s.executed) s.nextSeq = s.executed + 1;
  armProgressTimer(c);
  propose(c);
  armIdleTimer(c);
}
