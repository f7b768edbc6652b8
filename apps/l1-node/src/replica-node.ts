// The shell around one PBFT replica core, on @wedge/shell's loop: a bounded
// inbox of events, drained in batches; each batch's steps are persisted in one
// SQLite transaction before any of its effects (messages, timers, replies) are
// carried out — "persist, then act". Recovery rebuilds the core's state from
// the protocol parts, the last stable snapshot and the executed blocks after it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import {
  HONEST_RULES,
  createReplicaState,
  primaryOf,
  restoreReplicaState,
  step,
  type CommittedBlock,
  type ConsensusConfig,
  type ConsensusEffect,
  type ConsensusEvent,
  type Message,
  type Block,
  type ReplicaContext,
  type ReplicaState,
  type TimerName,
} from '@wedge/consensus';
import { WedgeError, toHex } from '@wedge/common';
import type { Canonical } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import {
  createLedger,
  createLedgerApp,
  type LedgerGenesis,
  type LedgerState,
  type SignedTx,
  type TxResult,
} from '@wedge/ledger';
import { DropLog, StepLoop, TokenTimers, countVerifications, createProcessLog, type PeerLinks, type ProcessLog } from '@wedge/shell';
import { REPLICA_DB_PAGE_SIZE, createReplicaStore, openDatabase, type PersistBatch, type ReplicaStore } from '@wedge/store';
import { CompactRelay, type RelayMessage } from './compact-relay.ts';
import { derivePeerKeys, type PeerKeys } from './peer-auth.ts';
import { createPeerMessageParser, type PeerMessageParser, type WireMessage } from './peer-schema.ts';
import { ProtocolCodec } from './protocol-codec.ts';
import { ReplicaMetrics } from './replica-metrics.ts';
import { createReplicaLinks } from './transport.ts';
import { TxInterner } from './tx-interner.ts';

export type ReplicaNodeOptions = {
  readonly chainId: string;
  readonly genesisHash: string;
  readonly config: ConsensusConfig;
  readonly replicaUrls: readonly string[];
  readonly ledgerGenesis: LedgerGenesis;
  readonly id: number;
  readonly secretKey: Uint8Array;
  readonly dataDir: string;
  /** fsync every batch (survives power loss); default survives a killed process. */
  readonly durable?: boolean;
  /** Where the replica's events go (recovery, view changes, checkpoints, drops); default a process log on stdout without its secret key. */
  readonly log?: ProcessLog;
  /**
   * Test harnesses only — the Byzantine replica process
   * (test/support/byzantine-replica-main.ts); main.ts never sets it. Built
   * over this replica's context, it sees every message the core steps and
   * decides what is really sent in place of the core's sends and broadcasts.
   */
  readonly adversary?: (ctx: ReplicaContext<SignedTx, LedgerState>) => ReplicaAdversary;
};

/** A message as an adversary sends it: to one replica. */
export type AdversarySend = { readonly to: number; readonly message: Message<SignedTx> };

export type ReplicaAdversary = {
  /** A message about to be stepped; the adversary may answer it (votes of its own). */
  observe(message: Message<SignedTx>): readonly AdversarySend[];
  /** The core's effects of one step: what is sent instead of their sends and broadcasts. */
  rewrite(effects: readonly ConsensusEffect<SignedTx>[]): readonly AdversarySend[];
};

type State = ReplicaState<SignedTx, LedgerState>;
type Effect = ConsensusEffect<SignedTx>;
type Event = ConsensusEvent<SignedTx>;
/** What the inbox holds: the core's events, and relay messages from peers (handled by the shell, in order with the rest). */
type InboxEvent = Event | { readonly type: 'relay'; readonly from: number; readonly message: RelayMessage };

/** Most events handled per persisted batch. */
const MAX_BATCH_EVENTS = 2_000;
/**
 * Events waiting at most: 25 batches, seconds of work. Beyond it the replica
 * is overloaded and sheds: a peer's message is dropped (PBFT tolerates loss
 * and retransmits what matters), a client is told BUSY.
 */
