// The shell around one channel member core (@wedge/channel), on the same
// loop as the L1 replica (@wedge/shell's StepLoop): events wait in a bounded
// inbox and are drained in batches; each batch's steps are persisted — state, certificates, and the effects
// that must survive a crash (peer messages, L1 transactions) — in ONE SQLite
// transaction before any effect is carried out. So a signature never leaves
// the process before the decision to sign is durable (honest-member rule 2
// across crashes), and whatever the batch decided to send is sent even if the
// process dies right after persisting.
import { mkdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  restoreMemberState,
  stepMember,
  type MemberContext,
  type MemberEffect,
  type MemberEvent,
  type MemberState,
  type Payment,
} from '@wedge/channel';
import { assert, toHex } from '@wedge/common';
import type { KeyPair, SignatureScheme } from '@wedge/crypto';
import type { ChannelRecord } from '@wedge/ledger';
import { DropLog, StepLoop, TokenTimers, countVerifications, type PeerLinks } from '@wedge/shell';
import { openDatabase } from '@wedge/store';
import { z } from 'zod';
import { L1Follower } from './l1-follower.ts';
import type { L1Reader } from './l1-reader.ts';
import { depositOnL1, type DepositResult } from './l1-deposit.ts';
import { L1Submitter, type L1Job } from './l1-submitter.ts';
import type { Logger } from './logger.ts';
import { MemberCodec } from './member-codec.ts';
import { isDispute } from './l2-metrics.ts';
import { MemberMetrics } from './member-metrics.ts';
import { createMemberStore, type MemberStore } from './member-store.ts';
import { deriveChannelPeerKeys, type ChannelPeerKeys } from './peer-auth.ts';
import { createMemberLinks, type OutboundMessage } from './peer-transport.ts';
import { PaymentWaiters, type PaymentOutcome, type Waiter } from './payment-waiters.ts';
import { WatchtowerPusher } from './watchtower-pusher.ts';
import { WireCertificate, certificateFromWire, certificateToWire, memberMessageToWire } from './wire.ts';

const L1ActionSchema = z.enum(['terminate', 'challenge', 'settle', 'close', 'withdraw']);

export type MemberNodeOptions = {
  readonly chainId: string;
  readonly record: ChannelRecord;
  readonly self: number;
  readonly account: KeyPair;
  readonly scheme: SignatureScheme;
  readonly peers: readonly string[];
  readonly dataDir: string;
  readonly maxBatchPayments: number;
  readonly progressTimeoutMs: number;
  readonly l1PollMs: number;
  readonly reader: L1Reader;
  readonly watchtowerUrl: string | null;
  /** Test hook: 'signature' kills the process (SIGKILL) right after persisting a batch with a fresh signature, before sending it. */
  readonly crashAfterPersist: 'signature' | null;
  readonly log: Logger;
};

/** The key HTTP requests for this member's withdrawal wait under (one withdrawal at a time: WITHDRAWAL_PENDING). */
export const WITHDRAWAL_WAITER = 'withdrawal';

/** Payments waiting to be certified, at most (MEMPOOL_FULL beyond). */
const MAX_PENDING_PAYMENTS = 10_000;
/** Events waiting in the inbox, at most; a peer or client beyond it is told BUSY and retries. */
export const MAX_INBOX_EVENTS = 20_000;
/** Protocol events handled per batch, at most. */
const MAX_BATCH_EVENTS = 2_000;
/**
 * Payments from clients cost a signature check each; messages from peers
 * (votes, certificates) gate everyone's progress. So a batch takes every
 * waiting protocol event first, then payments for about this long.
 */
const PAYMENT_BUDGET_MS = 10;
const MIN_BATCH_PAYMENTS = 4;
/**
 * Outbox rows their peers acknowledged are deleted with the next batch's
 * write rather than in a transaction of their own (a peer answers an envelope
 * about as often as a batch is written); after this long without a batch, or
 * beyond this many, on their own. Until then a crash only sends them again,
 * which the cores take as the no-op a repeated message is.
 */
const DELIVERED_DELETE_DELAY_MS = 200;
const MAX_DELIVERED_UNDELETED = 4_096;
/** The inbox's lanes: peers' messages and the shell's own events first, then clients' payments. */
const PROTOCOL_LANE = 0;
const PAYMENT_LANE = 1;

