// The normal case after a proposal is in the log: a backup accepts it (learns
// its requests, sends a prepare); 2f matching prepares make the slot
// prepared (keep the certificate, send a commit); 2f+1 matching commits make
// it committed (queue the block with its commit certificate for execution).
import { assert } from '@wedge/common';
import { writable, type StepContext } from './context.ts';
import { broadcast } from './emit.ts';
import { executeReady } from './execute.ts';
import { isSpent } from './mempool.ts';
import { signMessage } from './messages.ts';
import { armProgressTimer } from './progress-watch.ts';
import type { MempoolState, NormalCaseState, Slot } from './state.ts';
import type { Commit, Prepare } from './types.ts';
import { commitQuorum, preparedQuorum } from './votes/prepare-commit.ts';

type Writes<Tx> = Pick<NormalCaseState<Tx>, 'slots' | 'preparedCertificates' | 'readyToExecute'> & MempoolState<Tx>;

/** A backup accepts a proposal of the current view: it learns its requests and sends a prepare. */
export function acceptProposal<Tx>(c: StepContext<Tx, unknown>, slot: Slot<Tx>): void {
  const s = writable<Writes<Tx>>(c);
  assert(slot.prePrepare !== null && slot.block !== null, 'acceptProposal needs a pre-prepare');
  // Its requests become ours to watch — unless the block is executed
  // already (a new view re-proposes blocks below our height).
  if (slot.seq > c.state.executed) {
    for (const tx of slot.block.txs) {
      const hash = c.app.txHash(tx);
      if (c.state.recentlyExecuted.has(hash) || s.pending.has(hash) || s.pending.size >= c.config.maxPendingTxs) continue;
      if (!isSpent(c, tx)) s.pending.set(hash, tx);
    }
  }
  if (!slot.sentPrepare && slot.prePrepare.replica !== c.id) {
    slot.sentPrepare = true;
    const prepare = signMessage<Prepare>(c.signer, {
      type: 'prepare',
      view: slot.view,
      seq: slot.seq,
      digest: slot.prePrepare.digest,
      replica: c.id,
    });
    slot.prepares.set(c.id, prepare);
    broadcast(c, prepare);
  }
  armProgressTimer(c);
  checkPrepared(c, slot);
}

/** With 2f prepares matching its pre-prepare, a slot of the current view is prepared: keep the certificate and send a commit. */
export function checkPrepared<Tx>(c: StepContext<Tx, unknown>, slot: Slot<Tx>): void {
  const s = writable<Writes<Tx>>(c);
  if (slot.prepared || slot.prePrepare === null || slot.block === null) return;
  if (slot.view !== c.state.view || c.state.status !== 'normal') return;
  const prePrepare = slot.prePrepare;
  const supporting = preparedQuorum(c.rules, prePrepare, slot.prepares, c.quorum - 1);
  if (supporting === null) return;
  slot.prepared = true;
  s.preparedCertificates.set(slot.seq, { prePrepare, block: slot.block, prepares: supporting });
  const commit = signMessage<Commit>(c.signer, {
    type: 'commit',
    view: slot.view,
    seq: slot.seq,
    digest: prePrepare.digest,
    replica: c.id,
  });
  slot.commits.set(c.id, commit);
  broadcast(c, commit);
  checkCommitted(c, slot);
}

/** With 2f+1 commits for its digest, a prepared slot is committed: its block waits for execution with its certificate. */
export function checkCommitted<Tx>(c: StepContext<Tx, unknown>, slot: Slot<Tx>): void {
  const s = writable<Writes<Tx>>(c);
  if (slot.committed || !slot.prepared || slot.prePrepare === null || slot.block === null) return;
  const digest = slot.prePrepare.digest;
  const matching = commitQuorum(slot.commits, digest, c.quorum);
  if (matching === null) return;
  slot.committed = true;
  if (slot.seq <= c.state.executed) return; // executed already, e.g. re-proposed in a new view
  s.readyToExecute.set(slot.seq, {
    block: slot.block,
    certificate: {
      view: slot.view,
      height: slot.seq,
      digest,
      signatures: matching.map(({ replica, signature }) => ({ replica, signature })),
    },
  });
  executeReady(c);
}
