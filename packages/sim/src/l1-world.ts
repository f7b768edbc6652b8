// The deterministic L1 world: n replicas running the real PBFT core over a
// simulated network with a virtual clock, Byzantine replicas, crashes with
// restart from persisted state, partitions, and clients. Everything random
// comes from one seed, so a failing run replays exactly.
import {
  HONEST_RULES,
  createReplicaState,
  durableProtocolState,
  faultsTolerated,
  primaryOf,
  restoreReplicaState,
  step,
  type CommittedBlock,
  type ConsensusConfig,
  type ConsensusEffect,
  type ConsensusEvent,
  type ConsensusRules,
  type Message,
  type ReplicaContext,
  type ReplicaState,
} from '@wedge/consensus';
import { toHex } from '@wedge/common';
import { createStandInScheme, keyPairFromSeed, type SignatureScheme } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { createLedger, createLedgerApp, type LedgerRules, type LedgerState, type SignedTx, type TxResult } from '@wedge/ledger';
import { Adversary, type ByzantineProfile, type Outgoing } from './byzantine.ts';
import { EventQueue } from './event-queue.ts';
import { L1Checker, type Violation } from './l1-checkers.ts';

import { Prng } from './prng.ts';
import { SpuriousViewChanges } from './spurious-view-changes.ts';
import { L1Workload, type WorkloadOptions } from './workload.ts';

export type NetworkOptions = {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly lossProbability: number;
  readonly duplicateProbability: number;
};

/** `replica: 'primary'` crashes whichever replica is the primary of the view most replicas are in at that moment. */
export type CrashPlan = { readonly atMs: number; readonly replica: number | 'primary'; readonly downMs: number; readonly dropLastStep: boolean };
export type PartitionPlan = { readonly atMs: number; readonly durationMs: number; readonly isolated: readonly number[] };

export type L1SimOptions = {
  readonly seed: number;
  readonly replicas: number;
  readonly scheme: 'stand-in' | 'secp256k1';
  readonly rules: ConsensusRules;
  /** The ledger's splice rules (HONEST_LEDGER_RULES when absent); broken only by the splice mutation tests. */
  readonly ledgerRules?: LedgerRules;
  readonly byzantine: readonly { readonly replica: number; readonly profile: ByzantineProfile }[];
  readonly network: NetworkOptions;
  readonly crashes: readonly CrashPlan[];
  readonly partitions: readonly PartitionPlan[];
  readonly workload: WorkloadOptions;
  /** Faults and new work happen before this time; after it the network is healthy (GST). */
  readonly faultPhaseMs: number;
  /** Time after GST for everything outstanding to commit. */
  readonly drainMs: number;
  readonly consensus: Partial<ConsensusConfig>;
};

/**
 * What a measurement may watch of a run (packages/sim/src/scale); a probe
 * changes nothing in the run.
 */
export type L1Probe = {
  /** The scheme replica `replica`'s core and ledger verify and sign with, given the world's (a counting wrapper). */
  readonly replicaScheme?: (replica: number, scheme: SignatureScheme) => SignatureScheme;
  /** Every message put on the simulated wire from one replica to another (after loss). */
  readonly onTransmit?: (from: number, to: number, message: Message<SignedTx>) => void;
};

export type L1SimResult = {
  readonly seed: number;
  readonly violations: Violation[];
  readonly committedBlocks: number;
  readonly viewChanges: number;
  /** View changes away from a view whose primary was honest, up and connected throughout (spurious-view-changes.ts). */
  readonly spuriousViewChanges: number;
  readonly byzantine: boolean;
  /** Crashes of the primary in this run, and restarts that caught up by installing a snapshot. */
  readonly primaryCrashes: number;
  readonly snapshotInstalls: number;
  readonly submitted: number;
  readonly executed: number;
  readonly staleRejected: number;
  readonly maxLatencyMs: number;
  readonly messages: number;
  readonly virtualMs: number;
  /** Inputs honest replicas dropped, by `${input}:${reason}` (the core's `dropped` effects). */
  readonly dropped: Record<string, number>;
};