export const MAX_INBOX_EVENTS = 50_000;
/** Client requests are taken only while fewer events than this wait, so that a flood of them never crowds out peers' messages. */
const MAX_INBOX_EVENTS_FOR_REQUESTS = 40_000;
/**
 * The inbox's lanes: peers' protocol messages and the shell's own events
 * (timers, start) first, then requests (a client's, or one a peer
 * forwarded), which cost a signature check each and come by the thousand.
 * So a primary's heartbeat, and the votes that commit blocks, never wait
 * behind a backlog of requests (a busy primary is not a silent one); within
 * a lane the order of arrival is kept. Relay messages (compact proposals and
 * the transactions they name) go with the requests, whose order they rely on.
 */
const PROTOCOL_LANE = 0;
const REQUEST_LANE = 1;
/**
 * A batch takes requests for about this long (they cost a signature check
 * each), then ends: the batch's effects go out and the next one starts with
 * the protocol lane. So even a primary with tens of thousands of requests
 * queued on a starved CPU steps its heartbeat timer within tens of
 * milliseconds, not after a 2,000-request batch that can take seconds.
 */
const REQUEST_BUDGET_MS = 25;
const MIN_BATCH_REQUESTS = 16;

type ProtocolBlob = { genesisHash: string; state: Uint8Array };

export type CommitListener = (block: CommittedBlock<SignedTx>, results: TxResult[]) => void;

export class ReplicaNode {
  readonly ctx: ReplicaContext<SignedTx, LedgerState>;
  readonly transport: PeerLinks<WireMessage>;
  readonly peerKeys: PeerKeys;
  private state: State;
  private readonly store: ReplicaStore;
  private readonly loop: StepLoop<InboxEvent, Effect>;
  private readonly timers = new TokenTimers<TimerName, number>((timer, token) => this.loop.admit({ type: 'timeout', timer, token }));
  /** The relay answers of the batch being handled; sent after its effects (sendRelayAnswers). */
  private relaySends: { to: number; message: RelayMessage }[] = [];
  private persistedStableSeq: number;
  /** The protocol bytes last written, to skip rewriting identical ones. */
  private persistedProtocol: Uint8Array | null = null;
  private readonly commitListeners = new Set<CommitListener>();
  private readonly installListeners = new Set<(seq: number) => void>();
  /** What the core dropped and why, logged as counts once a minute (one `dropped` line). */
  readonly drops: DropLog;
  readonly log: ProcessLog;
  private readonly codec: ProtocolCodec;
  private readonly adversary: ReplicaAdversary | null;
  private readonly txs = new TxInterner();
  readonly relay: CompactRelay;
  /** Peer messages validated with this replica's memo of transaction shapes, so the core does not check them again. */
  readonly parsePeerMessages: PeerMessageParser;
  private readonly persistStats = { persisted: 0, persistMs: 0 };
  /** What GET /metrics exports, fed from the loop's batches and effects. */
  readonly metrics: ReplicaMetrics;

