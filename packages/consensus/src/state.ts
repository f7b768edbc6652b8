// The replica's state: everything a shell persists after each step. Plain data
// (Maps, Sets, arrays), so the process shell can serialize it and the
// simulator can keep it in memory.
//
// It is one flat object (the persisted encoding and restore.ts rely on the
// flat shape), declared as slices, one per concern. Each module of the core
// names the slices or fields it writes (a Pick of these types) and writes
// through `writable<…>(c)`; everything else it reads through `c.state`,
// which is a read-only view (ReadState). So a module's first lines say what
// it can change, and the compiler holds it to that.
import type { Canonical } from '@wedge/crypto';
import type { TimerName } from './input.ts';
import type {
  Block,
  Checkpoint,
  Commit,
  CommittedBlock,
  Complaint,
  NewView,
  PrePrepare,
  Prepare,
  PreparedCertificate,
  ReplicaId,
  StableCheckpoint,
  ViewChange,
} from './types.ts';

/** The log entry of one (view, sequence number): its proposal and the votes for it. */
export type Slot<Tx> = {
  readonly view: number;
  readonly seq: number;
  prePrepare: PrePrepare | null;
  block: Block<Tx> | null;
  prepares: Map<ReplicaId, Prepare>;
  commits: Map<ReplicaId, Commit>;
  sentPrepare: boolean;
  prepared: boolean;
  committed: boolean;
};

/** Normal case: the log of proposals and votes, and what the primary has proposed. */
export type NormalCaseState<Tx> = {
  /** Keyed by `${view}:${seq}`. */
  slots: Map<string, Slot<Tx>>;
  /** The highest-view prepared certificate per sequence number, for view changes. */
  preparedCertificates: Map<number, PreparedCertificate<Tx>>;
  /** Committed locally, waiting for the blocks before them to execute. */
  readyToExecute: Map<number, CommittedBlock<Tx>>;
  /** Primary only: hashes of txs in proposed, not yet executed blocks. */
  proposed: Set<string>;
  nextSeq: number;
};

/** Requests waiting to execute. */
export type MempoolState<Tx> = {
  /** Valid requests not yet executed, in arrival order. */
  pending: Map<string, Tx>;
};

/** Execution: the application state and what has executed. */
export type ExecutionState<Tx, AppState> = {
  app: AppState;
  /** Height of the last executed block. */
  executed: number;
  /** Executed blocks with certificates, kept for peers that are slightly behind. */
  recentBlocks: Map<number, CommittedBlock<Tx>>;
  /** Hashes of recently executed txs, oldest first, to drop duplicate requests. */
  recentlyExecuted: Set<string>;
};

/** Checkpoints: our own, the votes of all, and the stable one. */
export type CheckpointState<AppState> = {
  stable: StableCheckpoint;
  /** The application state at the stable checkpoint, encoded, for state transfer. */
  stableSnapshot: Canonical;
  /** Own checkpoints taken but not yet stable: seq -> root and a copy of the state. */
  ownCheckpoints: Map<number, { root: string; state: AppState }>;
  checkpointVotes: Map<number, Map<ReplicaId, Checkpoint>>;
};

/** Progress watch: whether the primary lets watched work stall. */
export type ProgressWatchState = {
  /** Consecutive progress timeouts that found the watched work stalled. */
  progressStrikes: number;
  /**
   * What the running progress timer watches: the oldest pending request when
   * it was armed (it must execute in time, whatever else commits — so a
   * primary cannot censor it behind other blocks), or with nothing pending,
   * the height (idle blocks must advance it).
   */
  progressWatch: { txHash: string | null; executed: number; sinceClock: number };
};

/**
 * Liveness of the primary (liveness.ts): the heartbeats it sends, what a
 * backup has heard from it, and how many view changes in a row have failed
 * to produce a block (the backoff of every failover timer).
 */