type SimEvent =
  | { kind: 'deliver'; to: number; from: number; message: Message<SignedTx> }
  | { kind: 'client'; to: number; tx: SignedTx }
  | { kind: 'timer'; replica: number; incarnation: number; event: ConsensusEvent<SignedTx> }
  | { kind: 'crash'; plan: CrashPlan }
  | { kind: 'restart'; replica: number }
  | { kind: 'partition'; plan: PartitionPlan }
  | { kind: 'heal'; plan: PartitionPlan }
  | { kind: 'tick' }
  | { kind: 'call'; fn: () => void };

type Node = {
  readonly id: number;
  readonly ctx: ReplicaContext<SignedTx, LedgerState>;
  state: ReplicaState<SignedTx, LedgerState>;
  up: boolean;
  incarnation: number;
  crashAfterStep: boolean;
  /** Stopped for good after a failed assertion. */
  halted: boolean;
  readonly adversary: Adversary<SignedTx> | null;
  maxView: number;
  /** Times this replica caught up by installing a peer's checkpoint snapshot. */
  stateInstalls: number;
  /**
   * What the replica process would have on disk besides the state of its
   * last step: every block it executed (blocks skipped by state transfer
   * are not there). A restart restores from it and the state's durable part.
   */
  readonly storedBlocks: Map<number, CommittedBlock<SignedTx>>;
};

const CHAIN_ID = 'sim';
const TICK_MS = 50;

export const DEFAULT_CONSENSUS: Omit<ConsensusConfig, 'chainId' | 'replicas'> = {
  checkpointBlocks: 8,
  watermarkBlocks: 32,
  maxBlockTxs: 64,
  pipelineBlocks: 4,
  maxPendingTxs: 10_000,
  progressTimeoutMs: 800,
  viewChangeTimeoutMs: 1_000,
  heartbeatMs: 50,
  idleBlockMs: 150,
  fetchRetryMs: 400,
  maxFetchBlocks: 32,
};

export class L1World {
  readonly rng: Prng;
  readonly scheme: SignatureScheme;
  readonly nodes: Node[];
  readonly workload: L1Workload;
  readonly checker: L1Checker;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly blocked = new Set<string>();
  private now = 0;
  private messages = 0;
  private gst = false;
  private primaryCrashes = 0;
  private readonly dropped: Record<string, number> = {};
  readonly spurious = new SpuriousViewChanges();
  /** Hook for tests: called on every canonical (first honest) commit. */
  onCanonicalCommit: ((height: number, nowMs: number) => void) | null = null;
  /** Other layers (L2) run on the world's clock through these. */
  readonly tickHooks: ((nowMs: number) => void)[] = [];
  /** Work that must finish before the run may end early (besides L1 transactions). */
  readonly busyChecks: (() => boolean)[] = [];
  readonly finishHooks: (() => void)[] = [];

  get nowMs(): number {
    return this.now;
  }

  get afterGst(): boolean {
    return this.gst;
  }

  /** Runs `fn` at virtual time now + delayMs. */
  schedule(delayMs: number, fn: () => void): void {
    this.queue.push(this.now + delayMs, { kind: 'call', fn });
  }

  private readonly onTransmit: L1Probe['onTransmit'];

