// Types of the PBFT replica core: configuration, the application it
// replicates, the messages between replicas, the rules and the context of a
// replica. The inputs of a step are in input.ts, its effects in effect.ts,
// the reasons an input is dropped in reasons.ts, the state in state.ts.
import type { Canonical, SignatureScheme } from '@wedge/crypto';

export type ReplicaId = number;

export type ReplicaDescriptor = { readonly id: ReplicaId; readonly publicKey: string };

export type ConsensusConfig = {
  readonly chainId: string;
  /** The genesis replica set, ids 0..n-1 in order. */
  readonly replicas: readonly ReplicaDescriptor[];
  /** A checkpoint is taken every `checkpointBlocks` blocks. */
  readonly checkpointBlocks: number;
  /** High watermark = stable checkpoint + `watermarkBlocks`. */
  readonly watermarkBlocks: number;
  readonly maxBlockTxs: number;
  /** How many proposed but not yet committed blocks the primary allows. */
  readonly pipelineBlocks: number;
  readonly maxPendingTxs: number;
  /** A backup with pending work and no progress for this long starts a view change. */
  readonly progressTimeoutMs: number;
  /** How long a replica waits for a new view before moving to the next one (doubles per attempt). */
  readonly viewChangeTimeoutMs: number;
  /**
   * The primary's liveness signal: while normal it broadcasts a signed
   * heartbeat this often, and a backup with work that hears nothing from it
   * for two windows of twice this long complains (liveness.ts). This, not
   * the progress timeout, is what notices a crashed primary fast.
   */
  readonly heartbeatMs: number;
  /** While the application asks for idle blocks, the primary proposes an empty block after this long. */
  readonly idleBlockMs: number;
  /** Retry interval of state transfer requests. */
  readonly fetchRetryMs: number;
  /** Most blocks in one state transfer reply. */
  readonly maxFetchBlocks: number;
};

/** The replicated application (the L1 ledger), seen through pure functions. */
export interface ConsensusApp<Tx, AppState> {
  txHash(tx: Tx): string;
  /** Stateless validity (shape, chain id, signatures): null when valid, else a code. */
  checkTx(tx: Tx): string | null;
  /**
   * Optional per-sender sequencing (account nonces). With it, a primary only
   * proposes a sender's transaction once every earlier nonce is executed or
   * proposed — requests arriving out of order through different replicas
   * then still execute in order — and the progress watch ignores
   * transactions waiting for a gap to fill.
   */
  txSequence?(tx: Tx): { readonly sender: string; readonly nonce: number };
  /** The next nonce `sender` must use, in `state`. Required with txSequence. */
  nextNonce?(state: AppState, sender: string): number;
  /** Executes a block in place; returns one result per tx. Deterministic. */
  execute(state: AppState, height: number, txs: readonly Tx[]): unknown[];
  stateRoot(state: AppState): string;
  clone(state: AppState): AppState;
  encodeState(state: AppState): Canonical;
  decodeState(value: Canonical): AppState;
  /** Optional: true when `tx` can never again execute successfully (e.g. its nonce is spent), so it leaves the mempool. */
  isStale?(state: AppState, tx: Tx): boolean;
  /** True while the application needs blocks to advance even without txs (frozen channels). */
  needsIdleBlocks(state: AppState): boolean;
}

export type Block<Tx> = { readonly height: number; readonly txs: readonly Tx[] };

export type Signed = { readonly replica: ReplicaId; readonly signature: string };

export type PrePrepare = Signed & { readonly type: 'pre-prepare'; readonly view: number; readonly seq: number; readonly digest: string };
export type Prepare = Signed & { readonly type: 'prepare'; readonly view: number; readonly seq: number; readonly digest: string };
export type Commit = Signed & { readonly type: 'commit'; readonly view: number; readonly seq: number; readonly digest: string };
export type Checkpoint = Signed & { readonly type: 'checkpoint'; readonly seq: number; readonly root: string };
/**
 * A replica's signed statement that it gives up on `view`: its primary let
 * watched work stall (normal case), or its new view did not arrive in time.
 * Alone it changes nothing; f+1 of them (one at least from an honest
 * replica) move every replica that sees them to the next view.
 */