/** An effect of a step, and the client request it answers when the step rejected that request's own payment. */
type Outcome = { effect: MemberEffect; ownWaiter?: Waiter };
/** What a batch carries out, in order: the steps' effects, and after each answered event its reply. */
type Action = Outcome | { readonly reply: () => void };
/** What persisting a batch gave its sends and L1 jobs (the ids the store assigned), consumed in order by perform. */
type Receipt = { readonly sends: readonly OutboundMessage[]; readonly jobs: readonly (L1Job | null)[]; sendIndex: number; jobIndex: number };

type InboxEntry = {
  readonly event: MemberEvent;
  /** For a client's payment (or withdrawal): the request waiting for its outcome. */
  readonly waiter?: Waiter;
  /** Called once the batch holding this event is persisted and its effects performed. */
  readonly done?: () => void;
};

/** The channel's identity as this data directory first knew it; a restart must find the same on L1. */
function channelIdentity(chainId: string, record: ChannelRecord, self: number): string {
  return JSON.stringify({
    chainId,
    channelId: record.id,
    self,
    members: record.members.map((member) => member.publicKey),
    deposits: record.deposits.map(String),
    topology: record.topology,
  });
}

export class MemberNode {
  readonly ctx: MemberContext;
  readonly peerKeys: ChannelPeerKeys;
  readonly transport: PeerLinks<OutboundMessage>;
  private state: MemberState;
  private readonly store: MemberStore;
  private readonly codec = new MemberCodec();
  private readonly submitter: L1Submitter;
  private readonly follower: L1Follower;
  private readonly pusher: WatchtowerPusher | null;
  private readonly waiters = new PaymentWaiters();
  /** What the core dropped and why, logged as counts once a minute (stdout, one JSON line). */
  readonly drops: DropLog;
  private readonly loop: StepLoop<InboxEntry, Action, Receipt>;
  private readonly timers = new TokenTimers<'progress', number>((_timer, token) => this.loop.admit({ event: { type: 'timeout', token } }, PROTOCOL_LANE));
  /** The signed version when the last batch was persisted (for the crash-after-persist test hook). */
  private signedAtLastPersist: number;
  /** What GET /metrics exports, fed from the loop's batches and effects. */
  readonly metrics: MemberMetrics;
  /** Acknowledged outbox ids not deleted yet (DELIVERED_DELETE_DELAY_MS), and the timer that deletes them without a batch. */
  private delivered: number[] = [];
  private deliveredTimer: NodeJS.Timeout | null = null;

  constructor(readonly options: MemberNodeOptions) {
    const { record } = options;
    this.metrics = new MemberMetrics(
      { member: options.self, channel: record.id },
      {
        inboxEvents: () => this.loop.queued,
        version: () => this.state.latest.state.version,
        signedVersion: () => this.state.signedVersion,
        wedged: () => this.state.wedged !== null,
        pendingPayments: () => this.state.pending.size,
        l1Height: () => this.state.l1?.height ?? 0,
        peers: () => this.transport.reachability(),
      },
    );
    this.ctx = {
      config: {
        chainId: options.chainId,
        channelId: record.id,
        members: record.members.map((member) => ({ publicKey: member.publicKey })),
        self: options.self,
        topology: record.topology,
        deposits: [...record.deposits],
        maxBatchPayments: options.maxBatchPayments,
        maxPendingPayments: MAX_PENDING_PAYMENTS,
        progressTimeoutMs: options.progressTimeoutMs,
      },
      // The core checks signatures through this scheme, so every check is counted.
      scheme: countVerifications(options.scheme, (valid) => this.metrics.signatureChecked(valid)),
      secretKey: options.account.secretKey,
    };
    assert(options.peers.length === record.members.length, 'one peer url per member');
    mkdirSync(options.dataDir, { recursive: true });
    this.drops = new DropLog((line) => options.log.info('dropped', { ...line }));
    this.store = createMemberStore(openDatabase(join(options.dataDir, 'member.sqlite')));
    this.state = this.recover();
    this.signedAtLastPersist = this.state.signedVersion;
    this.loop = new StepLoop<InboxEntry, Action, Receipt>(
      {
        maxQueuedEvents: MAX_INBOX_EVENTS,
        lanes: [
          { maxPerBatch: MAX_BATCH_EVENTS },
          // Payments for about PAYMENT_BUDGET_MS a batch; the count cap is only reached by payments refused at once.
          { maxPerBatch: MAX_BATCH_EVENTS, budgetMs: PAYMENT_BUDGET_MS, minPerBatch: MIN_BATCH_PAYMENTS },
        ],
      },
      {
        step: (entry, actions) => this.stepEntry(entry, actions),
        persist: (actions) => this.persist(actions),
        perform: (action, receipt) => this.perform(action, receipt),
      },
    );
    this.peerKeys = deriveChannelPeerKeys(
      options.chainId,
      record.id,
      options.self,
      options.account.secretKey,
      record.members.map((member) => member.publicKey),
    );
    this.transport = createMemberLinks({
      channelId: record.id,
      self: options.self,
      urls: options.peers,
      keys: this.peerKeys,
      delivered: (ids) => {
        if (!this.loop.stopped) this.outboxDelivered(ids);
      },
      log: options.log,
    });
    this.submitter = new L1Submitter(options.reader.client, options.account, this.store, options.log);
    this.follower = new L1Follower({
      reader: options.reader,
      pollMs: options.l1PollMs,
      channelIds: () => [record.id],
      // One view per poll at most: the shell's own event, never refused.
      onView: (_channelId, view) => this.loop.admit({ event: { type: 'l1', channel: view } }, PROTOCOL_LANE),
    });
    this.pusher = options.watchtowerUrl === null ? null : new WatchtowerPusher(options.watchtowerUrl, { chainId: options.chainId, channelId: record.id, members: this.ctx.config.members }, options.scheme, options.log);
  }

