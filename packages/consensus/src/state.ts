// The replica's state: everything a shell persists after each step. Plain data
// (Maps, Sets, arrays), so the simulator can clone it to model a crash and the
// process shell can serialize it.
import type { Canonical } from '@wedge/crypto';
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
  TimerName,
  ViewChange,
} from './types.ts';

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

export type ReplicaState<Tx, AppState> = {
  view: number;
  status: 'normal' | 'view-change';
  app: AppState;
  /** Height of the last executed block. */
  executed: number;
  stable: StableCheckpoint;
  /** The application state at the stable checkpoint, encoded, for state transfer. */
  stableSnapshot: Canonical;
  /** Own checkpoints taken but not yet stable: seq -> root and a copy of the state. */
  ownCheckpoints: Map<number, { root: string; state: AppState }>;
  checkpointVotes: Map<number, Map<ReplicaId, Checkpoint>>;
  /** Keyed by `${view}:${seq}`. */
  slots: Map<string, Slot<Tx>>;
  /** The highest-view prepared certificate per sequence number, for view changes. */
  preparedCertificates: Map<number, PreparedCertificate<Tx>>;
  /** Committed locally, waiting for the blocks before them to execute. */
  readyToExecute: Map<number, CommittedBlock<Tx>>;
  /** Executed blocks with certificates, kept for peers that are slightly behind. */
  recentBlocks: Map<number, CommittedBlock<Tx>>;
  /** Valid requests not yet executed, in arrival order. */
  pending: Map<string, Tx>;
  /** Primary only: hashes of txs in proposed, not yet executed blocks. */
  proposed: Set<string>;
  nextSeq: number;
  /** Hashes of recently executed txs, oldest first, to drop duplicate requests. */
  recentlyExecuted: Set<string>;
  viewChanges: Map<number, Map<ReplicaId, ViewChange<Tx>>>;
  /** Each replica's complaint about the highest view it gave up on, for views from the current one on. */
  complaints: Map<ReplicaId, Complaint>;
  /** The new-view message of the current view, sent or accepted. */
  newView: NewView<Tx> | null;
  /** Views for which this replica already asked the primary for its new-view message. */
  newViewRequested: Set<number>;
  viewChangeAttempts: number;
  /** Consecutive progress timeouts that found the watched work stalled. */
  progressStrikes: number;
  /**
   * What the running progress timer watches: the oldest pending request when
   * it was armed (it must execute in time, whatever else commits — so a
   * primary cannot censor it behind other blocks), or with nothing pending,
   * the height (idle blocks must advance it).
   */
  progressWatch: { txHash: string | null; executed: number };
  timers: Record<TimerName, number>;
  tokenCounter: number;
  fetching: boolean;
  fetchNonce: number;
  /** Highest height known to exist elsewhere (from checkpoints and messages). */
  catchUpTarget: number;
};
