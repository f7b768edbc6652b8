// The PBFT replica core (Castro & Liskov), sans-I/O. `step(ctx, state, event)`
// handles one event: it mutates the replica's own state and returns effects
// (messages, timers, commits) that a shell — the simulator or a process —
// carries out after persisting the state. No clock, no randomness, no I/O.
import { assert, deleteOldest } from '@wedge/common';
import type { Canonical } from '@wedge/crypto';
import {
  blockDigest,
  signMessage,
  verifyCheckpointProof,
  verifyCommitCertificate,
  verifyMessage,
  verifyPreparedCertificate,
  type Signer,
  type Verifier,
} from './messages.ts';
import { RECENTLY_EXECUTED_LIMIT, recentBlocksFrom } from './restore.ts';
import { faultsTolerated, primaryOf } from './rules.ts';
import type { ReplicaState, Slot } from './state.ts';
import type {
  Block,
  Checkpoint,
  Commit,
  CommittedBlock,
  Complaint,
  ConsensusEffect,
  ConsensusEvent,
  FetchState,
  Message,
  NewView,
  PrePrepare,
  PrePrepareMessage,
  Prepare,
  PreparedCertificate,
  ReplicaContext,
  ReplicaId,
  StableCheckpoint,
  StateReply,
  TimerName,
  ViewChange,
} from './types.ts';

/** Views ahead of the current one for which messages are buffered. */
const FUTURE_VIEWS_BUFFERED = 2;
const MAX_VIEW_JUMP = 1_000;
/** Most pending requests a backup resends to a primary that seems not to have them. */
const FORWARD_LIMIT = 64;

export type StepResult<Tx, AppState> = { state: ReplicaState<Tx, AppState>; effects: ConsensusEffect<Tx>[] };

export function createReplicaState<Tx, AppState>(ctx: ReplicaContext<Tx, AppState>, genesisApp: AppState): ReplicaState<Tx, AppState> {
  validateConfig(ctx);
  return {
    view: 0,
    status: 'normal',
    app: genesisApp,
    executed: 0,
    stable: { seq: 0, root: ctx.app.stateRoot(genesisApp), proof: [] },
    stableSnapshot: ctx.app.encodeState(genesisApp),
    ownCheckpoints: new Map(),
    checkpointVotes: new Map(),
    slots: new Map(),
    preparedCertificates: new Map(),
    readyToExecute: new Map(),
    recentBlocks: new Map(),
    pending: new Map(),
    proposed: new Set(),
    nextSeq: 1,
    recentlyExecuted: new Set(),
    viewChanges: new Map(),
    complaints: new Map(),
    newView: null,
    newViewRequested: new Set(),
    viewChangeAttempts: 0,
    progressStrikes: 0,
    progressWatch: { txHash: null, executed: 0 },
    timers: { progress: 0, 'view-change': 0, idle: 0, fetch: 0 },
    tokenCounter: 0,
    fetching: false,
    fetchNonce: 0,
    catchUpTarget: 0,
  };
}

function validateConfig(ctx: ReplicaContext<unknown, unknown>): void {
  const { config } = ctx;
  assert(config.replicas.length >= 4, 'PBFT needs at least 4 replicas');
  config.replicas.forEach((replica, index) => assert(replica.id === index, 'replica ids must be 0..n-1 in order'));
  assert(ctx.id >= 0 && ctx.id < config.replicas.length, 'replica id out of range');
  assert(config.checkpointBlocks >= 1, 'checkpointBlocks must be >= 1');
  assert(config.watermarkBlocks >= 2 * config.checkpointBlocks, 'watermarkBlocks must be >= 2 * checkpointBlocks');
  assert(config.pipelineBlocks >= 1 && config.pipelineBlocks <= config.watermarkBlocks, 'pipelineBlocks out of range');
  assert(config.maxBlockTxs >= 1, 'maxBlockTxs must be >= 1');
  assert(config.progressTimeoutMs > config.idleBlockMs, 'progressTimeoutMs must exceed idleBlockMs');
}

/** Handles one event. Mutates `state` (owned by the core) and returns the effects to carry out. */
export function step<Tx, AppState>(
  ctx: ReplicaContext<Tx, AppState>,
  state: ReplicaState<Tx, AppState>,
  event: ConsensusEvent<Tx>,
): StepResult<Tx, AppState> {
  const replica = new Replica(ctx, state);
  replica.handle(event);
  return { state, effects: replica.effects };
}

class Replica<Tx, AppState> {
  readonly effects: ConsensusEffect<Tx>[] = [];
  private readonly f: number;
  private readonly n: number;
  private readonly quorum: number;
  private readonly signer: Signer;
  private readonly verifier: Verifier;

  constructor(
    private readonly ctx: ReplicaContext<Tx, AppState>,
    private readonly s: ReplicaState<Tx, AppState>,
  ) {
    this.n = ctx.config.replicas.length;
    this.f = faultsTolerated(ctx.config);
    this.quorum = ctx.rules.quorum(this.f);
    this.signer = { chainId: ctx.config.chainId, scheme: ctx.scheme, secretKey: ctx.secretKey, app: ctx.app };
    this.verifier = { config: ctx.config, scheme: ctx.scheme, app: ctx.app, rules: ctx.rules };
  }

  handle(event: ConsensusEvent<Tx>): void {
    switch (event.type) {
      case 'start':
        return this.onStart();
      case 'request':
        return this.onRequest(event.tx, true);
      case 'timeout':
        if (this.s.timers[event.timer] !== event.token) return; // stale timer
        this.s.timers[event.timer] = 0;
        // A new-view request is sent once per view until some timer fires:
        // the first may have reached a replica that had no answer yet.
        this.s.newViewRequested.clear();
        return this.onTimeout(event.timer);
      case 'message':
        return this.onMessage(event.from, event.message);
    }
  }

  // ---------------------------------------------------------------- helpers

  private get isPrimary(): boolean {
    return primaryOf(this.ctx.config, this.s.view) === this.ctx.id;
  }

  private get lowWatermark(): number {
    return this.s.stable.seq;
  }

  private get highWatermark(): number {
    return this.s.stable.seq + this.ctx.config.watermarkBlocks;
  }

  private inWatermarks(seq: number): boolean {
    return Number.isInteger(seq) && seq > this.lowWatermark && seq <= this.highWatermark;
  }

