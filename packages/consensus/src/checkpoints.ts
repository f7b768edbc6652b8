// Checkpoints: every checkpointBlocks blocks a replica signs its state root;
// 2f+1 matching checkpoints make it stable, and the log below it is
// truncated. A quorum ahead of us means we are behind: catch up first.
import { assert } from '@wedge/common';
import type { Canonical } from '@wedge/crypto';
import { behindTo } from './catch-up.ts';
import { writable, type StepContext } from './context.ts';
import { broadcast } from './emit.ts';
import { prunePending } from './mempool.ts';
import { signMessage, verifyMessage } from './messages.ts';
import { propose } from './propose.ts';
import type { CheckpointDropReason } from './reasons.ts';
import { recentBlocksFrom } from './restore.ts';
import type { CheckpointState, ExecutionState, NormalCaseState } from './state.ts';
import type { Checkpoint, StableCheckpoint } from './types.ts';
import { checkpointQuorum, checkpointVotesAt } from './votes/checkpoints.ts';
import { highWatermark } from './windows.ts';

/** Checkpoints, and the log truncation a stable checkpoint brings. */
type Writes<Tx> = CheckpointState<unknown> &
  Pick<NormalCaseState<Tx>, 'slots' | 'preparedCertificates' | 'readyToExecute'> &
  Pick<ExecutionState<Tx, unknown>, 'recentBlocks'>;

/** At a checkpoint height: remember the state, sign its root, and count our own vote. */
export function takeCheckpoint<Tx>(c: StepContext<Tx, unknown>, seq: number): void {
  const s = writable<Writes<Tx>>(c);
  const root = c.app.stateRoot(c.state.app);
  s.ownCheckpoints.set(seq, { root, state: c.app.clone(c.state.app) });
  const checkpoint = signMessage<Checkpoint>(c.signer, { type: 'checkpoint', seq, root, replica: c.id });
  broadcast(c, checkpoint);
  countCheckpoint(c, checkpoint, false);
  prunePending(c);
}

/** Null when checkpoint `seq` is one to count: above the stable checkpoint, at a checkpoint height. */
export function getCheckpointValidity(c: StepContext<unknown, unknown>, seq: number): CheckpointDropReason | null {
  if (!Number.isInteger(seq)) return 'MALFORMED';
  if (seq <= c.state.stable.seq) return 'STALE_CHECKPOINT';
  if (seq % c.config.checkpointBlocks !== 0) return 'NOT_CHECKPOINT_HEIGHT';
  return null;
}

/**
 * Counts a checkpoint vote, ours (`verify` false) or a peer's; returns why
 * it was not counted, or null. Far-future checkpoints only tell us we are
 * behind: votes are stored for a bounded window of sequence numbers.
 */
export function countCheckpoint<Tx>(c: StepContext<Tx, unknown>, checkpoint: Checkpoint, verify: boolean): CheckpointDropReason | null {
  const s = writable<Writes<Tx>>(c);
  const { seq } = checkpoint;
  const invalid = getCheckpointValidity(c, seq);
  if (invalid !== null) return invalid;
  if (seq > highWatermark(c) + c.config.watermarkBlocks) {
    if (!verify) return 'FAR_AHEAD';
    if (!verifyMessage(c.verifier, checkpoint)) return 'BAD_SIGNATURE';
    behindTo(c, seq);
    return 'FAR_AHEAD';
  }
  const votes = checkpointVotesAt(s.checkpointVotes, seq);
  if (votes.has(checkpoint.replica)) return 'DUPLICATE';
  if (verify && !verifyMessage(c.verifier, checkpoint)) return 'BAD_SIGNATURE';
  votes.set(checkpoint.replica, checkpoint);
  tryStabilize(c, seq);
  return null;
}

/** With a quorum for checkpoint `seq`: make it stable, or catch up to it when we have not reached it. */
export function tryStabilize<Tx>(c: StepContext<Tx, unknown>, seq: number): void {
  const votes = c.state.checkpointVotes.get(seq);
  if (votes === undefined || seq <= c.state.stable.seq) return;
  const quorum = checkpointQuorum(votes, c.quorum);
  if (quorum === null) return;
  const own = c.state.ownCheckpoints.get(seq);
  if (own === undefined) {
    behindTo(c, seq); // a quorum is ahead of us: catch up, then stabilize
    return;
  }
  // 2f+1 replicas, at least f+1 honest, computed this root from the same
  // committed log; a different local root means our execution diverged.
  assert(own.root === quorum.root, `state diverged at checkpoint ${seq}: local ${own.root}, quorum ${quorum.root}`);
  makeStable(c, { seq, root: quorum.root, proof: quorum.proof }, c.app.encodeState(own.state));
}

/** Checkpoint `checkpoint` is stable: it becomes the low watermark, and everything at or below it is let go. */
export function makeStable<Tx>(c: StepContext<Tx, unknown>, checkpoint: StableCheckpoint, snapshot: Canonical): void {
  const s = writable<Writes<Tx>>(c);
  const { seq } = checkpoint;
  s.stable = checkpoint;
  s.stableSnapshot = snapshot;
  for (const [key, slot] of s.slots) if (slot.seq <= seq) s.slots.delete(key);
  for (const key of s.preparedCertificates.keys()) if (key <= seq) s.preparedCertificates.delete(key);
  for (const key of s.checkpointVotes.keys()) if (key <= seq) s.checkpointVotes.delete(key);
  for (const key of s.ownCheckpoints.keys()) if (key <= seq) s.ownCheckpoints.delete(key);
  for (const key of s.readyToExecute.keys()) if (key <= seq) s.readyToExecute.delete(key);
  // Keep one checkpoint interval of blocks below the stable checkpoint for peers slightly behind.
  const keepFrom = recentBlocksFrom(c.config, seq);
  for (const key of s.recentBlocks.keys()) if (key < keepFrom) s.recentBlocks.delete(key);
  c.effects.push({ type: 'checkpoint-stable', checkpoint });
  propose(c);
}