  constructor(readonly options: ReplicaNodeOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.log = options.log ?? createProcessLog({ base: { replica: options.id }, secrets: [toHex(options.secretKey)] });
    this.drops = new DropLog((line) => this.log.info('dropped', { ...line }));
    this.metrics = new ReplicaMetrics(
      { replica: options.id, chainId: options.chainId },
      {
        height: () => this.state.executed,
        view: () => this.state.view,
        viewChanging: () => this.state.status !== 'normal',
        stableCheckpoint: () => this.state.stable.seq,
        mempoolTxs: () => this.state.pending.size,
        inboxEvents: () => this.loop.queued,
        peers: () => this.transport.reachability(),
      },
    );
    // The core and the ledger check signatures through this scheme, so every check is counted.
    const scheme = countVerifications(fastSecp256k1, (valid) => this.metrics.signatureChecked(valid));
    this.store = createReplicaStore(openDatabase(join(options.dataDir, 'replica.sqlite'), { durable: options.durable ?? false, pageSize: REPLICA_DB_PAGE_SIZE }));
    const app = createLedgerApp(scheme, options.chainId);
    this.ctx = { config: options.config, id: options.id, scheme, secretKey: options.secretKey, app, rules: HONEST_RULES };
    this.adversary = options.adversary?.(this.ctx) ?? null;
    this.parsePeerMessages = createPeerMessageParser(app.isWellFormed);
    const publicKeys = options.config.replicas.map((replica) => replica.publicKey);
    this.peerKeys = derivePeerKeys(options.chainId, options.id, options.secretKey, publicKeys);
    this.transport = createReplicaLinks(options.id, options.replicaUrls.map((url, id) => ({ id, url })), this.peerKeys, {
      onOversized: (peer, type, bytes) => this.log.warn('peer-oversized', { peer, type, bytes }),
      onRefused: (peer, messages, status, answer) => this.log.warn('peer-refused', { peer, messages, status, answer: answer.slice(0, 200) }),
    });
    this.loop = new StepLoop<InboxEvent, Effect>(
      {
        maxQueuedEvents: MAX_INBOX_EVENTS,
        lanes: [{ maxPerBatch: MAX_BATCH_EVENTS }, { maxPerBatch: MAX_BATCH_EVENTS, budgetMs: REQUEST_BUDGET_MS, minPerBatch: MIN_BATCH_REQUESTS }],
      },
      {
        step: (event, effects) => this.stepEvent(event, effects),
        persist: (effects) => this.persist(effects),
        perform: (effect) => this.perform(effect),
        performed: () => this.sendRelayAnswers(),
      },
    );
    this.codec = new ProtocolCodec(options.chainId, this.ctx.app);
    this.relay = new CompactRelay(
      this.ctx.app.txHash,
      (hash) => this.state.pending.get(hash),
      () => blocksHeld(this.state),
    );
    this.state = this.recover();
    this.persistedStableSeq = this.state.stable.seq;
    this.log.info('recovered', { height: this.state.executed, view: this.state.view, stableCheckpoint: this.state.stable.seq });
  }

  // ------------------------------------------------------------------ queries

  get ledger(): LedgerState {
    return this.state.app;
  }

  get replicaState(): Readonly<State> {
    return this.state;
  }

  get isPrimary(): boolean {
    return primaryOf(this.ctx.config, this.state.view) === this.ctx.id;
  }

  get storage(): ReplicaStore {
    return this.store;
  }

  /** Batches and events handled, batches written (a batch that changed nothing durable is not), and time spent persisting. */
  get stats(): { batches: number; events: number; persisted: number; persistMs: number } {
    return { ...this.loop.stats, ...this.persistStats };
  }

  /** False once the step loop stopped (a shutdown, or a batch that failed: the process is going down). */
  get running(): boolean {
    return !this.loop.stopped;
  }

  /** Events waiting in the inbox. */
  get queued(): number {
    return this.loop.queued;
  }

  isPending(hash: string): boolean {
    return this.state.pending.has(hash);
  }

  onCommit(listener: CommitListener): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Called after the replica installed a peer's snapshot (it skipped the blocks below it). */
  onStateInstalled(listener: (seq: number) => void): () => void {
    this.installListeners.add(listener);
    return () => this.installListeners.delete(listener);
  }

  // ------------------------------------------------------------------ driving

  start(): void {
    this.enqueue({ type: 'start' });
  }

  /**
   * Queues a client's requests, all or none: when the inbox has no room for
   * every one of them it throws BUSY and queues nothing (the HTTP route
   * answers 503, and the request changed nothing).
   */
  submit(txs: readonly SignedTx[]): void {
    if (this.loop.queued + txs.length > MAX_INBOX_EVENTS_FOR_REQUESTS) {
      throw new WedgeError('BUSY', `${this.loop.queued} events are waiting at this replica; retry later`);
    }
    for (const tx of txs) this.enqueue({ type: 'request', tx });
  }

