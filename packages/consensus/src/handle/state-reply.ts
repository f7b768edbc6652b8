// Input `state-reply`: a peer's answer to our fetch. A snapshot ahead of us
// is installed only with its 2f+1 checkpoint proof and matching root; then
// its blocks execute in height order, each only with a valid commit
// certificate (honest replicas checked its transactions before voting).
import { noticeView } from '../catch-up.ts';
import { makeStable, tryStabilize } from '../checkpoints.ts';
import { writable, type StepContext } from '../context.ts';
import { drop } from '../emit.ts';
import { afterProgress, executeBlock, executeReady } from '../execute.ts';
import { prunePending } from '../mempool.ts';
import { blockDigest, verifyCheckpointProof, verifyCommitCertificate } from '../messages.ts';
import type { CommittedBlockReason, SnapshotReason, StateReplyDropReason } from '../reasons.ts';
import type { ExecutionState, NormalCaseState } from '../state.ts';
import { endFetch, startFetch } from '../state-transfer.ts';
import type { CommittedBlock, ReplicaId, StateReply } from '../types.ts';

type Writes<Tx, AppState> = Pick<ExecutionState<Tx, AppState>, 'app' | 'executed'> & Pick<NormalCaseState<Tx>, 'proposed'>;

export function handleStateReply<Tx, AppState>(c: StepContext<Tx, AppState>, from: ReplicaId, reply: StateReply<Tx>): void {
  const before = c.state.executed;
  let rejected: StateReplyDropReason | null = null;
  if (reply.snapshot !== null && reply.snapshot.checkpoint.seq > c.state.executed) rejected = installSnapshot(c, reply.snapshot);
  if (rejected !== null) drop(c, 'state-reply', from, rejected);
  const stopped = Array.isArray(reply.blocks) ? executeFetchedBlocks(c, from, reply.blocks) : 'MALFORMED';
  if (stopped !== null) drop(c, 'state-reply', from, stopped);
  if (rejected === null && stopped === null && c.state.executed === before) drop(c, 'state-reply', from, 'NOTHING_NEW');
  // Still short of what peers have shown us: ask again now rather than at the retry.
  if (c.state.executed > before && c.state.catchUpTarget > c.state.executed) {
    endFetch(c);
    startFetch(c);
  }
}

/** Installs a peer's stable snapshot; returns why not when it is not valid. */
function installSnapshot<Tx, AppState>(c: StepContext<Tx, AppState>, snapshot: NonNullable<StateReply<Tx>['snapshot']>): SnapshotReason | null {
  const s = writable<Writes<Tx, AppState>>(c);
  const { checkpoint } = snapshot;
  if (!verifyCheckpointProof(c.verifier, checkpoint.seq, checkpoint.root, checkpoint.proof, c.f)) return 'BAD_CHECKPOINT_PROOF';
  let app: AppState;
  try {
    app = c.app.decodeState(snapshot.state);
  } catch {
    return 'BAD_SNAPSHOT';
  }
  if (c.app.stateRoot(app) !== checkpoint.root) return 'SNAPSHOT_ROOT_MISMATCH';
  s.app = app;
  s.executed = checkpoint.seq;
  s.proposed.clear();
  c.effects.push({ type: 'state-installed', seq: checkpoint.seq, root: checkpoint.root });
  makeStable(c, checkpoint, snapshot.state);
  prunePending(c);
  endFetch(c);
  afterProgress(c);
  return null;
}

/** Null when `committed` is a certified block: its certificate is for it and verifies against the genesis replica set. */
export function getCommittedBlockValidity<Tx>(c: StepContext<Tx, unknown>, committed: CommittedBlock<Tx>): CommittedBlockReason | null {
  const { block, certificate } = committed;
  if (certificate.height !== block.height) return 'HEIGHT_MISMATCH';
  if (blockDigest(c.config.chainId, block, c.app) !== certificate.digest) return 'BAD_DIGEST';
  if (block.txs.length > c.config.maxBlockTxs) return 'BLOCK_TOO_LARGE';
  if (!verifyCommitCertificate(c.verifier, certificate, c.f)) return 'BAD_COMMIT_CERTIFICATE';
  return null;
}

/** Executes the fetched blocks that follow our height, up to the first that does not; returns why it stopped early. */
function executeFetchedBlocks<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, blocks: readonly CommittedBlock<Tx>[]): CommittedBlockReason | null {
  let stopped: CommittedBlockReason | null = null;
  let executedAny = false;
  let lastView = -1;
  const count = Math.min(blocks.length, c.config.maxFetchBlocks);
  for (let index = 0; index < count; index++) {
    const committed = blocks[index]!;
    if (committed.block.height <= c.state.executed) continue;
    stopped = committed.block.height !== c.state.executed + 1 ? 'HEIGHT_GAP' : getCommittedBlockValidity(c, committed);
    if (stopped !== null) break;
    executeBlock(c, committed);
    executedAny = true;
    lastView = committed.certificate.view;
  }
  // A quorum committed in that view: if we are not in it, it started without us.
  if (lastView >= 0) noticeView(c, lastView, from);
  if (executedAny) {
    endFetch(c);
    executeReady(c);
    for (const seq of [...c.state.checkpointVotes.keys()].sort((a, b) => a - b)) tryStabilize(c, seq);
    afterProgress(c);
  }
  return stopped;
}