  private broadcast(message: Message<Tx>): void {
    this.effects.push({ type: 'broadcast', message });
  }

  private send(to: ReplicaId, message: Message<Tx>): void {
    if (to !== this.ctx.id) this.effects.push({ type: 'send', to, message });
  }

  private setTimer(timer: TimerName, afterMs: number): void {
    const token = ++this.s.tokenCounter;
    this.s.timers[timer] = token;
    this.effects.push({ type: 'set-timer', timer, afterMs, token });
  }

  private clearTimer(timer: TimerName): void {
    if (this.s.timers[timer] === 0) return;
    this.s.timers[timer] = 0;
    this.effects.push({ type: 'clear-timer', timer });
  }

  private slot(view: number, seq: number): Slot<Tx> {
    const key = `${view}:${seq}`;
    let slot = this.s.slots.get(key);
    if (slot === undefined) {
      slot = {
        view,
        seq,
        prePrepare: null,
        block: null,
        prepares: new Map(),
        commits: new Map(),
        sentPrepare: false,
        prepared: false,
        committed: false,
      };
      this.s.slots.set(key, slot);
    }
    return slot;
  }

  private digestOf(block: Block<Tx>): string {
    return blockDigest(this.ctx.config.chainId, block, this.ctx.app);
  }

  /** Whether a vote for `view` should be stored now: the current view or a few ahead. */
  private acceptsView(view: number): boolean {
    return Number.isInteger(view) && view >= this.s.view && view <= this.s.view + FUTURE_VIEWS_BUFFERED;
  }

  /** Whether `tx` is executed, or can never execute, in our state: its sender's nonce has moved past it. */
  private isSpent(tx: Tx): boolean {
    return this.ctx.app.isStale?.(this.s.app, tx) ?? false;
  }

  private hasWork(): boolean {
    return this.s.pending.size > 0 || this.s.readyToExecute.size > 0 || this.ctx.app.needsIdleBlocks(this.s.app);
  }

  // ------------------------------------------------------------------ events

  private onStart(): void {
    // After a restart timers and in-flight messages are gone: re-arm what the
    // state calls for and ask peers what we missed.
    for (const timer of Object.keys(this.s.timers) as TimerName[]) this.s.timers[timer] = 0;
    this.s.fetching = false;
    this.s.newViewRequested.clear();
    if (this.s.status === 'view-change') {
      const own = this.s.viewChanges.get(this.s.view)?.get(this.ctx.id);
      if (own !== undefined) this.broadcast(own);
      this.setTimer('view-change', this.viewChangeTimeout());
    } else if (this.s.newView !== null && this.isPrimary) {
      this.broadcast(this.s.newView);
    }
    // The others may have changed views while we were down, and a view
    // change leaves no trace in the blocks when nothing committed since:
    // ask every peer for a new view later than the one we know.
    this.broadcast({ type: 'new-view-request', view: this.s.status === 'normal' ? this.s.view + 1 : this.s.view });
    this.startFetch();
    this.armProgressTimer();
    this.armIdleTimer();
  }

  private onTimeout(timer: TimerName): void {
    switch (timer) {
      case 'progress':
        return this.onProgressTimeout();
      case 'view-change':
        if (this.s.status === 'view-change') this.onViewChangeTimeout();
        return;
      case 'idle':
        return this.onIdleTimeout();
      case 'fetch':
        this.s.fetching = false;
        // While changing views we cannot vote, but others may still commit in
        // the view we left (say, we alone were cut off): follow their
        // certified blocks until a new view starts.
        if (this.s.catchUpTarget > this.s.executed || this.s.readyToExecute.size > 0 || this.s.status === 'view-change') {
          this.startFetch();
        }
        return;
    }
  }

  private onMessage(from: ReplicaId, message: Message<Tx>): void {
    switch (message.type) {
      case 'request':
        return this.onRequest(message.tx, false);
      case 'pre-prepare-block':
        return this.onPrePrepare(message);
      case 'prepare':
        return this.onPrepare(message);
      case 'commit':
        return this.onCommit(message);
      case 'checkpoint':
        return this.onCheckpoint(message, true);
      case 'complaint':
        return this.onComplaint(message);
      case 'view-change':
        return this.onViewChange(message);
      case 'new-view':
        return this.onNewView(message);
      case 'fetch-state':
        return this.onFetchState(message);
      case 'state-reply':
        return this.onStateReply(from, message);
      case 'new-view-request':
        // Any replica that entered the view (or a later one) can answer: a
        // new-view message proves itself, whoever relays it.
        if (this.s.status === 'normal' && this.s.newView !== null && Number.isInteger(message.view) && this.s.newView.view >= message.view) {
          this.send(from, this.s.newView);
        }
        return;
    }
  }

  // ---------------------------------------------------------------- requests

  private onRequest(tx: Tx, fromClient: boolean): void {
    const hash = this.ctx.app.txHash(tx);
    if (this.s.pending.has(hash) || this.s.recentlyExecuted.has(hash)) return;
    // Executed already — perhaps in blocks we skipped by state transfer, which
    // left no trace in recentlyExecuted — or superseded: it would wait forever.
    if (this.isSpent(tx)) return;
    const code = this.ctx.app.checkTx(tx);
    if (code !== null) {
      this.effects.push({ type: 'request-rejected', hash, code });
      return;
    }
    if (this.s.pending.size >= this.ctx.config.maxPendingTxs) {
      this.effects.push({ type: 'request-rejected', hash, code: 'MEMPOOL_FULL' });
      return;
    }
    this.s.pending.set(hash, tx);
    // A client talks to one replica; every replica must know the request so
    // that a silent primary is noticed and a new primary can propose it.
    if (fromClient) this.broadcast({ type: 'request', tx });
    this.propose();
    this.armProgressTimer();
  }

  /** The primary proposes blocks while it has requests and room in its pipeline and watermarks. */
  private propose(): void {
    if (this.s.status !== 'normal' || !this.isPrimary) return;
    while (this.s.nextSeq - 1 - this.s.executed < this.ctx.config.pipelineBlocks && this.s.nextSeq <= this.highWatermark) {
      const txs = this.selectBatch();
      if (txs.length === 0) return;
      this.proposeBlock(txs);
    }
  }