  constructor(
    readonly options: L1SimOptions,
    probe: L1Probe = {},
  ) {
    this.onTransmit = probe.onTransmit;
    this.rng = new Prng(options.seed);
    this.scheme = options.scheme === 'stand-in' ? createStandInScheme() : fastSecp256k1;
    const keys = Array.from({ length: options.replicas }, (_, id) => keyPairFromSeed(this.scheme, `sim/${options.seed}/replica/${id}`));
    const config: ConsensusConfig = {
      ...DEFAULT_CONSENSUS,
      ...options.consensus,
      chainId: CHAIN_ID,
      replicas: keys.map((key, id) => ({ id, publicKey: toHex(key.publicKey) })),
    };
    this.workload = new L1Workload(this.scheme, CHAIN_ID, options.workload, this.rng.fork(), `sim/${options.seed}`);
    this.checker = new L1Checker(this.scheme, CHAIN_ID, this.workload.supply);
    const byzantine = new Map(options.byzantine.map((entry) => [entry.replica, entry.profile]));
    this.nodes = keys.map((key, id) => {
      const scheme = probe.replicaScheme?.(id, this.scheme) ?? this.scheme;
      const ctx: ReplicaContext<SignedTx, LedgerState> = {
        config,
        id,
        scheme,
        secretKey: key.secretKey,
        app: createLedgerApp(scheme, CHAIN_ID, options.ledgerRules),
        rules: options.rules,
      };
      const profile = byzantine.get(id);
      return {
        id,
        ctx,
        state: createReplicaState(ctx, createLedger(this.workload.genesis)),
        up: true,
        incarnation: 0,
        crashAfterStep: false,
        halted: false,
        adversary: profile === undefined ? null : new Adversary(ctx as ReplicaContext<SignedTx, unknown>, profile, this.rng.fork()),
        maxView: 0,
        stateInstalls: 0,
        storedBlocks: new Map(),
      };
    });
  }

  isHonest(id: number): boolean {
    return this.nodes[id]!.adversary === null;
  }

  run(): L1SimResult {
    const { options } = this;
    for (const plan of options.crashes) this.queue.push(plan.atMs, { kind: 'crash', plan });
    for (const plan of options.partitions) this.queue.push(plan.atMs, { kind: 'partition', plan });
    this.queue.push(0, { kind: 'tick' });
    for (const node of this.nodes) this.stepNode(node, { type: 'start' });
    const endMs = options.faultPhaseMs + options.drainMs;
    let events = 0;
    while (this.queue.size > 0) {
      const next = this.queue.pop()!;
      if (next.time > endMs) break;
      this.now = next.time;
      if (!this.gst && this.now >= options.faultPhaseMs) this.startGst();
      this.handle(next.item);
      if (++events > 5_000_000) {
        this.checker.reportViolation('simulator', 'event budget exhausted');
        break;
      }
      if (
        this.gst &&
        this.workload.pendingCount() === 0 &&
        this.now > options.faultPhaseMs + 2_000 &&
        this.participationGap() === null &&
        !this.busyChecks.some((busy) => busy())
      ) {
        break;
      }
    }
    return this.finish();
  }

  /** After GST: heal partitions, restart crashed replicas, no more loss; clients stop creating work. */
  private startGst(): void {
    this.gst = true;
    this.blocked.clear();
    this.workload.stop();
    for (const node of this.nodes) if (!node.up) this.restart(node);
  }

  /**
   * Null when every honest replica that runs is normal in the view a quorum
   * of replicas is normal in; else what is wrong.
   */
  participationGap(): string | null {
    const quorum = 2 * faultsTolerated(this.nodes[0]!.ctx.config) + 1;
    const normal = new Map<number, number>();
    for (const node of this.nodes) {
      if (node.up && node.state.status === 'normal') normal.set(node.state.view, (normal.get(node.state.view) ?? 0) + 1);
    }
    const quorumView = [...normal].find(([, count]) => count >= quorum)?.[0];
    const astray = this.nodes.filter(
      (node) => this.isHonest(node.id) && node.up && (node.state.view !== quorumView || node.state.status !== 'normal'),
    );
    if (quorumView !== undefined && astray.length === 0) return null;
    const where = this.nodes.map((node) => `${node.id}:${node.up ? `v${node.state.view}${node.state.status === 'normal' ? '' : '*'}` : 'down'}`).join(' ');
    return quorumView === undefined ? `no quorum is normal in one view (${where})` : `replicas ${astray.map((node) => node.id).join(',')} are not normal in view ${quorumView} (${where})`;
  }