export type LivenessState = {
  /** Primary: heartbeats sent, ever (persisted, so a restarted primary keeps counting up). */
  heartbeatsSent: number;
  /** Backup: the highest beat accepted from the current view's primary. */
  primaryBeat: number;
  /** Backup: whether the primary showed a sign of life since the silence timer was armed. */
  heardFromPrimary: boolean;
  /** Backup: consecutive silence windows without a sign of life while we had work. */
  silentWindows: number;
  /**
   * View changes started since a block last committed in a view we were in:
   * every failover timer waits 2^failedViews times longer (up to a cap), so
   * that a network slower than the timeouts stops changing views and commits.
   */
  failedViews: number;
  /**
   * Time as this replica's liveness timers have seen it pass, in heartbeat
   * intervals (the primary's heartbeat timer and a backup's silence timer
   * advance it): how old a complaint is (complaintHeardAt).
   */
  livenessClock: number;
  /**
   * How long requests take to commit here, in heartbeat intervals on the
   * liveness clock: the watched request's wait, a maximum that decays by an
   * eighth with every new sample. The failover timers stretch to it (a
   * loaded network is slow, not faulty), within a bound (liveness.ts).
   */
  commitLatency: number;
};

/** State transfer: catching up with blocks and snapshots from peers. */
export type StateTransferState = {
  fetching: boolean;
  fetchNonce: number;
  /** Highest height known to exist elsewhere (from checkpoints and messages). */
  catchUpTarget: number;
};

/** View change: the current view, and the messages that move replicas to the next one. */
export type ViewChangeState<Tx> = {
  view: number;
  status: 'normal' | 'view-change';
  viewChanges: Map<number, Map<ReplicaId, ViewChange<Tx>>>;
  /** Each replica's complaint about the highest view it gave up on, for views from the current one on. */
  complaints: Map<ReplicaId, Complaint>;
  /**
   * When each replica's complaint was last heard from it, on the liveness
   * clock: one about the view we are normal in that its replica stopped
   * repeating expires (complain.ts), so complaints from moments that passed
   * — a backup cut off for a while, a slow second — never add up to f+1.
   */
  complaintHeardAt: Map<ReplicaId, number>;
  /** The new-view message of the current view, sent or accepted. */
  newView: NewView<Tx> | null;
  /** Views for which this replica already asked for the new-view message. */
  newViewRequested: Set<number>;
  viewChangeAttempts: number;
  /**
   * View-change timeouts while waiting for the current view's new view: the
   * first only asks for it again (the new primary may just be slow to
   * assemble or deliver it, and f+1 complaints would move even the replicas
   * already in the view on); from the second on, we complain.
   */
  viewChangeTimeouts: number;
};

/** Timers: the token of each running timer (0 when none runs). */
export type TimerState = {
  timers: Record<TimerName, number>;
  tokenCounter: number;
};

export type ReplicaState<Tx, AppState> = NormalCaseState<Tx> &
  MempoolState<Tx> &
  ExecutionState<Tx, AppState> &
  CheckpointState<AppState> &
  ProgressWatchState &
  LivenessState &
  StateTransferState &
  ViewChangeState<Tx> &
  TimerState;

/** A field of the state seen read-only: its Map or Set cannot be changed through it. */
type ReadOnlyField<T> = T extends Map<infer K, infer V> ? ReadonlyMap<K, V> : T extends Set<infer V> ? ReadonlySet<V> : T extends object ? Readonly<T> : T;

/** A slot seen read-only: its flags and vote maps cannot be changed through it. */
export type ReadOnlySlot<Tx> = Readonly<Omit<Slot<Tx>, 'prepares' | 'commits'>> & {
  readonly prepares: ReadonlyMap<ReplicaId, Prepare>;
  readonly commits: ReadonlyMap<ReplicaId, Commit>;
};

/**
 * The state as every module reads it. The application state is opaque to
 * the core (only the ConsensusApp changes it), so it is the one field not
 * made read-only here.
 */
export type ReadState<Tx, AppState> = {
  readonly [K in keyof ReplicaState<Tx, AppState>]: K extends 'app'
    ? AppState
    : K extends 'slots'
      ? ReadonlyMap<string, ReadOnlySlot<Tx>>
      : K extends 'checkpointVotes'
        ? ReadonlyMap<number, ReadonlyMap<ReplicaId, Checkpoint>>
        : K extends 'viewChanges'
          ? ReadonlyMap<number, ReadonlyMap<ReplicaId, ViewChange<Tx>>>
          : ReadOnlyField<ReplicaState<Tx, AppState>[K]>;
};