  private selectBatch(): Tx[] {
    const { txSequence, nextNonce } = this.ctx.app;
    if (txSequence === undefined || nextNonce === undefined) {
      const batch: Tx[] = [];
      for (const [hash, tx] of this.s.pending) {
        if (batch.length >= this.ctx.config.maxBlockTxs) break;
        if (!this.s.proposed.has(hash)) batch.push(tx);
      }
      return batch;
    }
    // Per sender: the next nonce after what is executed and already proposed.
    const expected = new Map<string, number>();
    for (const hash of this.s.proposed) {
      const tx = this.s.pending.get(hash);
      if (tx === undefined) continue;
      const { sender, nonce } = txSequence(tx);
      expected.set(sender, Math.max(expected.get(sender) ?? nextNonce(this.s.app, sender), nonce + 1));
    }
    // Oldest request first, so that a backlog drains in arrival order and no
    // sender waits behind another (the progress watch of every backup times
    // the oldest request). A sender's later nonce that arrived first waits for
    // the next block.
    const batch: Tx[] = [];
    for (const [hash, tx] of this.s.pending) {
      if (batch.length >= this.ctx.config.maxBlockTxs) break;
      if (this.s.proposed.has(hash)) continue;
      const { sender, nonce } = txSequence(tx);
      const next = expected.get(sender) ?? nextNonce(this.s.app, sender);
      if (nonce === next) {
        expected.set(sender, next + 1);
        batch.push(tx);
      } else if (this.isSpent(tx)) {
        this.s.pending.delete(hash); // executed or superseded: it can never execute
      }
      // Otherwise it waits: for a gap to fill, or (same nonce as one proposed) to be spent.
    }
    return batch;
  }

  /** Whether `tx` could execute now (no earlier nonce of its sender is missing). */
  private isReady(tx: Tx): boolean {
    const { txSequence, nextNonce } = this.ctx.app;
    if (txSequence === undefined || nextNonce === undefined) return true;
    const { sender, nonce } = txSequence(tx);
    return nonce <= nextNonce(this.s.app, sender);
  }

  private proposeBlock(txs: readonly Tx[]): void {
    const seq = this.s.nextSeq++;
    const block: Block<Tx> = { height: seq, txs };
    for (const tx of txs) this.s.proposed.add(this.ctx.app.txHash(tx));
    const prePrepare = signMessage<PrePrepare>(this.signer, {
      type: 'pre-prepare',
      view: this.s.view,
      seq,
      digest: this.digestOf(block),
      replica: this.ctx.id,
    });
    const slot = this.slot(this.s.view, seq);
    slot.prePrepare = prePrepare;
    slot.block = block;
    this.clearTimer('idle');
    this.broadcast({ type: 'pre-prepare-block', prePrepare, block });
  }

  private armIdleTimer(): void {
    if (this.s.status !== 'normal' || !this.isPrimary || this.s.timers.idle !== 0) return;
    if (!this.ctx.app.needsIdleBlocks(this.s.app)) return;
    this.setTimer('idle', this.ctx.config.idleBlockMs);
  }

  private onIdleTimeout(): void {
    if (this.s.status !== 'normal' || !this.isPrimary) return;
    const inFlight = this.s.nextSeq - 1 - this.s.executed;
    if (this.ctx.app.needsIdleBlocks(this.s.app) && inFlight === 0 && this.s.nextSeq <= this.highWatermark) {
      this.proposeBlock(this.selectBatch());
    }
    this.armIdleTimer();
  }

  // ------------------------------------------------------------- normal case

  private onPrePrepare(message: PrePrepareMessage<Tx>): void {
    const { prePrepare, block } = message;
    this.noticeAhead(prePrepare.view, prePrepare.seq, prePrepare.replica);
    if (!this.acceptsView(prePrepare.view) || !this.inWatermarks(prePrepare.seq)) return;
    if (prePrepare.replica !== primaryOf(this.ctx.config, prePrepare.view) || prePrepare.replica === this.ctx.id) return;
    const slot = this.slot(prePrepare.view, prePrepare.seq);
    if (slot.prePrepare !== null) return; // first pre-prepare wins; a second one is equivocation
    if (!this.isValidProposal(prePrepare, block)) return;
    slot.prePrepare = prePrepare;
    slot.block = block;
    if (prePrepare.view === this.s.view && this.s.status === 'normal') this.acceptProposal(slot);
  }

  /** Checks a proposal's shape, digest, signature, and every transaction's own signatures. */
  private isValidProposal(prePrepare: PrePrepare, block: Block<Tx>): boolean {
    if (block.height !== prePrepare.seq || !Array.isArray(block.txs) || block.txs.length > this.ctx.config.maxBlockTxs) return false;
    if (this.digestOf(block) !== prePrepare.digest || !verifyMessage(this.verifier, prePrepare)) return false;
    const seen = new Set<string>();
    for (const tx of block.txs) {
      const hash = this.ctx.app.txHash(tx);
      if (seen.has(hash)) return false;
      seen.add(hash);
      if (!this.s.pending.has(hash) && !this.s.recentlyExecuted.has(hash) && this.ctx.app.checkTx(tx) !== null) return false;
    }
    return true;
  }

  /** A backup accepts a proposal of the current view: it learns its requests and sends a prepare. */
  private acceptProposal(slot: Slot<Tx>): void {
    assert(slot.prePrepare !== null && slot.block !== null, 'acceptProposal needs a pre-prepare');
    // Its requests become ours to watch — unless the block is executed
    // already (a new view re-proposes blocks below our height).
    if (slot.seq > this.s.executed) {
      for (const tx of slot.block.txs) {
        const hash = this.ctx.app.txHash(tx);
        if (this.s.recentlyExecuted.has(hash) || this.s.pending.has(hash) || this.s.pending.size >= this.ctx.config.maxPendingTxs) continue;
        if (!this.isSpent(tx)) this.s.pending.set(hash, tx);
      }
    }
    if (!slot.sentPrepare && slot.prePrepare.replica !== this.ctx.id) {
      slot.sentPrepare = true;
      const prepare = signMessage<Prepare>(this.signer, {
        type: 'prepare',
        view: slot.view,
        seq: slot.seq,
        digest: slot.prePrepare.digest,
        replica: this.ctx.id,
      });
      slot.prepares.set(this.ctx.id, prepare);
      this.broadcast(prepare);
    }
    this.armProgressTimer();
    this.checkPrepared(slot);
  }

