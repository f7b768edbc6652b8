// A client of real replicas that keeps one account busy: batches of
// transfers with consecutive nonces, each resubmitted until its last
// transaction is proven final, recording the hashes it saw final. Tests that
// kill, pause or attack replicas use it as their load, then check that every
// transaction a client saw final is committed everywhere.
import type { WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';
import { txHash, type SignedTx } from '@wedge/ledger';

export type TransferWorkerOptions = {
  /** Transfers per batch. */
  readonly batch: number;
  /** How long to wait for a batch to be proven final before submitting it again. */
  readonly finalityTimeoutMs?: number;
  /** Attempts per batch before the worker gives up (and its stop() rejects). */
  readonly maxAttempts?: number;
};

export class TransferWorker {
  /** Hashes of the transactions known committed (see untilFinal), in order. */
  readonly final: string[] = [];
  /** Batches whose last transaction committed with an error code. */
  failedCommits = 0;
  /** Set when stop()'s bound passed with a batch still unproven (its transactions are not in `final`). */
  abandoned = false;
  private nonce = 0;
  private stopping = false;
  /** After this (epoch ms), the batch in flight is given up instead of retried. */
  private giveUpAt: number | null = null;
  private done: Promise<void> | null = null;

  constructor(
    private readonly client: WedgeClient,
    private readonly from: KeyPair,
    private readonly to: string,
    private readonly options: TransferWorkerOptions,
  ) {}

  start(): void {
    this.stopping = false;
    this.done = this.run();
  }

  /**
   * Lets the batch in flight become final, then stops; with `withinMs`, gives
   * the batch up when it is not proven final by then (`abandoned`; it ends
   * at most one finality wait later), so a caller's stop is bounded even
   * when the network cannot commit.
   */
  async stop(options: { withinMs?: number } = {}): Promise<void> {
    this.stopping = true;
    if (options.withinMs !== undefined) this.giveUpAt = Date.now() + options.withinMs;
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const batch = Array.from({ length: this.options.batch }, (_, index) => this.transfer(this.nonce + index, 1n));
      const final = await this.untilFinal(batch);
      this.nonce += this.options.batch;
      this.final.push(...final.map((tx) => txHash(tx)));
    }
  }

  private transfer(nonce: number, amount: bigint): SignedTx {
    return this.client.buildTx({ type: 'transfer', from: this.from.address, nonce, to: this.to, amount }, [this.from]);
  }

  /**
   * Submits what the ledger has not executed yet until the batch's last
   * transaction is proven final with OK, and resolves with the transactions
   * known committed: the whole batch (its last one's nonce is spent, so are
   * the earlier ones, and nothing else was signed at them). A transaction can
   * also commit with an error: a Byzantine primary may order a block so that
   * a sender's nonces come out of sequence, and the ledger executes them as
   * BAD_NONCE. Its hash is spent then, so the open rest of the batch is signed
   * again as new transactions (one unit more), `failedCommits` counts it, and
   * only the transactions proven final one by one are reported for it.
   */
  private async untilFinal(first: SignedTx[]): Promise<SignedTx[]> {
    let batch = first;
    const proven: SignedTx[] = [];
    const maxAttempts = this.options.maxAttempts ?? 40;
    for (let attempt = 0; ; attempt++) {
      if (this.giveUpAt !== null && Date.now() > this.giveUpAt) {
        this.abandoned = true;
        return proven;
      }
      let executedNonce = this.nonce;
      try {
        executedNonce = (await this.client.getAccount(this.from.address)).nonce;
      } catch {
        // every replica busy or down for a moment: submit the whole batch
      }
      const open = batch.filter((tx) => tx.body.nonce >= executedNonce);
      const last = batch.at(-1)!;
      try {
        if (open.length > 0) await this.client.submit(open);
        const final = await this.client.waitForFinality(txHash(last), { timeoutMs: this.options.finalityTimeoutMs ?? 15_000 });
        proven.push(last);
        if (final.code === 'OK') return batch === first ? first : proven;
        this.failedCommits += 1;
        const executed = (await this.client.getAccount(this.from.address)).nonce;
        batch = batch.filter((tx) => tx.body.nonce >= executed).map((tx) => this.transfer(tx.body.nonce, amountOf(tx) + 1n));
        if (batch.length === 0) return proven;
      } catch (error) {
        // A replica killed with the batch in its mempool lost it; a replica behind answered an old nonce: try again.
        if (attempt >= maxAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}

function amountOf(tx: SignedTx): bigint {
  if (tx.body.type !== 'transfer') throw new Error('a transfer worker signs transfers only');
  return tx.body.amount;
}