  private finish(): L1SimResult {
    for (const hook of this.finishHooks) hook();
    if (this.options.drainMs > 0) {
      const gap = this.participationGap();
      if (gap !== null) this.checker.reportViolation('participation', `${this.options.drainMs} ms after GST: ${gap}`);
    }
    if (this.workload.pendingCount() > 0 && this.options.drainMs > 0) {
      this.checker.reportViolation(
        'liveness',
        `${this.workload.pendingCount()} transactions not executed ${this.options.drainMs} ms after GST: ${this.workload.outstandingDescriptions().slice(0, 3).join('; ')}`,
      );
    }
    for (const message of this.workload.stats.unexpected.slice(0, 5)) this.checker.reportViolation('L1-validity', message);
    for (const channel of this.workload.channels) {
      if (!channel.settled || channel.expectedPayout === null) continue;
      const record = this.honestLedger().channels.get(channel.id);
      const paid = record?.settledBalances;
      if (paid == null || paid.some((amount, index) => amount !== channel.expectedPayout![index])) {
        this.checker.reportViolation('settlement', `channel ${channel.id.slice(0, 12)} paid ${paid?.join(',')}, expected ${channel.expectedPayout.join(',')}`);
      }
    }
    const latencies = this.workload.stats.latenciesMs;
    return {
      seed: this.options.seed,
      violations: this.checker.violations,
      committedBlocks: this.checker.chain.size,
      viewChanges: Math.max(0, ...this.nodes.filter((node) => this.isHonest(node.id)).map((node) => node.maxView)),
      spuriousViewChanges: this.spurious.count,
      byzantine: this.options.byzantine.length > 0,
      primaryCrashes: this.primaryCrashes,
      snapshotInstalls: this.nodes.reduce((sum, node) => sum + node.stateInstalls, 0),
      submitted: this.workload.stats.submitted,
      executed: this.workload.stats.executed,
      staleRejected: this.workload.stats.staleRejected,
      maxLatencyMs: latencies.length === 0 ? 0 : Math.max(...latencies),
      messages: this.messages,
      virtualMs: this.now,
      dropped: this.dropped,
    };
  }

  /** The ledger of the honest replica that executed the most blocks. */
  honestLedger(): LedgerState {
    const honest = this.nodes.filter((node) => this.isHonest(node.id));
    return honest.reduce((best, node) => (node.state.executed > best.state.executed ? node : best), honest[0]!).state.app;
  }

  private handle(event: SimEvent): void {
    switch (event.kind) {
      case 'deliver': {
        const node = this.nodes[event.to]!;
        if (!node.up) return;
        if (node.adversary !== null) this.sendAll(node, node.adversary.observe(event.message));
        this.stepNode(node, { type: 'message', from: event.from, message: event.message });
        return;
      }
      case 'client': {
        const node = this.nodes[event.to]!;
        if (node.up) this.stepNode(node, { type: 'request', tx: event.tx });
        return;
      }
      case 'timer': {
        const node = this.nodes[event.replica]!;
        if (node.up && node.incarnation === event.incarnation) this.stepNode(node, event.event);
        return;
      }
      case 'crash':
        return this.crash(event.plan);
      case 'restart':
        return this.restart(this.nodes[event.replica]!);
      case 'partition':
        if (this.gst) return;
        for (const a of event.plan.isolated) this.spurious.noteFault(a, this.now);
        for (const a of event.plan.isolated) {
          for (const b of this.nodes) if (!event.plan.isolated.includes(b.id)) this.block(a, b.id);
        }
        this.queue.push(this.now + event.plan.durationMs, { kind: 'heal', plan: event.plan });
        return;
      case 'heal':
        for (const a of event.plan.isolated) this.spurious.noteFault(a, this.now);
        for (const a of event.plan.isolated) for (const b of this.nodes) this.unblock(a, b.id);
        return;
      case 'call':
        event.fn();
        return;
      case 'tick':
        for (const hook of this.tickHooks) hook(this.now);
        for (const node of this.nodes) if (node.up && this.isHonest(node.id)) this.checker.checkPending(node.id, node.state);
        this.workload.tick(this.now, (tx, attempt) => this.submitFromClient(tx, attempt));
        for (const forged of this.workload.takeForgeries()) this.submitFromClient(forged, 0);
        this.queue.push(this.now + TICK_MS, { kind: 'tick' });
        return;
    }
  }

