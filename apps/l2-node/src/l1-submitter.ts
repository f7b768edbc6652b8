// Carries out the cores' `submit-l1` effects: each becomes a signed L1
// transaction (channel.terminate / challenge / settle / close) from this
// process's own account, at its nonce on L1, submitted through the client and
// followed to finality. Jobs are persisted with the step that produced them
// and removed once L1 has decided (committed, or refused for a reason that a
// retry cannot change), so a crash between deciding and submitting loses
// nothing. Jobs run one at a time (each needs the account's next nonce) on
// their own async loop (@wedge/shell's SerialJobs): the member's inbox never
// waits for L1.
//
// The transaction is the one channelActionBody builds (as everywhere), and the
// retry policy is the cores' (l1-policy.ts in @wedge/channel): a job tries its
// submission again only while L1 gives no answer, as l1SubmissionVerdict
// says; once the ledger has answered, resubmitting is the core's decision.
import {
  channelActionBody,
  L1_SUBMISSION,
  l1SubmissionVerdict,
  type Certificate,
  type L1Action,
  type L1Answer,
} from '@wedge/channel';
import { ApiError, type WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';
import { SerialJobs } from '@wedge/shell';
import type { SignedTx } from '@wedge/ledger';
import type { Logger } from './logger.ts';

export type L1Job = { readonly id: number; readonly channelId: string; readonly action: L1Action; readonly certificate: Certificate | null };

export type L1JobStore = { l1JobDone(id: number): void };

/** Jobs kept at once; the cores resubmit what still matters every few L1 blocks, so dropping the oldest is safe. */
const MAX_JOBS = 64;

export class L1Submitter {
  private readonly jobs: SerialJobs<L1Job>;
  private stopped = false;

  constructor(
    private readonly client: WedgeClient,
    private readonly account: KeyPair,
    store: L1JobStore,
    private readonly log: Logger,
  ) {
    this.jobs = new SerialJobs<L1Job>({
      maxWaitingJobs: MAX_JOBS,
      run: (job) => this.carryOut(job),
      // Decided by L1, or pushed out by the bound: either way no longer the shell's to do.
      onDone: (job) => store.l1JobDone(job.id),
      onDropped: (job) => store.l1JobDone(job.id),
      // Anything but an answer (or a missing one) from L1 is a bug: crash the process.
      onError: (error) => {
        throw error;
      },
    });
  }

  /** True when an equal job (same channel, action and state version) is running or waiting. */
  has(channelId: string, action: L1Action, certificate: Certificate | null): boolean {
    const version = certificate?.state.version ?? null;
    return this.jobs.some((job) => job.channelId === channelId && job.action === action && (job.certificate?.state.version ?? null) === version);
  }

  add(job: L1Job): void {
    this.jobs.add(job);
  }

  /** The running job stays in the store (it may not have reached L1); a restart carries it out again. */
  stop(): void {
    this.stopped = true;
    this.jobs.stop();
  }

  private async carryOut(job: L1Job): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      const answer = await this.tryOnce(job);
      const verdict = l1SubmissionVerdict(answer, attempt);
      if (verdict.done) {
        const decided = answer.kind !== 'unanswered' && answer.code !== 'BAD_NONCE';
        if (!decided) this.log.info('l1-tx-gave-up', { action: job.action, version: job.certificate?.state.version ?? 0, attempts: attempt });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, verdict.retryAfterMs));
    }
  }

  /** One submission at the account's current nonce, and what L1 said to it. */
  private async tryOnce(job: L1Job): Promise<L1Answer> {
    const version = job.certificate?.state.version ?? 0;
    try {
      const nonce = (await this.client.getAccount(this.account.address)).nonce;
      const [hash] = await this.client.submit(this.txOf(job, nonce));
      const final = await this.client.waitForFinality(hash!, { timeoutMs: L1_SUBMISSION.finalityTimeoutMs });
      // BAD_NONCE here: another transaction at our nonce (a resubmission) got in first; the verdict tries again.
      this.log.info('l1-tx', { action: job.action, version, code: final.code, height: final.height });
      return { kind: 'committed', code: final.code };
    } catch (error) {
      // Anything but an answer (or a missing one) from L1 is a bug: let it crash the process.
      if (!(error instanceof ApiError)) throw error;
      if (error.httpStatus !== null && error.httpStatus >= 400 && error.httpStatus < 500) {
        // The ledger refuses it now (stale, closed, deadline not reached...): the core decides whether to try again.
        if (error.code !== 'BAD_NONCE') this.log.info('l1-tx', { action: job.action, version, code: error.code });
        return { kind: 'refused', code: error.code };
      }
      this.log.info('l1-tx-retry', { action: job.action, code: error.code, error: error.message.slice(0, 200) });
      return { kind: 'unanswered' };
    }
  }

  private txOf(job: L1Job, nonce: number): SignedTx {
    return this.client.buildTx({ ...channelActionBody(job.channelId, job.action, job.certificate), from: this.account.address, nonce }, [this.account]);
  }
}