  private onPrepare(prepare: Prepare): void {
    this.noticeAhead(prepare.view, prepare.seq, prepare.replica);
    if (!this.acceptsView(prepare.view) || !this.inWatermarks(prepare.seq)) return;
    if (prepare.replica === primaryOf(this.ctx.config, prepare.view)) return; // the primary's vote is its pre-prepare
    const slot = this.slot(prepare.view, prepare.seq);
    if (slot.prepares.has(prepare.replica) || !verifyMessage(this.verifier, prepare)) return;
    slot.prepares.set(prepare.replica, prepare);
    this.checkPrepared(slot);
  }

  private checkPrepared(slot: Slot<Tx>): void {
    if (slot.prepared || slot.prePrepare === null || slot.block === null) return;
    if (slot.view !== this.s.view || this.s.status !== 'normal') return;
    const prePrepare = slot.prePrepare;
    const supporting = [...slot.prepares.values()].filter((prepare) => this.ctx.rules.prepareMatches(prePrepare, prepare));
    if (supporting.length < this.quorum - 1) return;
    slot.prepared = true;
    this.s.preparedCertificates.set(slot.seq, {
      prePrepare,
      block: slot.block,
      prepares: supporting.slice(0, this.quorum - 1),
    });
    const commit = signMessage<Commit>(this.signer, {
      type: 'commit',
      view: slot.view,
      seq: slot.seq,
      digest: prePrepare.digest,
      replica: this.ctx.id,
    });
    slot.commits.set(this.ctx.id, commit);
    this.broadcast(commit);
    this.checkCommitted(slot);
  }

  private onCommit(commit: Commit): void {
    this.noticeAhead(commit.view, commit.seq, commit.replica);
    if (!this.acceptsView(commit.view) || !this.inWatermarks(commit.seq)) return;
    const slot = this.slot(commit.view, commit.seq);
    if (slot.commits.has(commit.replica) || !verifyMessage(this.verifier, commit)) return;
    slot.commits.set(commit.replica, commit);
    this.checkCommitted(slot);
  }

  private checkCommitted(slot: Slot<Tx>): void {
    if (slot.committed || !slot.prepared || slot.prePrepare === null || slot.block === null) return;
    const digest = slot.prePrepare.digest;
    const matching = [...slot.commits.values()].filter((commit) => commit.digest === digest);
    if (matching.length < this.quorum) return;
    slot.committed = true;
    if (slot.seq <= this.s.executed) return; // executed already, e.g. re-proposed in a new view
    this.s.readyToExecute.set(slot.seq, {
      block: slot.block,
      certificate: {
        view: slot.view,
        height: slot.seq,
        digest,
        signatures: matching.slice(0, this.quorum).map(({ replica, signature }) => ({ replica, signature })),
      },
    });
    this.executeReady();
  }

  /** Executes committed blocks in height order; asks peers for blocks when there is a gap. */
  private executeReady(): void {
    let progressed = false;
    for (;;) {
      const next = this.s.readyToExecute.get(this.s.executed + 1);
      if (next === undefined) break;
      this.s.readyToExecute.delete(next.block.height);
      this.execute(next);
      progressed = true;
    }
    for (const height of this.s.readyToExecute.keys()) if (height <= this.s.executed) this.s.readyToExecute.delete(height);
    if (this.s.readyToExecute.size > 0) {
      this.s.catchUpTarget = Math.max(this.s.catchUpTarget, ...this.s.readyToExecute.keys());
      this.startFetch();
    }
    if (progressed) this.onProgress();
  }

  private execute(committed: CommittedBlock<Tx>): void {
    const { block, certificate } = committed;
    assert(block.height === this.s.executed + 1, 'blocks execute in height order');
    const results = this.ctx.app.execute(this.s.app, block.height, block.txs);
    this.s.executed = block.height;
    for (const tx of block.txs) {
      const hash = this.ctx.app.txHash(tx);
      this.s.pending.delete(hash);
      this.s.proposed.delete(hash);
      this.rememberExecuted(hash);
    }
    this.s.recentBlocks.set(block.height, committed);
    this.effects.push({ type: 'committed', block, certificate, results });
    if (block.height % this.ctx.config.checkpointBlocks === 0) this.takeCheckpoint(block.height);
  }

  private rememberExecuted(hash: string): void {
    this.s.recentlyExecuted.add(hash);
    if (this.s.recentlyExecuted.size > RECENTLY_EXECUTED_LIMIT) deleteOldest(this.s.recentlyExecuted);
  }

  private onProgress(): void {
    if (this.s.nextSeq <= this.s.executed) this.s.nextSeq = this.s.executed + 1;
    this.armProgressTimer();
    this.propose();
    this.armIdleTimer();
  }

  private armProgressTimer(): void {
    if (this.s.status !== 'normal' || this.s.timers.progress !== 0 || !this.hasWork()) return;
    let watched: string | null = null;
    for (const [hash, tx] of this.s.pending) {
      if (this.isSpent(tx)) {
        this.s.pending.delete(hash); // never to execute: not worth suspecting a primary over
        continue;
      }
      if (this.isReady(tx)) {
        watched = hash;
        break;
      }
    }
    if (!this.hasWork()) return;
    this.s.progressWatch = { txHash: watched, executed: this.s.executed };
    this.setTimer('progress', this.ctx.config.progressTimeoutMs);
  }

  /**
   * The watched work did not advance in time. Every strike asks peers for
   * committed blocks (we may simply be behind) and resends our requests to
   * the primary; from the second on we complain about the view, and keep
   * taking part in it until f+1 replicas have complained (complain()).
   */
  private onProgressTimeout(): void {
    if (this.s.status !== 'normal') return;
    const watch = this.s.progressWatch;
    const stalled = watch.txHash !== null ? this.s.pending.has(watch.txHash) : this.s.executed === watch.executed && this.hasWork();
    if (!stalled) {
      this.s.progressStrikes = 0;
      this.armProgressTimer();
      return;
    }
    this.s.progressStrikes += 1;
    this.startFetch();
    this.forwardPendingToPrimary();
    if (this.s.progressStrikes >= 2) this.complain(this.s.view);
    // complain() may have moved us into a view change, which stops the watch.
    if (this.s.status === 'normal') this.setTimer('progress', this.ctx.config.progressTimeoutMs);
  }

