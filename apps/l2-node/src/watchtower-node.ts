// The shell around the watchtower core (@wedge/channel): members push their
// certificates, the shell follows the watched channels on L1, and the core
// decides when to challenge or settle — with the watchtower's own L1 account,
// which needs no funds (challenge and settle cost no fee). Same loop as the
// member (@wedge/shell's StepLoop): bounded inbox → step → persist in one
// transaction → perform.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import {
  createWatchtowerState,
  stepWatchtower,
  type Certificate,
  type WatchedChannel,
  type WatchtowerEffect,
  type WatchtowerEvent,
  type WatchtowerState,
} from '@wedge/channel';
import { WedgeError } from '@wedge/common';
import type { KeyPair, SignatureScheme } from '@wedge/crypto';
import type { ChannelRecord } from '@wedge/ledger';
import { StepLoop, countVerifications } from '@wedge/shell';
import { openDatabase } from '@wedge/store';
import { z } from 'zod';
import { L1Follower } from './l1-follower.ts';
import type { L1Reader } from './l1-reader.ts';
import { L1Submitter, type L1Job } from './l1-submitter.ts';
import type { Logger } from './logger.ts';
import { isDispute } from './l2-metrics.ts';
import { WatchtowerMetrics } from './watchtower-metrics.ts';
import { createWatchtowerStore, type WatchtowerStore } from './watchtower-store.ts';
import { WireCertificate, certificateFromWire, certificateToWire } from './wire.ts';

export type WatchtowerNodeOptions = {
  readonly chainId: string;
  readonly account: KeyPair;
  readonly scheme: SignatureScheme;
  readonly dataDir: string;
  readonly l1PollMs: number;
  readonly reader: L1Reader;
  readonly log: Logger;
};

export const MAX_WATCHTOWER_INBOX = 20_000;
const MAX_BATCH_EVENTS = 1_000;
const WatchtowerAction = z.enum(['challenge', 'settle']);

type InboxEntry = { readonly event: WatchtowerEvent; readonly done?: (effects: readonly WatchtowerEffect[]) => void };
/** One stepped event of a batch: the entry, and what its step decided. */
type Stepped = { readonly entry: InboxEntry; readonly effects: readonly WatchtowerEffect[] };
/** The L1 jobs a batch persisted, by the stepped event and effect that asked for them. */
type Receipt = ReadonlyMap<WatchtowerEffect, L1Job>;

export class WatchtowerNode {
  private readonly state: WatchtowerState;
  private readonly store: WatchtowerStore;
  private readonly submitter: L1Submitter;
  private readonly follower: L1Follower;
  private readonly loop: StepLoop<InboxEntry, Stepped, Receipt>;
  /** What GET /metrics exports, fed from the loop's batches and effects. */
  readonly metrics: WatchtowerMetrics;
  /** The scheme the core checks certificates with, counting each check. */
  private readonly scheme: SignatureScheme;

  constructor(readonly options: WatchtowerNodeOptions) {
    this.metrics = new WatchtowerMetrics(() => this.loop.queued, () => this.state.channels);
    this.scheme = countVerifications(options.scheme, (valid) => this.metrics.signatureChecked(valid));
    mkdirSync(options.dataDir, { recursive: true });
    this.store = createWatchtowerStore(openDatabase(join(options.dataDir, 'watchtower.sqlite')));
    this.state = createWatchtowerState();
    for (const row of this.store.loadChannels()) this.state.channels.set(row.channelId, deserialize(row.channel) as WatchedChannel);
    this.submitter = new L1Submitter(options.reader.client, options.account, this.store, options.log);
    this.loop = new StepLoop<InboxEntry, Stepped, Receipt>(
      { maxQueuedEvents: MAX_WATCHTOWER_INBOX, lanes: [{ maxPerBatch: MAX_BATCH_EVENTS }] },
      {
        step: (entry, stepped) => void stepped.push({ entry, effects: stepWatchtower(this.scheme, this.state, entry.event) }),
        persist: (stepped) => this.persist(stepped),
        perform: (stepped, jobs) => this.perform(stepped, jobs),
      },
    );
    this.follower = new L1Follower({
      reader: options.reader,
      pollMs: options.l1PollMs,
      channelIds: () => [...this.state.channels].filter(([, channel]) => !channel.closed).map(([channelId]) => channelId),
      // One view per followed channel and poll: the shell's own event, never refused.
      onView: (channelId, view) => this.loop.admit({ event: { type: 'l1', channelId, channel: view } }),
    });
    options.log.info('recovered', { channels: this.state.channels.size });
  }