  /**
   * Queues an event for the core. A client's request that finds the inbox
   * full throws BUSY; a peer's message that finds it full is dropped; the
   * shell's own events (start, timeouts) are always taken.
   */
  enqueue(incoming: Event): void {
    switch (incoming.type) {
      case 'request':
        if (this.loop.queued >= MAX_INBOX_EVENTS_FOR_REQUESTS || !this.loop.offer(this.interned(incoming), REQUEST_LANE)) {
          throw new WedgeError('BUSY', `${this.loop.queued} events are waiting at this replica; retry later`);
        }
        return;
      case 'message':
        this.loop.offer(this.interned(incoming), incoming.message.type === 'request' ? REQUEST_LANE : PROTOCOL_LANE);
        return;
      default:
        this.loop.admit(incoming, PROTOCOL_LANE);
    }
  }

  /** A message from peer `from`, already validated (peer-schema.ts); dropped when the inbox is full. */
  receive(from: number, message: WireMessage): void {
    if (message.type === 'compact-pre-prepare' || message.type === 'fetch-txs' || message.type === 'txs') {
      // In the request lane: a compact proposal is expanded against the requests that arrived before it.
      this.loop.offer({ type: 'relay', from, message }, REQUEST_LANE);
      return;
    }
    if (message.type === 'compact-view-change' || message.type === 'compact-new-view') {
      // With the protocol: a view change must not wait behind a backlog of requests (its blocks are mostly held already).
      this.loop.offer({ type: 'relay', from, message }, PROTOCOL_LANE);
      return;
    }
    this.enqueue({ type: 'message', from, message });
  }

  /** The event with its transactions replaced by equal ones met before (see TxInterner). */
  private interned(event: Event): Event {
    if (event.type === 'request') return { type: 'request', tx: this.txs.intern(event.tx) };
    if (event.type !== 'message') return event;
    const { message } = event;
    if (message.type === 'request') return { ...event, message: { type: 'request', tx: this.txs.intern(message.tx) } };
    if (message.type === 'pre-prepare-block') {
      const block = { height: message.block.height, txs: this.txs.internAll(message.block.txs) };
      return { ...event, message: { type: 'pre-prepare-block', prePrepare: message.prePrepare, block } };
    }
    return event;
  }

  stop(): void {
    this.drops.stop();
    this.loop.stop();
    this.timers.clearAll();
    this.transport.close();
    this.store.close();
  }

  // A failed assertion in a step throws out of the loop and crashes the
  // process (StepLoop): a bug or a divergence must never be papered over.

  private stepEvent(event: InboxEvent, effects: Effect[]): void {
    if (event.type !== 'relay') {
      effects.push(...this.stepCore(event));
      return;
    }
    // Relay messages are handled here, between the core's steps, so a
    // compact proposal is expanded against a mempool that holds every
    // request that arrived before it.
    for (const ready of this.relayed(event.from, event.message, this.relaySends)) {
      effects.push(...this.stepCore({ type: 'message', from: ready.from, message: ready.message }));
    }
  }

  private stepCore(event: Event): readonly Effect[] {
    if (this.adversary === null) return step(this.ctx, this.state, event).effects;
    // The Byzantine harness: what the adversary sends replaces the core's sends.
    const answers = event.type === 'message' ? this.adversary.observe(event.message) : [];
    const effects = step(this.ctx, this.state, event).effects;
    const sends = [...answers, ...this.adversary.rewrite(effects)].map(({ to, message }): Effect => ({ type: 'send', to, message }));
    return [...effects.filter((effect) => effect.type !== 'send' && effect.type !== 'broadcast'), ...sends];
  }

