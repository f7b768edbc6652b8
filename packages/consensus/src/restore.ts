// What a replica persists, and how it comes back after a crash. Both drivers
// go through these two functions: the replica process (which writes the
// durable state to SQLite in its own encoding) and the simulator (which keeps
// it in memory), so every simulated restart runs the recovery the processes
// run — replay of the blocks after the last stable snapshot, the window of
// recent blocks, the executed ids, an empty mempool.
import { assert } from '@wedge/common';
import type { Canonical } from '@wedge/crypto';
import type { ReplicaState } from './state.ts';
import type { CommittedBlock, ConsensusConfig, ReplicaContext } from './types.ts';

/** How many executed transaction ids a replica remembers to drop duplicate requests. */
export const RECENTLY_EXECUTED_LIMIT = 200_000;

/**
 * The fields a replica does not persist, because restoreReplicaState rebuilds
 * them: the application state and the stable snapshot (stored apart, once
 * per checkpoint), the blocks and executed ids (from the stored blocks), the
 * mempool (clients resubmit what a crash lost), and the timers (none runs
 * after a restart; the core re-arms them on `start`), and the liveness watch:
 * what it heard from the primary, its clock and when each complaint was
 * heard on it (the clock starts over, and complaints not repeated since the
 * restart expire at its first tick; none of these is then written each
 * heartbeat). The own checkpoints
 * keep their roots; their states are replayed.
 */
export const VOLATILE_FIELDS = [
  'app',
  'stableSnapshot',
  'recentBlocks',
  'recentlyExecuted',
  'pending',
  'proposed',
  'timers',
  'tokenCounter',
  'progressWatch',
  'heardFromPrimary',
  'silentWindows',
  'primaryBeat',
  'livenessClock',
  'complaintHeardAt',
] as const;

export type VolatileField = (typeof VOLATILE_FIELDS)[number];

/** The persisted part of a replica's state (own checkpoints without their states). */
export type DurableProtocolState<Tx> = Omit<ReplicaState<Tx, unknown>, VolatileField | 'ownCheckpoints'> & {
  ownCheckpoints: Map<number, { root: string; state: null }>;
};

/** What a shell persists of `state` after a step: a shallow view, valid until the next step. */
export function durableProtocolState<Tx>(state: ReplicaState<Tx, unknown>): DurableProtocolState<Tx> {
  const durable: Record<string, unknown> = { ...state };
  for (const field of VOLATILE_FIELDS) delete durable[field];
  durable.ownCheckpoints = new Map([...state.ownCheckpoints].map(([seq, { root }]) => [seq, { root, state: null }]));
  return durable as DurableProtocolState<Tx>;
}

/** What a replica's storage gives back after a crash. */
export type DurableReplica<Tx> = {
  /** The protocol state of the last persisted step, or null before the first one. */
  readonly protocol: DurableProtocolState<Tx> | null;
  /** The application state at the stable checkpoint (null while that is genesis). */
  readonly snapshot: { readonly seq: number; readonly root: string; readonly state: Canonical } | null;
  /**
   * The executed blocks stored in [fromHeight, toHeight], in height order.
   * Every block above the snapshot is stored (it executed after it); below,
   * the blocks skipped by state transfer are missing.
   */
  blocks(fromHeight: number, toHeight: number): Iterable<CommittedBlock<Tx>>;
  /** The ids of the most recently executed transactions, newest first, at most `limit`. */
  recentTxHashes(limit: number): readonly string[];
};

/**
 * The replica's state after a crash, from what it persisted: the protocol
 * state with the application replayed from the snapshot through the stored
 * blocks (execution is a pure function of the log), the recent blocks peers
 * may ask for, the executed ids, and no pending requests or timers.
 * `fresh` is a new replica's state (createReplicaState), used before the
 * first persisted step and for the fields that start empty.
 */
export function restoreReplicaState<Tx, AppState>(
  ctx: ReplicaContext<Tx, AppState>,
  fresh: ReplicaState<Tx, AppState>,
  durable: DurableReplica<Tx>,
): ReplicaState<Tx, AppState> {
  if (durable.protocol === null) return fresh;
  const protocol = durable.protocol;
  let app: AppState;
  let stableSnapshot: Canonical;
  if (durable.snapshot === null) {
    assert(protocol.stable.seq === 0, 'a stable checkpoint above 0 needs its snapshot');
    app = fresh.app;
    stableSnapshot = fresh.stableSnapshot;
  } else {
    const { seq, root, state } = durable.snapshot;
    assert(seq === protocol.stable.seq && root === protocol.stable.root, 'snapshot and protocol state disagree');
    stableSnapshot = state;
    app = ctx.app.decodeState(state);
  }
  const ownCheckpoints = new Map<number, { root: string; state: AppState }>();
  const recentBlocks = new Map<number, CommittedBlock<Tx>>();
  let height = protocol.stable.seq;
  for (const committed of durable.blocks(recentBlocksFrom(ctx.config, protocol.stable.seq), protocol.executed)) {
    recentBlocks.set(committed.block.height, committed);
    if (committed.block.height <= protocol.stable.seq) continue;
    assert(committed.block.height === height + 1, `block ${height + 1} missing from the store during recovery`);
    ctx.app.execute(app, committed.block.height, committed.block.txs);
    height = committed.block.height;
    const own = protocol.ownCheckpoints.get(height);
    if (own !== undefined) {
      assert(ctx.app.stateRoot(app) === own.root, `replayed state root differs at checkpoint ${height}`);
      ownCheckpoints.set(height, { root: own.root, state: ctx.app.clone(app) });
    }
  }
  assert(height === protocol.executed, `recovered height ${height}, protocol state says ${protocol.executed}`);
  for (const seq of protocol.ownCheckpoints.keys()) assert(ownCheckpoints.has(seq), `own checkpoint ${seq} not replayed`);
  return {
    ...(protocol as unknown as ReplicaState<Tx, AppState>),
    app,
    stableSnapshot,
    ownCheckpoints,
    recentBlocks,
    recentlyExecuted: new Set([...durable.recentTxHashes(RECENTLY_EXECUTED_LIMIT)].reverse()),
    pending: new Map(),
    proposed: new Set(),
    timers: { ...fresh.timers },
    tokenCounter: fresh.tokenCounter,
    progressWatch: { ...fresh.progressWatch },
    heardFromPrimary: fresh.heardFromPrimary,
    silentWindows: fresh.silentWindows,
    primaryBeat: fresh.primaryBeat,
    livenessClock: fresh.livenessClock,
    complaintHeardAt: new Map(),
  };
}

/** The lowest height a replica keeps in its recent blocks: one checkpoint interval below the stable checkpoint. */
export function recentBlocksFrom(config: ConsensusConfig, stableSeq: number): number {
  return Math.max(1, stableSeq - config.checkpointBlocks + 1);
}