  // ------------------------------------------------------------------ queries

  get memberState(): Readonly<MemberState> {
    return this.state;
  }

  certificate(version: number): { state: string; signatures: string } | null {
    return this.store.certificate(version);
  }

  get queued(): number {
    return this.loop.queued;
  }

  /** False once the step loop stopped (a shutdown, or a batch that failed: the process is going down). */
  get running(): boolean {
    return !this.loop.stopped;
  }

  // ------------------------------------------------------------------ driving

  /** Resends what the last run persisted but may not have delivered, then starts the core and the followers. */
  start(): void {
    for (const row of this.store.outbox()) this.transport.send(row.peer, { id: row.id, text: row.message });
    for (const job of this.store.l1Jobs()) {
      this.submitter.add({
        id: job.id,
        channelId: job.channelId,
        action: L1ActionSchema.parse(job.action),
        certificate: job.certificate === null ? null : certificateFromWire(WireCertificate.parse(JSON.parse(job.certificate))),
      });
    }
    if (this.pusher !== null && this.state.latest.state.version > 0) this.pusher.push(this.state.latest);
    this.loop.admit({ event: { type: 'start' } }, PROTOCOL_LANE);
    this.follower.start();
  }

  stop(): void {
    this.loop.stop();
    this.deleteDelivered();
    this.timers.clearAll();
    this.drops.stop();
    this.follower.stop();
    this.submitter.stop();
    this.pusher?.stop();
    this.transport.close();
    this.store.close();
  }

  /** An event from a peer or a client; false when the inbox is full (the caller answers BUSY). */
  enqueue(entry: InboxEntry): boolean {
    return this.loop.offer(entry, entry.event.type === 'payment' ? PAYMENT_LANE : PROTOCOL_LANE);
  }

  get waitingPayments(): number {
    return this.waiters.size;
  }

  paymentWaiter(paymentId: string, waitMs: number, answer: (outcome: PaymentOutcome) => void): Waiter {
    const startedMs = performance.now();
    return this.waiters.create(paymentId, waitMs, (outcome) => {
      this.metrics.paymentAnswered((performance.now() - startedMs) / 1000);
      answer(outcome);
    });
  }

  /** This member's withdrawal of `amount`; `waiter` is answered with the version of the certificate that carries it, or its rejection. */
  submitWithdrawal(amount: bigint, waiter: Waiter): boolean {
    return this.enqueue({ event: { type: 'withdraw', amount }, waiter });
  }

  /** A top-up from this member's L1 account, final on L1 when it resolves (l1-deposit.ts). */
  deposit(amount: bigint): Promise<DepositResult> {
    return depositOnL1(this.options.reader.client, this.options.account, this.ctx.config.channelId, amount);
  }

  /** Submits a client's payment; `waiter` is answered with its certificate's version or its rejection. */
  submitPayment(payment: Payment, waiter: Waiter): boolean {
    return this.enqueue({ event: { type: 'payment', payment }, waiter });
  }

  // ------------------------------------------------------------------ the loop
  // A failed assertion in a step throws out of the loop and crashes the
  // process (StepLoop): a bug must never be papered over.