  private submitFromClient(tx: SignedTx, attempt: number): void {
    // A client sends to one replica, and on retry to another (or to all).
    const targets = attempt === 0 ? [this.rng.int(0, this.nodes.length - 1)] : this.nodes.map((node) => node.id);
    for (const to of targets) {
      if (!this.gst && this.rng.chance(this.options.network.lossProbability)) continue;
      this.queue.push(this.now + this.delay(), { kind: 'client', to, tx });
    }
  }

  private crash(plan: CrashPlan): void {
    const replica = plan.replica === 'primary' ? this.currentPrimary() : plan.replica;
    const node = this.nodes[replica]!;
    if (!node.up || this.gst) return;
    if (plan.replica === 'primary') this.primaryCrashes += 1;
    if (plan.dropLastStep) {
      // The replica persists its next step's state, then dies before sending anything.
      node.crashAfterStep = true;
    } else {
      this.goDown(node);
    }
    this.queue.push(this.now + plan.downMs, { kind: 'restart', replica });
  }

  /** The primary of the view most running replicas are in. */
  private currentPrimary(): number {
    const count = new Map<number, number>();
    for (const node of this.nodes) if (node.up) count.set(node.state.view, (count.get(node.state.view) ?? 0) + 1);
    const view = [...count].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
    return primaryOf(this.nodes[0]!.ctx.config, view);
  }

  private goDown(node: Node): void {
    this.spurious.noteFault(node.id, this.now);
    node.up = false;
    node.crashAfterStep = false;
    node.incarnation += 1;
  }

  private restart(node: Node): void {
    if (node.halted || (node.up && !node.crashAfterStep)) return;
    if (node.up) this.goDown(node);
    // Recover from "disk" through the restore the replica process runs: the
    // durable part of the last step's state (a deep copy, as if read back),
    // the stable snapshot and the blocks the replica executed. No timers, no
    // in-flight messages, an empty mempool.
    const { state, storedBlocks } = node;
    const fresh = createReplicaState(node.ctx, createLedger(this.workload.genesis));
    node.state = restoreReplicaState(node.ctx, fresh, {
      protocol: structuredClone(durableProtocolState(state)),
      snapshot: state.stable.seq === 0 ? null : { seq: state.stable.seq, root: state.stable.root, state: state.stableSnapshot },
      blocks: (from, to) => [...storedBlocks.values()].filter(({ block }) => block.height >= from && block.height <= to).sort((a, b) => a.block.height - b.block.height),
      recentTxHashes: (limit) => {
        const heights = [...storedBlocks.keys()].sort((a, b) => b - a);
        const hashes: string[] = [];
        for (const height of heights) {
          const txs = storedBlocks.get(height)!.block.txs;
          for (let index = txs.length - 1; index >= 0 && hashes.length < limit; index--) hashes.push(node.ctx.app.txHash(txs[index]!));
        }
        return hashes;
      },
    });
    node.up = true;
    this.spurious.noteFault(node.id, this.now);
    this.stepNode(node, { type: 'start' });
  }

  private stepNode(node: Node, event: ConsensusEvent<SignedTx>): void {
    let effects: ConsensusEffect<SignedTx>[];
    try {
      effects = step(node.ctx, node.state, event).effects;
    } catch (error) {
      // A failed assertion is a bug (or a detected divergence): the replica
      // halts, and the run reports it. Byzantine replicas may halt freely.
      if (this.isHonest(node.id)) this.checker.reportViolation('replica-assertion', `replica ${node.id}: ${(error as Error).message}`);
      this.goDown(node);
      node.halted = true;
      return;
    }
    // The step's state and blocks are on disk before anything leaves (persist, then act).
    for (const effect of effects) {
      if (effect.type === 'committed') node.storedBlocks.set(effect.block.height, { block: effect.block, certificate: effect.certificate });
    }
    if (node.crashAfterStep) {
      this.goDown(node);
      return;
    }
    this.observeEffects(node, effects);
    if (node.adversary !== null) {
      this.sendAll(node, node.adversary.rewrite(effects));
    } else {
      for (const effect of effects) {
        if (effect.type === 'send') this.transmit(node.id, effect.to, effect.message);
        else if (effect.type === 'broadcast') for (const other of this.nodes) if (other.id !== node.id) this.transmit(node.id, other.id, effect.message);
      }
    }
    for (const effect of effects) {
      if (effect.type === 'set-timer') {
        this.queue.push(this.now + effect.afterMs, {
          kind: 'timer',
          replica: node.id,
          incarnation: node.incarnation,
          event: { type: 'timeout', timer: effect.timer, token: effect.token },
        });
      }
    }
  }