  get channels(): ReadonlyMap<string, WatchedChannel> {
    return this.state.channels;
  }

  lastL1View(channelId: string) {
    return this.follower.lastView(channelId);
  }

  start(): void {
    for (const job of this.store.l1Jobs()) {
      this.submitter.add({
        id: job.id,
        channelId: job.channelId,
        action: WatchtowerAction.parse(job.action),
        certificate: job.certificate === null ? null : certificateFromWire(WireCertificate.parse(JSON.parse(job.certificate))),
      });
    }
    this.follower.start();
  }

  stop(): void {
    this.loop.stop();
    this.follower.stop();
    this.submitter.stop();
    this.store.close();
  }

  /** Starts watching a channel as L1 records it (members in order). */
  watch(record: ChannelRecord): Promise<readonly WatchtowerEffect[]> {
    return this.request({
      type: 'watch',
      channelId: record.id,
      chainId: this.options.chainId,
      members: record.members.map((member) => ({ publicKey: member.publicKey })),
    });
  }

  push(channelId: string, certificate: Certificate): Promise<readonly WatchtowerEffect[]> {
    return this.request({ type: 'push', channelId, certificate });
  }

  get queued(): number {
    return this.loop.queued;
  }

  /** False once the step loop stopped (a shutdown, or a batch that failed: the process is going down). */
  get running(): boolean {
    return !this.loop.stopped;
  }

  private request(event: WatchtowerEvent): Promise<readonly WatchtowerEffect[]> {
    return new Promise((resolve, reject) => {
      if (!this.loop.offer({ event, done: resolve })) reject(new WedgeError('BUSY', 'inbox full; retry later'));
    });
  }

  /** The batch's one write: every channel a step touched, and the L1 jobs the steps asked for (not those already waiting). */
  private persist(stepped: readonly Stepped[]): Receipt {
    const touched = new Set<string>();
    const jobs: { effect: WatchtowerEffect; job: Omit<L1Job, 'id'> }[] = [];
    for (const { entry, effects } of stepped) {
      touched.add(entry.event.channelId);
      for (const effect of effects) {
        if (effect.type !== 'submit-l1' || this.submitter.has(effect.channelId, effect.action, effect.certificate)) continue;
        jobs.push({ effect, job: { channelId: effect.channelId, action: effect.action, certificate: effect.certificate } });
      }
    }
    const channels = [...touched].flatMap((channelId) => {
      const channel = this.state.channels.get(channelId);
      return channel === undefined ? [] : [{ channelId, channel: serialize(channel) }];
    });
    const l1Jobs = jobs.map(({ job }) => ({
      channelId: job.channelId,
      action: job.action,
      certificate: job.certificate === null ? null : JSON.stringify(certificateToWire(job.certificate)),
    }));
    const writeStarted = performance.now();
    const { l1JobIds } = this.store.persist({ channels, l1Jobs });
    this.metrics.sqliteCommitted((performance.now() - writeStarted) / 1000);
    return new Map(jobs.map(({ effect, job }, index) => [effect, { ...job, id: l1JobIds[index]! }]));
  }

  /** An event's L1 jobs go to the submitter, then its request (if any) gets the step's effects. */
  private perform({ entry, effects }: Stepped, jobs: Receipt): void {
    for (const effect of effects) {
      if (effect.type === 'push-rejected') this.metrics.pushRejected(effect.code);
      const job = jobs.get(effect);
      if (job === undefined) continue;
      this.metrics.l1ActionQueued(job.channelId, job.action);
      this.options.log.info(isDispute(job.action) ? 'dispute' : 'settlement', { channelId: job.channelId, action: job.action, version: job.certificate?.state.version ?? 0 });
      this.submitter.add(job);
    }
    if (entry.event.type === 'push' && !effects.some((effect) => effect.type === 'push-rejected')) this.metrics.certified(entry.event.channelId);
    entry.done?.(effects);
  }
}