  /** Our requests may never have reached the primary (lost messages): resend a bounded number. */
  private forwardPendingToPrimary(): void {
    if (this.isPrimary) return;
    const primary = primaryOf(this.ctx.config, this.s.view);
    let sent = 0;
    for (const tx of this.s.pending.values()) {
      if (sent++ >= FORWARD_LIMIT) break;
      this.send(primary, { type: 'request', tx });
    }
  }

  /** A message from `sender` in a view or at a height ahead of ours: we may have missed a new view or blocks. */
  private noticeAhead(view: number, seq: number, sender: ReplicaId): void {
    if (!Number.isInteger(view) || !Number.isInteger(seq)) return;
    if (seq > this.highWatermark && seq <= this.s.executed + 100 * this.ctx.config.watermarkBlocks) {
      this.s.catchUpTarget = Math.max(this.s.catchUpTarget, seq - 1);
      this.startFetch();
    }
    this.noticeView(view, sender);
  }

  /**
   * `sender` is in `view` (it voted there, or a block committed there): when
   * we have not entered that view, ask it and the view's primary for the
   * new-view message that started it.
   */
  private noticeView(view: number, sender: ReplicaId): void {
    const waitingForView = view > this.s.view || (view === this.s.view && this.s.status === 'view-change');
    if (!waitingForView || view <= 0 || view > this.s.view + MAX_VIEW_JUMP || this.s.newViewRequested.has(view)) return;
    this.s.newViewRequested.add(view);
    const primary = primaryOf(this.ctx.config, view);
    this.send(primary, { type: 'new-view-request', view });
    if (Number.isInteger(sender) && sender !== primary && sender >= 0 && sender < this.n) this.send(sender, { type: 'new-view-request', view });
  }

  // ------------------------------------------------------------- checkpoints

  private takeCheckpoint(seq: number): void {
    const root = this.ctx.app.stateRoot(this.s.app);
    this.s.ownCheckpoints.set(seq, { root, state: this.ctx.app.clone(this.s.app) });
    const checkpoint = signMessage<Checkpoint>(this.signer, { type: 'checkpoint', seq, root, replica: this.ctx.id });
    this.broadcast(checkpoint);
    this.onCheckpoint(checkpoint, false);
    this.prunePending();
  }

  private onCheckpoint(checkpoint: Checkpoint, verify: boolean): void {
    const { seq } = checkpoint;
    if (!Number.isInteger(seq) || seq <= this.s.stable.seq || seq % this.ctx.config.checkpointBlocks !== 0) return;
    // Far-future checkpoints only tell us we are behind; store a bounded window.
    if (seq > this.highWatermark + this.ctx.config.watermarkBlocks) {
      if (verify && verifyMessage(this.verifier, checkpoint)) this.behindTo(seq);
      return;
    }
    let votes = this.s.checkpointVotes.get(seq);
    if (votes === undefined) {
      votes = new Map();
      this.s.checkpointVotes.set(seq, votes);
    }
    if (votes.has(checkpoint.replica)) return;
    if (verify && !verifyMessage(this.verifier, checkpoint)) return;
    votes.set(checkpoint.replica, checkpoint);
    this.tryStabilize(seq);
  }

  private tryStabilize(seq: number): void {
    const votes = this.s.checkpointVotes.get(seq);
    if (votes === undefined || seq <= this.s.stable.seq) return;
    const byRoot = new Map<string, Checkpoint[]>();
    for (const vote of votes.values()) byRoot.set(vote.root, [...(byRoot.get(vote.root) ?? []), vote]);
    for (const [root, proof] of byRoot) {
      if (proof.length < this.quorum) continue;
      const own = this.s.ownCheckpoints.get(seq);
      if (own === undefined) {
        this.behindTo(seq); // a quorum is ahead of us: catch up, then stabilize
        return;
      }
      // 2f+1 replicas, at least f+1 honest, computed this root from the same
      // committed log; a different local root means our execution diverged.
      assert(own.root === root, `state diverged at checkpoint ${seq}: local ${own.root}, quorum ${root}`);
      this.makeStable({ seq, root, proof: proof.slice(0, this.quorum) }, this.ctx.app.encodeState(own.state));
      return;
    }
  }

  private behindTo(seq: number): void {
    this.s.catchUpTarget = Math.max(this.s.catchUpTarget, seq);
    if (seq > this.s.executed) this.startFetch();
  }

  private makeStable(checkpoint: StableCheckpoint, snapshot: Canonical): void {
    const { seq } = checkpoint;
    this.s.stable = checkpoint;
    this.s.stableSnapshot = snapshot;
    for (const [key, slot] of this.s.slots) if (slot.seq <= seq) this.s.slots.delete(key);
    for (const key of this.s.preparedCertificates.keys()) if (key <= seq) this.s.preparedCertificates.delete(key);
    for (const key of this.s.checkpointVotes.keys()) if (key <= seq) this.s.checkpointVotes.delete(key);
    for (const key of this.s.ownCheckpoints.keys()) if (key <= seq) this.s.ownCheckpoints.delete(key);
    for (const key of this.s.readyToExecute.keys()) if (key <= seq) this.s.readyToExecute.delete(key);
    // Keep one checkpoint interval of blocks below the stable checkpoint for peers slightly behind.
    const keepFrom = recentBlocksFrom(this.ctx.config, seq);
    for (const key of this.s.recentBlocks.keys()) if (key < keepFrom) this.s.recentBlocks.delete(key);
    this.effects.push({ type: 'checkpoint-stable', checkpoint });
    this.propose();
  }

  /** Drops pending requests the application says can never execute successfully (e.g. spent nonces). */
  private prunePending(): void {
    const isStale = this.ctx.app.isStale;
    if (isStale === undefined) return;
    for (const [hash, tx] of this.s.pending) {
      if (!this.s.proposed.has(hash) && isStale(this.s.app, tx)) this.s.pending.delete(hash);
    }
  }

  // ---------------------------------------------------------- state transfer

  private startFetch(): void {
    if (this.s.fetching) return;
    this.s.fetching = true;
    this.s.fetchNonce += 1;
    const request = signMessage<FetchState>(this.signer, {
      type: 'fetch-state',
      fromHeight: this.s.executed + 1,
      nonce: this.s.fetchNonce,
      replica: this.ctx.id,
    });
    this.broadcast(request);
    this.setTimer('fetch', this.ctx.config.fetchRetryMs);
  }