  /** Steps one event; a client's payment starts waiting for its outcome unless the step refused it at once. */
  private stepEntry(entry: InboxEntry, actions: Action[]): void {
    const { event, waiter } = entry;
    const outcomes: Outcome[] = stepMember(this.ctx, this.state, event).effects.map((effect) => ({ effect }));
    if (event.type === 'payment' && waiter !== undefined) {
      // Refused at once (bad signature, duplicate, overdraft, wedged...): that answer is for this request alone.
      const own = outcomes.find(({ effect }) => effect.type === 'payment-rejected' && effect.paymentId === event.payment.paymentId);
      if (own !== undefined) own.ownWaiter = waiter;
      else this.waiters.register(waiter);
    }
    if (event.type === 'withdraw' && waiter !== undefined) {
      // Refused at once (a withdrawal pending, above the balance, wedged...): that answer is for this request alone.
      const own = outcomes.find(({ effect }) => effect.type === 'withdrawal-rejected');
      if (own !== undefined) own.ownWaiter = waiter;
      else this.waiters.register(waiter);
    }
    actions.push(...outcomes);
    if (entry.done !== undefined) actions.push({ reply: entry.done });
  }

  /** The batch's one write; then the crash test hook, which dies between persisting and sending. */
  private persist(actions: readonly Action[]): Receipt {
    const effects = actions.flatMap((action) => ('effect' in action ? [action.effect] : []));
    const { sends, jobs } = this.write(effects);
    if (this.options.crashAfterPersist === 'signature' && this.state.signedVersion > this.signedAtLastPersist) this.crashForTest();
    this.signedAtLastPersist = this.state.signedVersion;
    return { sends, jobs, sendIndex: 0, jobIndex: 0 };
  }

  /** Sends and L1 jobs go out with the ids the store gave them, in the order the steps produced them. */
  private perform(action: Action, receipt: Receipt): void {
    if ('reply' in action) return action.reply();
    if (action.effect.type === 'send') return this.transport.send(action.effect.to, receipt.sends[receipt.sendIndex++]!);
    if (action.effect.type === 'submit-l1') {
      const job = receipt.jobs[receipt.jobIndex++]!;
      if (job !== null) {
        this.metrics.l1ActionQueued(job.channelId, job.action);
        this.options.log.info(isDispute(job.action) ? 'dispute' : 'settlement', { channelId: job.channelId, action: job.action, version: job.certificate?.state.version ?? 0 });
        this.submitter.add(job);
      }
      return;
    }
    this.performOutcome(action);
  }

  private write(effects: readonly MemberEffect[]) {
    const outbox: { peer: number; message: string }[] = [];
    const l1Jobs: { channelId: string; action: string; certificate: string | null }[] = [];
    const jobSlots: (Omit<L1Job, 'id'> | null)[] = [];
    for (const effect of effects) {
      if (effect.type === 'send') outbox.push({ peer: effect.to, message: JSON.stringify(memberMessageToWire(effect.message)) });
      if (effect.type === 'submit-l1') {
        const channelId = this.ctx.config.channelId;
        // The same transaction already waiting (the core resubmits every few blocks) is not queued twice.
        const queued =
          this.submitter.has(channelId, effect.action, effect.certificate) ||
          jobSlots.some((job) => job !== null && job.action === effect.action && job.certificate?.state.version === effect.certificate?.state.version);
        if (queued) {
          jobSlots.push(null);
          continue;
        }
        jobSlots.push({ channelId, action: effect.action, certificate: effect.certificate });
        const certificate = effect.certificate === null ? null : JSON.stringify(certificateToWire(effect.certificate));
        l1Jobs.push({ channelId, action: effect.action, certificate });
      }
    }
    const outboxDelivered = this.takeDelivered();
    const batch = { ...this.codec.batchOf(this.state, effects), outbox, outboxDelivered, l1Jobs };
    const writeStarted = performance.now();
    const { outboxIds, l1JobIds } = this.store.persist(batch);
    this.metrics.sqliteCommitted((performance.now() - writeStarted) / 1000);
    const sends = outbox.map((entry, index) => ({ id: outboxIds[index]!, text: entry.message }));
    let jobIndex = 0;
    const jobs = jobSlots.map((slot) => (slot === null ? null : { ...slot, id: l1JobIds[jobIndex++]! }));
    return { sends, jobs };
  }