export type Complaint = Signed & { readonly type: 'complaint'; readonly view: number };

/**
 * The primary of `view` says it is alive. `beat` grows with every heartbeat
 * it sends (across its restarts), so a replayed one tells nothing new.
 */
export type Heartbeat = Signed & { readonly type: 'heartbeat'; readonly view: number; readonly beat: number };

/** A pre-prepare with its block and 2f matching prepares from other replicas. */
export type PreparedCertificate<Tx> = {
  readonly prePrepare: PrePrepare;
  readonly block: Block<Tx>;
  readonly prepares: readonly Prepare[];
};

export type ViewChange<Tx> = Signed & {
  readonly type: 'view-change';
  readonly view: number;
  readonly stableSeq: number;
  readonly stableRoot: string;
  readonly checkpointProof: readonly Checkpoint[];
  readonly prepared: readonly PreparedCertificate<Tx>[];
};

export type NewView<Tx> = Signed & {
  readonly type: 'new-view';
  readonly view: number;
  readonly viewChanges: readonly ViewChange<Tx>[];
  readonly prePrepares: readonly { readonly prePrepare: PrePrepare; readonly block: Block<Tx> }[];
};

/** 2f+1 commit signatures over (view, height, digest): proof that a block is final. */
export type CommitCertificate = {
  readonly view: number;
  readonly height: number;
  readonly digest: string;
  readonly signatures: readonly { readonly replica: ReplicaId; readonly signature: string }[];
};

export type CommittedBlock<Tx> = { readonly block: Block<Tx>; readonly certificate: CommitCertificate };

export type StableCheckpoint = { readonly seq: number; readonly root: string; readonly proof: readonly Checkpoint[] };

export type FetchState = Signed & { readonly type: 'fetch-state'; readonly fromHeight: number; readonly nonce: number };

export type StateReply<Tx> = {
  readonly type: 'state-reply';
  readonly snapshot: { readonly checkpoint: StableCheckpoint; readonly state: Canonical } | null;
  readonly blocks: readonly CommittedBlock<Tx>[];
};

export type RequestMessage<Tx> = { readonly type: 'request'; readonly tx: Tx };

/**
 * Asks for the new-view message of `view` or of a later view: any replica
 * that has entered such a view answers with its own (the answer is
 * self-verifying, so it need not come from the primary).
 */
export type NewViewRequest = { readonly type: 'new-view-request'; readonly view: number };

/** A pre-prepare travels with its block; the signature covers the digest. */
export type PrePrepareMessage<Tx> = { readonly type: 'pre-prepare-block'; readonly prePrepare: PrePrepare; readonly block: Block<Tx> };

export type Message<Tx> =
  | PrePrepareMessage<Tx>
  | Prepare
  | Commit
  | Checkpoint
  | Complaint
  | Heartbeat
  | ViewChange<Tx>
  | NewView<Tx>
  | FetchState
  | StateReply<Tx>
  | RequestMessage<Tx>
  | NewViewRequest;

/**
 * The rules that make PBFT safe, as replaceable functions. Honest replicas use
 * `HONEST_RULES`; tests build deliberately broken replicas by replacing one
 * rule, to show that the simulator's checkers catch the violation.
 */
export type ConsensusRules = {
  /** Votes needed for a quorum among n = 3f+1: 2f+1. */
  quorum(f: number): number;
  /** Whether a prepare (or a certificate's prepare) supports the pre-prepare. */
  prepareMatches(prePrepare: PrePrepare, prepare: Prepare): boolean;
  /** Whether a backup recomputes a new view's pre-prepares from the view changes' prepared certificates. */
  checkNewViewCertificates: boolean;
};

export type ReplicaContext<Tx, AppState> = {
  readonly config: ConsensusConfig;
  readonly id: ReplicaId;
  readonly scheme: SignatureScheme;
  readonly secretKey: Uint8Array;
  readonly app: ConsensusApp<Tx, AppState>;
  readonly rules: ConsensusRules;
};