  private onFetchState(request: FetchState): void {
    if (!Number.isInteger(request.fromHeight) || request.fromHeight < 1 || request.fromHeight > this.s.executed) return;
    if (request.replica === this.ctx.id || !verifyMessage(this.verifier, request)) return;
    const snapshotNeeded = !this.s.recentBlocks.has(request.fromHeight);
    const snapshot = snapshotNeeded ? { checkpoint: this.s.stable, state: this.s.stableSnapshot } : null;
    const from = snapshotNeeded ? this.s.stable.seq + 1 : request.fromHeight;
    const blocks: CommittedBlock<Tx>[] = [];
    for (let height = from; height <= this.s.executed && blocks.length < this.ctx.config.maxFetchBlocks; height++) {
      const block = this.s.recentBlocks.get(height);
      if (block === undefined) break;
      blocks.push(block);
    }
    if (snapshot === null && blocks.length === 0) return;
    if (snapshot !== null && snapshot.checkpoint.seq < request.fromHeight && blocks.length === 0) return;
    const reply: StateReply<Tx> = { type: 'state-reply', snapshot, blocks };
    this.send(request.replica, reply);
  }

  private onStateReply(from: ReplicaId, reply: StateReply<Tx>): void {
    const before = this.s.executed;
    if (reply.snapshot !== null && reply.snapshot.checkpoint.seq > this.s.executed) this.installSnapshot(reply.snapshot);
    if (Array.isArray(reply.blocks)) this.executeFetchedBlocks(from, reply.blocks);
    // Still short of what peers have shown us: ask again now rather than at the retry.
    if (this.s.executed > before && this.s.catchUpTarget > this.s.executed) {
      this.s.fetching = false;
      this.clearTimer('fetch');
      this.startFetch();
    }
  }

  private executeFetchedBlocks(from: ReplicaId, blocks: readonly CommittedBlock<Tx>[]): void {
    let executedAny = false;
    let lastView = -1;
    for (const committed of blocks.slice(0, this.ctx.config.maxFetchBlocks)) {
      if (committed.block.height <= this.s.executed) continue;
      if (committed.block.height !== this.s.executed + 1 || !this.isValidCommittedBlock(committed)) break;
      this.execute(committed);
      executedAny = true;
      lastView = committed.certificate.view;
    }
    // A quorum committed in that view: if we are not in it, it started without us.
    if (lastView >= 0) this.noticeView(lastView, from);
    if (executedAny) {
      this.s.fetching = false;
      this.clearTimer('fetch');
      this.executeReady();
      for (const seq of [...this.s.checkpointVotes.keys()].sort((a, b) => a - b)) this.tryStabilize(seq);
      this.onProgress();
    }
  }

  private isValidCommittedBlock(committed: CommittedBlock<Tx>): boolean {
    const { block, certificate } = committed;
    if (certificate.height !== block.height || this.digestOf(block) !== certificate.digest) return false;
    if (block.txs.length > this.ctx.config.maxBlockTxs) return false;
    if (!verifyCommitCertificate(this.verifier, certificate, this.f)) return false;
    // A certified block's transactions were checked by honest replicas before they voted.
    return true;
  }

  private installSnapshot(snapshot: NonNullable<StateReply<Tx>['snapshot']>): void {
    const { checkpoint } = snapshot;
    if (!verifyCheckpointProof(this.verifier, checkpoint.seq, checkpoint.root, checkpoint.proof, this.f)) return;
    let app: AppState;
    try {
      app = this.ctx.app.decodeState(snapshot.state);
    } catch {
      return;
    }
    if (this.ctx.app.stateRoot(app) !== checkpoint.root) return;
    this.s.app = app;
    this.s.executed = checkpoint.seq;
    this.s.proposed.clear();
    this.effects.push({ type: 'state-installed', seq: checkpoint.seq, root: checkpoint.root });
    this.makeStable(checkpoint, snapshot.state);
    this.prunePending();
    this.s.fetching = false;
    this.clearTimer('fetch');
    this.onProgress();
  }

  // ------------------------------------------------------------- view change

  private viewChangeTimeout(): number {
    return this.ctx.config.viewChangeTimeoutMs * 2 ** Math.min(this.s.viewChangeAttempts, 6);
  }

  /**
   * We give up on `view` (the current one): say so, signed, to everyone.
   * Alone this changes nothing — we keep taking part in the view, so one
   * replica that is slow, behind or cut off cannot leave a view that a
   * quorum keeps committing in and strand itself in a view nobody else
   * enters. f+1 complaints include an honest replica's: then every replica
   * that sees them moves on (checkComplaints).
   */
  private complain(view: number): void {
    let own = this.s.complaints.get(this.ctx.id);
    if (own === undefined || own.view < view) {
      own = signMessage<Complaint>(this.signer, { type: 'complaint', view, replica: this.ctx.id });
      this.s.complaints.set(this.ctx.id, own);
    }
    this.broadcast(own);
    this.checkComplaints();
  }

  private onComplaint(complaint: Complaint): void {
    const { view, replica } = complaint;
    if (!Number.isInteger(view) || view < this.s.view || view > this.s.view + MAX_VIEW_JUMP || replica === this.ctx.id) return;
    const known = this.s.complaints.get(replica);
    if (known !== undefined && known.view >= view) return;
    if (!verifyMessage(this.verifier, complaint)) return;
    this.s.complaints.set(replica, complaint);
    this.checkComplaints();
  }

  /**
   * When f+1 replicas have complained about our view or later ones, one of
   * them is honest and gave up on a view at least as high as the (f+1)-th
   * highest complaint: start the view change after it, and pass the
   * complaints on so that every other replica follows (they are signed, so
   * they prove themselves). Moving to any higher view is safe in PBFT; the
   * rule is there for liveness.
   */
  private checkComplaints(): void {
    const current = [...this.s.complaints.values()].filter((complaint) => complaint.view >= this.s.view);
    if (current.length < this.f + 1) return;
    const views = current.map((complaint) => complaint.view).sort((a, b) => b - a);
    const view = views[this.f]!;
    this.startViewChange(view + 1);
    for (const complaint of current) if (complaint.view >= view) this.broadcast(complaint);
  }