  /** The batch's one write: the protocol state, new proposals and blocks, a new stable snapshot. */
  private persist(effects: readonly Effect[]): void {
    const started = performance.now();
    const batch = this.batchFor(effects);
    // A batch of requests alone (at a backup) changes only the mempool, which
    // is not persisted: when the bytes are the ones stored, writing them again
    // changes nothing.
    const unchanged =
      batch.proposals.length === 0 &&
      batch.blocks.length === 0 &&
      batch.snapshot === null &&
      batch.prune === null &&
      batch.protocolParts.put.length === 0 &&
      batch.protocolParts.removed.length === 0 &&
      this.persistedProtocol !== null &&
      Buffer.from(batch.protocol.buffer, batch.protocol.byteOffset, batch.protocol.byteLength).equals(this.persistedProtocol);
    if (!unchanged) {
      this.persistStats.persisted += 1;
      const writeStarted = performance.now();
      this.store.persist(batch);
      this.metrics.sqliteCommitted((performance.now() - writeStarted) / 1000);
      this.persistedProtocol = batch.protocol;
    }
    this.persistStats.persistMs += performance.now() - started;
  }

  /** After the batch's effects: the relay answers it produced (they reveal nothing unpersisted, but wait for the write all the same). */
  private sendRelayAnswers(): void {
    if (this.relaySends.length === 0) return;
    const sends = this.relaySends;
    this.relaySends = [];
    for (const { to, message } of sends) this.transport.send(to, message);
  }

  /** Handles a relay message; returns the proposals it completes. Replies go to `sends` (they reveal nothing unpersisted). */
  private relayed(from: number, message: RelayMessage, sends: { to: number; message: RelayMessage }[]): { from: number; message: Message<SignedTx> }[] {
    switch (message.type) {
      case 'compact-pre-prepare':
      case 'compact-view-change':
      case 'compact-new-view': {
        const expansion = this.relay.expand(from, message);
        if (expansion.kind === 'ready') return [{ from, message: expansion.message }];
        for (const request of expansion.requests) sends.push({ to: from, message: request });
        return [];
      }
      case 'fetch-txs': {
        const txs = this.relay.serve(message.hashes);
        if (txs.length > 0) sends.push({ to: from, message: { type: 'txs', txs } });
        return [];
      }
      case 'txs':
        return this.relay.received(from, this.txs.internAll(message.txs));
    }
  }

  private batchFor(effects: readonly Effect[]): PersistBatch {
    // The protocol state without what is stored elsewhere or rebuilt on
    // recovery: the ledger (snapshot + blocks), recent blocks and executed
    // hashes (block table), the mempool (clients resubmit), and the blocks it
    // refers to (stored once by digest).
    const fresh = new Map<string, { height: number; bytes: Uint8Array }>();
    const referenced = new Set<string>();
    const { core, put, removed } = this.codec.encode(this.state, fresh, referenced);
    const protocol = serialize({ genesisHash: this.options.genesisHash, state: core } satisfies ProtocolBlob);
    // An executed block's bytes are its proposal's (stored once, by digest);
    // a block that arrived by state transfer is stored with it.
    const blocks: PersistBatch['blocks'][number][] = [];
    for (const effect of effects) {
      if (effect.type !== 'committed') continue;
      blocks.push({
        height: effect.block.height,
        digest: this.codec.stored(effect.block, fresh),
        certificate: serialize(effect.certificate),
        results: effect.results as TxResult[],
      });
    }
    const proposals = [...fresh].map(([digest, { height, bytes }]) => ({ digest, height, block: bytes }));
    let snapshot: PersistBatch['snapshot'] = null;
    if (this.state.stable.seq !== this.persistedStableSeq) {
      snapshot = { seq: this.state.stable.seq, root: this.state.stable.root, state: serialize(this.state.stableSnapshot) };
      this.persistedStableSeq = this.state.stable.seq;
    }
    const prune = snapshot === null ? null : { belowOrAt: snapshot.seq, keep: [...referenced] };
    if (prune !== null) this.codec.pruned(referenced);
    return { protocol, protocolParts: { put, removed }, proposals, blocks, snapshot, prune };
  }

