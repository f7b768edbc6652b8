// Carries out the cores' `submit-l1` effects: each becomes a signed L1
// transaction (channel.terminate / challenge / settle / close) from this
// process's own account, at its nonce on L1, submitted through the client and
// followed to finality. Jobs are persisted with the step that produced them
// and removed once L1 has decided (committed, or refused for a reason that a
// retry cannot change), so a crash between deciding and submitting loses
// nothing. Jobs run one at a time (each needs the account's next nonce) on
// their own async loop: the member's inbox never waits for L1.
import { assert } from '@wedge/common';
import type { Certificate, L1Action } from '@wedge/channel';
import { ApiError, type WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';
import type { SignedTx } from '@wedge/ledger';
import type { Logger } from './logger.ts';

export type L1Job = { readonly id: number; readonly channelId: string; readonly action: L1Action; readonly certificate: Certificate | null };

export type L1JobStore = { l1JobDone(id: number): void };

/** Jobs kept at once; the cores resubmit what still matters every few L1 blocks, so dropping the oldest is safe. */
const MAX_JOBS = 64;
const FINALITY_TIMEOUT_MS = 15_000;
const RETRY_MS_MIN = 100;
const RETRY_MS_MAX = 2_000;
const MAX_ATTEMPTS = 20;

export class L1Submitter {
  private readonly jobs: L1Job[] = [];
  private running = false;
  private stopped = false;

  constructor(
    private readonly client: WedgeClient,
    private readonly account: KeyPair,
    private readonly store: L1JobStore,
    private readonly log: Logger,
  ) {}

  /** True when an equal job (same channel, action and state version) is already waiting. */
  has(channelId: string, action: L1Action, certificate: Certificate | null): boolean {
    const version = certificate?.state.version ?? null;
    return this.jobs.some((job) => job.channelId === channelId && job.action === action && (job.certificate?.state.version ?? null) === version);
  }

  add(job: L1Job): void {
    if (this.stopped) return;
    this.jobs.push(job);
    while (this.jobs.length > MAX_JOBS) {
      const dropped = this.jobs.splice(this.running ? 1 : 0, 1)[0]!;
      this.store.l1JobDone(dropped.id);
    }
    if (!this.running) void this.run();
  }

  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.jobs.length > 0) {
        const job = this.jobs[0]!;
        await this.carryOut(job);
        if (this.stopped) return;
        this.jobs.shift();
        this.store.l1JobDone(job.id);
      }
    } finally {
      this.running = false;
    }
  }

  private async carryOut(job: L1Job): Promise<void> {
    let delayMs = RETRY_MS_MIN;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !this.stopped; attempt++) {
      try {
        const nonce = (await this.client.getAccount(this.account.address)).nonce;
        const [hash] = await this.client.submit(this.txOf(job, nonce));
        const final = await this.client.waitForFinality(hash!, { timeoutMs: FINALITY_TIMEOUT_MS });
        this.log.info('l1-tx', { action: job.action, version: job.certificate?.state.version ?? 0, code: final.code, height: final.height });
        // Another transaction at our nonce (a resubmission) got in first: the nonce moved, try again.
        if (final.code !== 'BAD_NONCE') return;
      } catch (error) {
        // Anything but an answer (or a missing one) from L1 is a bug: let it crash the process.
        if (!(error instanceof ApiError)) throw error;
        const refused = error.httpStatus !== null && error.httpStatus >= 400 && error.httpStatus < 500;
        if (refused && error.code !== 'BAD_NONCE') {
          // The ledger refuses it now (stale, closed, deadline not reached...): the core decides whether to try again.
          this.log.info('l1-tx', { action: job.action, version: job.certificate?.state.version ?? 0, code: error.code });
          return;
        }
        if (!refused) this.log.info('l1-tx-retry', { action: job.action, code: error.code, error: error.message.slice(0, 200) });
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(RETRY_MS_MAX, delayMs * 2);
    }
    this.log.info('l1-tx-gave-up', { action: job.action, version: job.certificate?.state.version ?? 0 });
  }

  private txOf(job: L1Job, nonce: number): SignedTx {
    const from = this.account.address;
    const { channelId, certificate } = job;
    const signers = [this.account];
    switch (job.action) {
      case 'terminate':
        return this.client.buildTx(
          {
            type: 'channel.terminate',
            from,
            nonce,
            channelId,
            state: certificate === null ? null : certificate.state,
            stateSignatures: certificate === null ? [] : [...certificate.signatures],
          },
          signers,
        );
      case 'challenge':
      case 'close': {
        assert(certificate !== null, `${job.action} needs a certificate`);
        const type = job.action === 'close' ? 'channel.close' : 'channel.challenge';
        return this.client.buildTx({ type, from, nonce, channelId, state: certificate.state, stateSignatures: [...certificate.signatures] }, signers);
      }
      case 'settle':
        return this.client.buildTx({ type: 'channel.settle', from, nonce, channelId }, signers);
    }
  }
}
