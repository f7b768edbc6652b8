// Input `fetch-state`: a peer behind us asks for the blocks from a height.
// We answer with the certified blocks we keep from there (at most
// maxFetchBlocks), or, when we no longer keep that height, our stable
// snapshot with the blocks after it.
import type { StepContext } from '../context.ts';
import { drop, send } from '../emit.ts';
import { verifyMessage } from '../messages.ts';
import type { FetchStateDropReason } from '../reasons.ts';
import type { CommittedBlock, FetchState, ReplicaId, StateReply } from '../types.ts';

// Writes nothing: a peer's fetch is only answered.

export function getFetchStateValidity(c: StepContext<unknown, unknown>, request: FetchState): FetchStateDropReason | null {
  if (!Number.isInteger(request.fromHeight) || request.fromHeight < 1) return 'MALFORMED';
  if (request.fromHeight > c.state.executed) return 'NOT_AHEAD';
  if (request.replica === c.id) return 'FROM_SELF';
  if (!verifyMessage(c.verifier, request)) return 'BAD_SIGNATURE';
  return null;
}

export function handleFetchState<Tx>(c: StepContext<Tx, unknown>, from: ReplicaId, request: FetchState): void {
  const reason = getFetchStateValidity(c, request);
  if (reason !== null) return drop(c, 'fetch-state', from, reason);
  const s = c.state;
  const snapshotNeeded = !s.recentBlocks.has(request.fromHeight);
  const snapshot = snapshotNeeded ? { checkpoint: s.stable, state: s.stableSnapshot } : null;
  const first = snapshotNeeded ? s.stable.seq + 1 : request.fromHeight;
  const blocks: CommittedBlock<Tx>[] = [];
  for (let height = first; height <= s.executed && blocks.length < c.config.maxFetchBlocks; height++) {
    const block = s.recentBlocks.get(height);
    if (block === undefined) break;
    blocks.push(block);
  }
  // A snapshot below the height asked from, without blocks after it, tells the peer nothing.
  const useless = snapshot === null || snapshot.checkpoint.seq < request.fromHeight;
  if (useless && blocks.length === 0) return drop(c, 'fetch-state', from, 'NOTHING_TO_SEND');
  const reply: StateReply<Tx> = { type: 'state-reply', snapshot, blocks };
  send(c, request.replica, reply);
}