  private perform(effect: Effect): void {
    switch (effect.type) {
      case 'send':
        return this.transport.send(effect.to, this.onWire(effect.message));
      case 'broadcast':
        return this.transport.broadcast(this.onWire(effect.message));
      case 'set-timer':
        return this.timers.set(effect.timer, effect.token, effect.afterMs);
      case 'clear-timer':
        return this.timers.clear(effect.timer);
      case 'committed':
        this.metrics.committed(effect.results as TxResult[], performance.now());
        for (const listener of this.commitListeners) listener({ block: effect.block, certificate: effect.certificate }, effect.results as TxResult[]);
        return;
      case 'state-installed':
        this.metrics.stateInstalled();
        this.log.info('state-installed', { seq: effect.seq, root: effect.root });
        for (const listener of this.installListeners) listener(effect.seq);
        return;
      case 'dropped':
        this.drops.add(effect.input, effect.reason);
        this.metrics.inputDropped(effect.input, effect.reason);
        return;
      case 'view-entered':
        this.metrics.viewEntered();
        this.log.info('view-change', { view: effect.view, primary: primaryOf(this.ctx.config, effect.view) });
        return;
      case 'checkpoint-stable':
        this.metrics.checkpointStable();
        this.log.info('checkpoint', { seq: effect.checkpoint.seq, root: effect.checkpoint.root });
        return;
      case 'request-rejected':
        this.metrics.requestRejected(effect.hash, effect.code);
        return;
      default:
        return;
    }
  }

  /** Proposals, view changes and new views go out compact (compact-relay.ts); everything else as the core made it. */
  private onWire(message: Message<SignedTx>): WireMessage {
    return CompactRelay.compacts(message) ? this.relay.compact(message) : message;
  }

  // ----------------------------------------------------------------- recovery

  /** The state of the last persisted batch, through the core's restore (the simulator's restarts run the same). */
  private recover(): State {
    const genesis = createReplicaState(this.ctx, createLedger(this.options.ledgerGenesis));
    const stored = this.store.loadProtocol();
    if (stored === null) return genesis;
    const { genesisHash, state: encoded } = deserialize(stored.core) as ProtocolBlob;
    if (genesisHash !== this.options.genesisHash) {
      throw new Error(`data directory ${this.options.dataDir} belongs to genesis ${genesisHash}, not ${this.options.genesisHash}`);
    }
    const protocol = this.codec.decode(encoded, stored.parts, (digest) => this.store.loadProposal(digest));
    const snapshot = this.store.loadSnapshot();
    return restoreReplicaState(this.ctx, genesis, {
      protocol,
      snapshot: snapshot === null ? null : { seq: snapshot.seq, root: snapshot.root, state: deserialize(snapshot.state) as Canonical },
      blocks: (from, to) =>
        this.store.getBlocks(from, to).map((stored) => ({ block: deserialize(stored.block), certificate: deserialize(stored.certificate) }) as CommittedBlock<SignedTx>),
      recentTxHashes: (limit) => this.store.recentTxHashes(limit),
    });
  }
}

/** The blocks a replica holds besides its mempool's requests: proposals, prepared certificates, recent blocks, view changes and the new view received. */
function* blocksHeld(state: Readonly<State>): Iterable<Block<SignedTx>> {
  for (const slot of state.slots.values()) if (slot.block !== null) yield slot.block;
  for (const certificate of state.preparedCertificates.values()) yield certificate.block;
  for (const committed of state.recentBlocks.values()) yield committed.block;
  for (const byReplica of state.viewChanges.values()) for (const viewChange of byReplica.values()) for (const certificate of viewChange.prepared) yield certificate.block;
  if (state.newView !== null) for (const entry of state.newView.prePrepares) yield entry.block;
}