  private observeEffects(node: Node, effects: readonly ConsensusEffect<SignedTx>[]): void {
    if (!this.isHonest(node.id)) return;
    for (const effect of effects) {
      if (effect.type === 'committed') {
        const results = effect.results as TxResult[];
        const app = node.state.app;
        const canonical = this.checker.onCommitted(node.id, effect.block, effect.certificate, results, app);
        if (effect.block.height % node.ctx.config.checkpointBlocks === 0 && effect.block.height === node.state.executed) {
          this.checker.onCheckpointRoot(node.id, effect.block.height, node.ctx.app.stateRoot(app));
        }
        if (canonical) {
          this.workload.onExecuted(effect.block.height, effect.block.txs, results, this.now);
          this.onCanonicalCommit?.(effect.block.height, this.now);
        }
      } else if (effect.type === 'checkpoint-stable') {
        this.checker.onCheckpointRoot(node.id, effect.checkpoint.seq, effect.checkpoint.root);
      } else if (effect.type === 'state-installed') {
        this.checker.onStateInstalled(node.id, effect.seq, effect.root);
        node.stateInstalls += 1;
      } else if (effect.type === 'view-entered') {
        node.maxView = Math.max(node.maxView, effect.view);
        this.spurious.noteViewEntered(effect.view, this.now, (view) => primaryOf(node.ctx.config, view), (replica) => ({
          healthyNow: this.isHonest(replica) && this.nodes[replica]!.up && !this.isCutOff(replica),
        }));
      } else if (effect.type === 'dropped') {
        const key = `${effect.input}:${effect.reason}`;
        this.dropped[key] = (this.dropped[key] ?? 0) + 1;
      }
    }
  }

  private sendAll(node: Node, outgoing: readonly Outgoing<SignedTx>[]): void {
    for (const { to, message } of outgoing) this.transmit(node.id, to, message);
  }

  private transmit(from: number, to: number, message: Message<SignedTx>): void {
    if (from === to || this.blocked.has(`${from}>${to}`)) return;
    const { network } = this.options;
    if (!this.gst && this.rng.chance(network.lossProbability)) return;
    this.messages += 1;
    this.onTransmit?.(from, to, message);
    this.queue.push(this.now + this.delay(), { kind: 'deliver', to, from, message });
    if (!this.gst && this.rng.chance(network.duplicateProbability)) {
      this.queue.push(this.now + this.delay(), { kind: 'deliver', to, from, message });
    }
  }

  private delay(): number {
    const { minDelayMs, maxDelayMs } = this.options.network;
    return this.rng.int(minDelayMs, maxDelayMs);
  }

  /** Whether a partition separates `replica` from any other replica now. */
  private isCutOff(replica: number): boolean {
    return this.nodes.some((other) => other.id !== replica && this.blocked.has(`${replica}>${other.id}`));
  }

  private block(a: number, b: number): void {
    if (a === b) return;
    this.blocked.add(`${a}>${b}`);
    this.blocked.add(`${b}>${a}`);
  }

  private unblock(a: number, b: number): void {
    this.blocked.delete(`${a}>${b}`);
    this.blocked.delete(`${b}>${a}`);
  }

  /** For tests that drive the world by hand. */
  crashNow(replica: number): void {
    this.goDown(this.nodes[replica]!);
  }
}

export { HONEST_RULES };
