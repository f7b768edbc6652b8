// The shell around one channel member core (@wedge/channel), in the image of
// the L1 replica shell: events wait in an inbox and are drained in batches;
// each batch's steps are persisted — state, certificates, and the effects
// that must survive a crash (peer messages, L1 transactions) — in ONE SQLite
// transaction before any effect is carried out. So a signature never leaves
// the process before the decision to sign is durable (honest-member rule 2
// across crashes), and whatever the batch decided to send is sent even if the
// process dies right after persisting.
import { mkdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMemberState,
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
import { openDatabase } from '@wedge/store';
import { z } from 'zod';
import { L1Follower } from './l1-follower.ts';
import type { L1Reader } from './l1-reader.ts';
import { L1Submitter, type L1Job } from './l1-submitter.ts';
import type { Logger } from './logger.ts';
import { MemberCodec } from './member-codec.ts';
import { createMemberStore, type MemberStore } from './member-store.ts';
import { deriveChannelPeerKeys, type ChannelPeerKeys } from './peer-auth.ts';
import { PeerTransport } from './peer-transport.ts';
import { PaymentWaiters, type PaymentOutcome, type Waiter } from './payment-waiters.ts';
import { WatchtowerPusher } from './watchtower-pusher.ts';
import { WireCertificate, certificateFromWire, certificateToWire, memberMessageToWire } from './wire.ts';

const L1ActionSchema = z.enum(['terminate', 'challenge', 'settle', 'close']);

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

/** An effect of a step, and the client request it answers when the step rejected that request's own payment. */
type Outcome = { effect: MemberEffect; ownWaiter?: Waiter };

type InboxEntry = {
  readonly event: MemberEvent;
  /** For a client's payment: the request waiting for its outcome. */
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
  readonly transport: PeerTransport;
  private state: MemberState;
  private readonly store: MemberStore;
  private readonly codec = new MemberCodec();
  private readonly submitter: L1Submitter;
  private readonly follower: L1Follower;
  private readonly pusher: WatchtowerPusher | null;
  private readonly waiters = new PaymentWaiters();
  private readonly protocol: InboxEntry[] = [];
  private readonly payments: InboxEntry[] = [];
  private drainScheduled = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly options: MemberNodeOptions) {
    const { record } = options;
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
      scheme: options.scheme,
      secretKey: options.account.secretKey,
    };
    assert(options.peers.length === record.members.length, 'one peer url per member');
    mkdirSync(options.dataDir, { recursive: true });
    this.store = createMemberStore(openDatabase(join(options.dataDir, 'member.sqlite')));
    this.state = this.recover();
    this.peerKeys = deriveChannelPeerKeys(
      options.chainId,
      record.id,
      options.self,
      options.account.secretKey,
      record.members.map((member) => member.publicKey),
    );
    this.transport = new PeerTransport({
      channelId: record.id,
      self: options.self,
      urls: options.peers,
      keys: this.peerKeys,
      delivered: (ids) => {
        if (!this.stopped) this.store.deliveredOutbox(ids);
      },
      log: options.log,
    });
    this.submitter = new L1Submitter(options.reader.client, options.account, this.store, options.log);
    this.follower = new L1Follower({
      reader: options.reader,
      pollMs: options.l1PollMs,
      channelIds: () => [record.id],
      onView: (_channelId, view) => this.enqueue({ event: { type: 'l1', channel: view } }),
    });
    this.pusher = options.watchtowerUrl === null ? null : new WatchtowerPusher(options.watchtowerUrl, record.id, options.log);
  }

  // ------------------------------------------------------------------ queries

  get memberState(): Readonly<MemberState> {
    return this.state;
  }

  certificate(version: number): { state: string; signatures: string } | null {
    return this.store.certificate(version);
  }

  get queued(): number {
    return this.protocol.length + this.payments.length;
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
    this.enqueue({ event: { type: 'start' } });
    this.follower.start();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.follower.stop();
    this.submitter.stop();
    this.pusher?.stop();
    this.transport.close();
    this.store.close();
  }

  /** False when the inbox is full (the caller answers BUSY). */
  enqueue(entry: InboxEntry): boolean {
    if (this.stopped || this.queued >= MAX_INBOX_EVENTS) return false;
    if (entry.event.type === 'payment') this.payments.push(entry);
    else this.protocol.push(entry);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => this.drain());
    }
    return true;
  }

  get waitingPayments(): number {
    return this.waiters.size;
  }

  paymentWaiter(paymentId: string, waitMs: number, answer: (outcome: PaymentOutcome) => void): Waiter {
    return this.waiters.create(paymentId, waitMs, answer);
  }

  /** Submits a client's payment; `waiter` is answered with its certificate's version or its rejection. */
  submitPayment(payment: Payment, waiter: Waiter): boolean {
    return this.enqueue({ event: { type: 'payment', payment }, waiter });
  }

  // ------------------------------------------------------------------ the loop

  private drain(): void {
    this.drainScheduled = false;
    if (this.stopped) return;
    const signedBefore = this.state.signedVersion;
    const actions: (Outcome | { reply: () => void })[] = [];
    /** Payments other members forwarded in this batch: the ones kept across a crash while pending (member-codec.ts). */
    const forwarded: string[] = [];
    const take = (entry: InboxEntry): void => {
      // A failed assertion throws out of here and crashes the process: a bug must never be papered over.
      actions.push(...this.stepEntry(entry));
      if (entry.done !== undefined) actions.push({ reply: entry.done });
      if (entry.event.type === 'message' && entry.event.message.type === 'forward') forwarded.push(entry.event.message.payment.paymentId);
    };
    for (const entry of this.protocol.splice(0, MAX_BATCH_EVENTS)) take(entry);
    const paymentsFrom = performance.now();
    let taken = 0;
    while (this.payments.length > 0) {
      if (taken >= MIN_BATCH_PAYMENTS && performance.now() - paymentsFrom >= PAYMENT_BUDGET_MS) break;
      take(this.payments.shift()!);
      taken += 1;
    }
    const effects = actions.flatMap((action) => ('effect' in action ? [action.effect] : []));
    const { sends, jobs } = this.persist(effects, forwarded);
    if (this.options.crashAfterPersist === 'signature' && this.state.signedVersion > signedBefore) this.crashForTest();
    let sendIndex = 0;
    let jobIndex = 0;
    for (const action of actions) {
      if ('reply' in action) action.reply();
      else if (action.effect.type === 'send') this.transport.send(action.effect.to, sends[sendIndex++]!);
      else if (action.effect.type === 'submit-l1') {
        const job = jobs[jobIndex++]!;
        if (job !== null) this.submitter.add(job);
      } else this.perform(action);
    }
    if (this.queued > 0 && !this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Steps one event; a client's payment starts waiting for its outcome unless the step refused it at once. */
  private stepEntry(entry: InboxEntry): Outcome[] {
    const { event, waiter } = entry;
    const outcomes: Outcome[] = stepMember(this.ctx, this.state, event).effects.map((effect) => ({ effect }));
    if (event.type !== 'payment' || waiter === undefined) return outcomes;
    // Refused at once (bad signature, duplicate, overdraft, wedged...): that answer is for this request alone.
    const own = outcomes.find(({ effect }) => effect.type === 'payment-rejected' && effect.paymentId === event.payment.paymentId);
    if (own !== undefined) own.ownWaiter = waiter;
    else this.waiters.register(waiter);
    return outcomes;
  }

  private persist(effects: readonly MemberEffect[], forwarded: readonly string[]) {
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
    const { outboxIds, l1JobIds } = this.store.persist({ ...this.codec.batchOf(this.state, effects, forwarded), outbox, l1Jobs });
    const sends = outbox.map((entry, index) => ({ id: outboxIds[index]!, text: entry.message }));
    let jobIndex = 0;
    const jobs = jobSlots.map((slot) => (slot === null ? null : { ...slot, id: l1JobIds[jobIndex++]! }));
    return { sends, jobs };
  }

  private perform({ effect, ownWaiter }: Outcome): void {
    switch (effect.type) {
      case 'set-timer':
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = null;
          this.enqueue({ event: { type: 'timeout', token: effect.token } });
        }, effect.afterMs);
        return;
      case 'clear-timer':
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = null;
        return;
      case 'certified':
        for (const paymentId of effect.paymentIds) this.waiters.settleAll(paymentId, { version: effect.certificate.state.version });
        this.pusher?.push(effect.certificate);
        if (effect.certificate.state.final) this.options.log.info('final-certificate', { version: effect.certificate.state.version });
        return;
      case 'payment-rejected': {
        const outcome = { code: effect.code, message: `payment ${effect.paymentId} rejected: ${effect.code}` };
        if (ownWaiter !== undefined) ownWaiter.settle(outcome);
        // A duplicate seen later (a forwarded copy of a payment known here) says nothing about the original.
        else if (effect.code !== 'DUPLICATE_PAYMENT') this.waiters.settleAll(effect.paymentId, outcome);
        return;
      }
      case 'wedged':
        this.options.log.info('wedged', { reason: effect.reason, version: this.state.latest.state.version });
        return;
      case 'send':
      case 'submit-l1':
        return; // carried out by drain with the ids the store gave them
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
    const state = loaded === null ? createMemberState(this.ctx) : this.codec.decode(loaded);
    this.options.log.info('recovered', {
      version: state.latest.state.version,
      signedVersion: state.signedVersion,
      wedged: state.wedged,
      pending: state.pending.size,
      applied: state.applied.size,
      publicKey: toHex(this.options.account.publicKey),
    });
    return state;
  }
}