  /**
   * The new view did not start in time. Complain about it (f+1 complaints
   * move everyone to the next view), send again our view change and the
   * complaints that made us leave the view before (the first sending may
   * have been lost, and then the others never followed), and ask everyone
   * for the new-view message, in case the view did start and its message
   * passed us by — then we enter it.
   */
  private onViewChangeTimeout(): void {
    const own = this.s.viewChanges.get(this.s.view)?.get(this.ctx.id);
    const view = this.s.view;
    this.complain(view);
    if (this.s.view !== view || this.s.status !== 'view-change') return; // moved on
    if (own !== undefined) this.broadcast(own);
    for (const complaint of this.s.complaints.values()) if (complaint.replica !== this.ctx.id) this.broadcast(complaint);
    this.broadcast({ type: 'new-view-request', view });
    this.s.viewChangeAttempts += 1;
    this.setTimer('view-change', this.viewChangeTimeout());
  }

  private startViewChange(view: number): void {
    assert(view > this.s.view || (view === this.s.view && this.s.status === 'normal'), 'view changes move forward');
    this.s.view = view;
    this.s.status = 'view-change';
    this.s.newView = null;
    this.s.progressStrikes = 0;
    // Kept until the view starts: the complaints about the view we leave are
    // why we left, and are sent again while the new view is late.
    this.forgetComplaintsBelow(view - 1);
    this.clearTimer('progress');
    this.clearTimer('idle');
    const prepared = [...this.s.preparedCertificates.values()]
      .filter((certificate) => certificate.prePrepare.seq > this.s.stable.seq)
      .sort((a, b) => a.prePrepare.seq - b.prePrepare.seq);
    const viewChange = signMessage<ViewChange<Tx>>(this.signer, {
      type: 'view-change',
      view,
      stableSeq: this.s.stable.seq,
      stableRoot: this.s.stable.root,
      checkpointProof: this.s.stable.proof,
      prepared,
      replica: this.ctx.id,
    });
    this.storeViewChange(viewChange);
    this.broadcast(viewChange);
    this.startFetch();
    this.setTimer('view-change', this.viewChangeTimeout());
    this.s.viewChangeAttempts += 1;
    this.tryNewView(view);
  }

  private forgetComplaintsBelow(view: number): void {
    for (const [replica, complaint] of this.s.complaints) if (complaint.view < view) this.s.complaints.delete(replica);
  }

  private storeViewChange(viewChange: ViewChange<Tx>): void {
    // Keep only each replica's highest-view message: a replica that moved on
    // no longer backs the lower view, and the store stays bounded (n messages)
    // whatever a Byzantine replica sends.
    for (const [view, messages] of this.s.viewChanges) {
      const previous = messages.get(viewChange.replica);
      if (previous === undefined) continue;
      if (view > viewChange.view) return;
      if (view < viewChange.view) {
        messages.delete(viewChange.replica);
        if (messages.size === 0) this.s.viewChanges.delete(view);
      }
    }
    let byReplica = this.s.viewChanges.get(viewChange.view);
    if (byReplica === undefined) {
      byReplica = new Map();
      this.s.viewChanges.set(viewChange.view, byReplica);
    }
    byReplica.set(viewChange.replica, viewChange);
  }

  private isValidViewChange(viewChange: ViewChange<Tx>, checkCertificates: boolean): boolean {
    if (viewChange.type !== 'view-change' || !Number.isInteger(viewChange.stableSeq) || viewChange.stableSeq < 0) return false;
    if (!Array.isArray(viewChange.prepared) || viewChange.prepared.length > this.ctx.config.watermarkBlocks) return false;
    if (!verifyMessage(this.verifier, viewChange)) return false;
    if (!verifyCheckpointProof(this.verifier, viewChange.stableSeq, viewChange.stableRoot, viewChange.checkpointProof, this.f)) {
      return false;
    }
    if (!checkCertificates) return true;
    const limit = viewChange.stableSeq + this.ctx.config.watermarkBlocks;
    return viewChange.prepared.every(
      (certificate) =>
        certificate.prePrepare.seq > viewChange.stableSeq &&
        certificate.prePrepare.seq <= limit &&
        certificate.prePrepare.view < viewChange.view &&
        verifyPreparedCertificate(this.verifier, certificate, this.f),
    );
  }

  private onViewChange(viewChange: ViewChange<Tx>): void {
    if (!Number.isInteger(viewChange.view) || viewChange.view < this.s.view || viewChange.view > this.s.view + MAX_VIEW_JUMP) return;
    if (this.s.viewChanges.get(viewChange.view)?.has(viewChange.replica)) return;
    if (!this.isValidViewChange(viewChange, true)) return;
    this.storeViewChange(viewChange);
    this.joinLargerViews();
    this.tryNewView(viewChange.view);
  }

  /** f+1 replicas asking for views above ours include an honest one: join the smallest such view. */
  private joinLargerViews(): void {
    const latestByReplica = new Map<ReplicaId, number>();
    for (const [view, byReplica] of this.s.viewChanges) {
      const above = view > this.s.view;
      if (!above) continue;
      for (const replica of byReplica.keys()) {
        if (replica === this.ctx.id) continue;
        latestByReplica.set(replica, Math.min(latestByReplica.get(replica) ?? Infinity, view));
      }
    }
    if (latestByReplica.size < this.f + 1) return;
    // Any f+1 of them include an honest replica; the smallest view among them
    // is therefore never beyond what an honest replica asked for.
    const smallest = Math.min(...latestByReplica.values());
    if (smallest > this.s.view) this.startViewChange(smallest);
  }

  private tryNewView(view: number): void {
    if (primaryOf(this.ctx.config, view) !== this.ctx.id || this.s.view !== view || this.s.status !== 'view-change') return;
    const byReplica = this.s.viewChanges.get(view);
    if (byReplica === undefined || byReplica.size < this.quorum || !byReplica.has(this.ctx.id)) return;
    const own = byReplica.get(this.ctx.id)!;
    const others = [...byReplica.values()].filter((viewChange) => viewChange.replica !== this.ctx.id);
    const viewChanges = [own, ...others.slice(0, this.quorum - 1)];
    const plan = planNewView(this.ctx, viewChanges);
    const prePrepares = plan.entries.map(({ seq, block }) => ({
      prePrepare: signMessage<PrePrepare>(this.signer, { type: 'pre-prepare', view, seq, digest: this.digestOf(block), replica: this.ctx.id }),
      block,
    }));
    const newView = signMessage<NewView<Tx>>(this.signer, { type: 'new-view', view, viewChanges, prePrepares, replica: this.ctx.id });
    this.broadcast(newView);
    this.enterView(newView, plan);
  }