  private outboxDelivered(ids: readonly number[]): void {
    for (const id of ids) this.delivered.push(id);
    if (this.delivered.length >= MAX_DELIVERED_UNDELETED) this.deleteDelivered();
    else this.deliveredTimer ??= setTimeout(() => this.deleteDelivered(), DELIVERED_DELETE_DELAY_MS);
  }

  /** The acknowledged ids waiting, for the batch being written. */
  private takeDelivered(): number[] {
    if (this.deliveredTimer !== null) clearTimeout(this.deliveredTimer);
    this.deliveredTimer = null;
    const ids = this.delivered;
    this.delivered = [];
    return ids;
  }

  private deleteDelivered(): void {
    const ids = this.takeDelivered();
    if (ids.length > 0) this.store.deliveredOutbox(ids);
  }

  private performOutcome({ effect, ownWaiter }: Outcome): void {
    switch (effect.type) {
      case 'set-timer':
        return this.timers.set('progress', effect.token, effect.afterMs);
      case 'clear-timer':
        return this.timers.clear('progress');
      case 'certified':
        this.metrics.paymentsCertified(effect.paymentIds.length);
        for (const paymentId of effect.paymentIds) this.waiters.settleAll(paymentId, { version: effect.certificate.state.version });
        this.pusher?.push(effect.certificate);
        if (effect.certificate.state.final) this.options.log.info('final-certificate', { version: effect.certificate.state.version });
        return;
      case 'payment-rejected': {
        this.metrics.paymentRejected(effect.code);
        const outcome = { code: effect.code, message: `payment ${effect.paymentId} rejected: ${effect.code}` };
        if (ownWaiter !== undefined) ownWaiter.settle(outcome);
        // A duplicate seen later (a forwarded copy of a payment known here) says nothing about the original.
        else if (effect.code !== 'DUPLICATE_PAYMENT') this.waiters.settleAll(effect.paymentId, outcome);
        return;
      }
      case 'withdrawal-certified':
        this.options.log.info('withdrawal-certified', { amount: String(effect.amount), version: effect.version });
        return this.waiters.settleAll(WITHDRAWAL_WAITER, { version: effect.version });
      case 'withdrawal-rejected': {
        const outcome = { code: effect.code, message: `withdrawal of ${effect.amount} rejected: ${effect.code}` };
        if (ownWaiter !== undefined) return ownWaiter.settle(outcome);
        return this.waiters.settleAll(WITHDRAWAL_WAITER, outcome);
      }
      case 'wedged':
        this.metrics.wedged(effect.reason);
        this.options.log.info('wedged', { reason: effect.reason, version: this.state.latest.state.version });
        return;
      case 'dropped':
        this.drops.add(effect.input, effect.reason);
        this.metrics.inputDropped(effect.input, effect.reason);
        return;
      case 'send':
      case 'submit-l1':
        return; // carried out by perform with the ids the store gave them
    }
  }

  private crashForTest(): void {
    const line = `${JSON.stringify({
      event: 'crash-after-persist',
      member: this.options.self,
      signedVersion: this.state.signedVersion,
      signedHash: this.state.signedHash,
      pid: process.pid,
    })}\n`;
    // Synchronous writes: the process dies on the next line.
    writeSync(1, line);
    process.kill(process.pid, 'SIGKILL');
  }

  // ----------------------------------------------------------------- recovery

  private recover(): MemberState {
    const identity = channelIdentity(this.options.chainId, this.options.record, this.options.self);
    const stored = this.store.loadConfig();
    if (stored === null) {
      if (this.options.record.status !== 'open') throw new Error(`channel ${this.options.record.id} is ${this.options.record.status} on L1; a new member can only join an open channel`);
      this.store.saveConfig(identity);
    } else if (stored !== identity) {
      throw new Error(`data directory ${this.options.dataDir} belongs to another channel or member: ${stored}`);
    }
    const loaded = this.store.load();
    // The core's restore rule (which pending payments survive, no timer runs): the simulator's restarts go through it too.
    const state = restoreMemberState(this.ctx, loaded === null ? null : this.codec.decode(loaded));
    this.options.log.info('recovered', {
      version: state.latest.state.version,
      signedVersion: state.signedVersion,
      wedged: state.wedged,
      pending: state.pending.size,
      highestSeqs: state.payerSeqs.map((window) => window.highest),
      publicKey: toHex(this.options.account.publicKey),
    });
    return state;
  }
}