  private onNewView(newView: NewView<Tx>): void {
    const { view } = newView;
    if (!Number.isInteger(view) || view < this.s.view || view > this.s.view + MAX_VIEW_JUMP) return;
    if (view === this.s.view && this.s.status === 'normal') return;
    if (newView.replica !== primaryOf(this.ctx.config, view) || newView.replica === this.ctx.id) return;
    const plan = this.validateNewView(newView);
    if (plan === null) return;
    this.s.view = view;
    this.enterView(newView, plan);
  }

  /** Returns the new view's plan when the message is valid, else null. */
  private validateNewView(newView: NewView<Tx>): NewViewPlan<Tx> | null {
    const { view, viewChanges, prePrepares } = newView;
    if (!Array.isArray(viewChanges) || !Array.isArray(prePrepares)) return null;
    if (viewChanges.length < this.quorum || viewChanges.length > this.n) return null;
    if (new Set(viewChanges.map((viewChange) => viewChange.replica)).size !== viewChanges.length) return null;
    if (prePrepares.length > this.ctx.config.watermarkBlocks) return null;
    if (!verifyMessage(this.verifier, newView)) return null;
    const checkCertificates = this.ctx.rules.checkNewViewCertificates;
    for (const viewChange of viewChanges) {
      if (viewChange.view !== view || !this.isValidViewChange(viewChange, checkCertificates)) return null;
    }
    for (const { prePrepare, block } of prePrepares) {
      if (prePrepare.view !== view || prePrepare.replica !== newView.replica) return null;
      if (block.height !== prePrepare.seq || this.digestOf(block) !== prePrepare.digest) return null;
    }
    const plan = planNewView(this.ctx, viewChanges);
    if (!checkCertificates) {
      // Deliberately broken rule (tests only): trust the primary's pre-prepares as sent.
      const entries = prePrepares.map(({ prePrepare, block }) => ({ seq: prePrepare.seq, block }));
      return { ...plan, entries, maxSeq: Math.max(plan.stable.seq, ...entries.map((entry) => entry.seq)) };
    }
    if (plan.entries.length !== prePrepares.length) return null;
    for (let index = 0; index < plan.entries.length; index++) {
      const expected = plan.entries[index]!;
      const actual = prePrepares[index]!;
      if (expected.seq !== actual.prePrepare.seq || this.digestOf(expected.block) !== actual.prePrepare.digest) return null;
    }
    return plan;
  }

  private enterView(newView: NewView<Tx>, plan: NewViewPlan<Tx>): void {
    const { view } = newView;
    this.s.status = 'normal';
    this.s.newView = newView;
    this.s.viewChangeAttempts = 0;
    this.s.progressStrikes = 0;
    this.clearTimer('view-change');
    for (const key of this.s.viewChanges.keys()) if (key <= view) this.s.viewChanges.delete(key);
    for (const [key, slot] of this.s.slots) if (slot.view < view) this.s.slots.delete(key);
    for (const key of this.s.newViewRequested) if (key <= view) this.s.newViewRequested.delete(key);
    this.forgetComplaintsBelow(view);
    this.effects.push({ type: 'view-entered', view });

    // The new view starts from the most recent stable checkpoint any view change proves.
    if (plan.stable.seq > this.s.executed) this.behindTo(plan.stable.seq);

    const ownPrimary = newView.replica === this.ctx.id;
    for (const { seq, block } of plan.entries) {
      const entry = newView.prePrepares.find((candidate) => candidate.prePrepare.seq === seq)!;
      const slot = this.slot(view, seq);
      slot.prePrepare = entry.prePrepare;
      slot.block = block;
    }
    if (ownPrimary) {
      this.s.nextSeq = Math.max(plan.maxSeq, this.s.executed) + 1;
      this.s.proposed.clear();
      for (const { seq, block } of plan.entries) {
        if (seq > this.s.executed) for (const tx of block.txs) this.s.proposed.add(this.ctx.app.txHash(tx));
      }
    }
    // Proposals of this view that arrived while we were still changing views.
    const slots = [...this.s.slots.values()].filter((slot) => slot.view === view).sort((a, b) => a.seq - b.seq);
    for (const slot of slots) {
      if (slot.prePrepare === null || slot.block === null) continue;
      if (slot.seq > plan.maxSeq && !this.isValidProposal(slot.prePrepare, slot.block)) continue;
      if (!ownPrimary) this.acceptProposal(slot);
      else this.checkPrepared(slot);
    }
    this.propose();
    this.armProgressTimer();
    this.armIdleTimer();
  }
}

export type NewViewPlan<Tx> = {
  /** The highest stable checkpoint among the view changes. */
  stable: { seq: number; root: string };
  maxSeq: number;
  entries: { seq: number; block: Block<Tx> }[];
};

/**
 * PBFT's new-view computation, shared by the new primary and every backup:
 * from min-s (the highest stable checkpoint in the view changes) to max-s (the
 * highest prepared sequence number), re-propose the block of the prepared
 * certificate with the highest view, or an empty block where none prepared.
 */
export function planNewView<Tx>(ctx: ReplicaContext<Tx, unknown>, viewChanges: readonly ViewChange<Tx>[]): NewViewPlan<Tx> {
  let stable = { seq: 0, root: '' };
  for (const viewChange of viewChanges) {
    if (viewChange.stableSeq >= stable.seq) stable = { seq: viewChange.stableSeq, root: viewChange.stableRoot };
  }
  const best = new Map<number, PreparedCertificate<Tx>>();
  for (const viewChange of viewChanges) {
    for (const certificate of viewChange.prepared) {
      const seq = certificate.prePrepare.seq;
      if (seq <= stable.seq || seq > stable.seq + ctx.config.watermarkBlocks) continue;
      const current = best.get(seq);
      if (current === undefined || certificate.prePrepare.view > current.prePrepare.view) best.set(seq, certificate);
    }
  }
  const maxSeq = Math.max(stable.seq, ...best.keys());
  const entries: { seq: number; block: Block<Tx> }[] = [];
  for (let seq = stable.seq + 1; seq <= maxSeq; seq++) {
    entries.push({ seq, block: best.get(seq)?.block ?? { height: seq, txs: [] } });
  }
  return { stable, maxSeq, entries };
}
