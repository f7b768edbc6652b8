// Continuous L1 load: each sender account sends batches of transfers with
// consecutive nonces and resubmits what is not executed yet until the batch's
// last transaction is proven final (a replica killed with the batch in its
// mempool lost it). Every transaction of a batch seen final is recorded: the
// checks later demand it committed on every replica.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';
import { txHash, type SignedTx } from '@wedge/ledger';

const BATCH = 20;
const FINALITY_TIMEOUT_MS = 10_000;
const RETRY_PAUSE_MS = 250;

export type FinalTransfer = { readonly hash: string; readonly height: number; readonly atMs: number };

export class TransferSender {
  /** Transactions of batches seen final, with the height of the batch's last transaction (an upper bound for all of them). */
  readonly final: FinalTransfer[] = [];
  /** Submissions or finality waits that failed and were retried (expected while replicas are down). */
  retries = 0;
  private nonce: number | null = null;
  private stopping = false;
  private done: Promise<void> | null = null;

  constructor(
    private readonly client: WedgeClient,
    private readonly from: KeyPair,
    private readonly to: string,
    private readonly clock: () => number,
  ) {}

  start(): void {
    this.stopping = false;
    this.done = this.run();
  }

  /** Lets the batch in flight become final (or gives up on it after its retries), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }

  private async run(): Promise<void> {
    while (this.nonce === null) {
      try {
        this.nonce = (await this.client.getAccount(this.from.address)).nonce;
      } catch {
        await sleep(RETRY_PAUSE_MS);
      }
    }
    while (!this.stopping) {
      const batch: SignedTx[] = Array.from({ length: BATCH }, (_, index) =>
        this.client.buildTx({ type: 'transfer', from: this.from.address, nonce: this.nonce! + index, to: this.to, amount: 1n }, [this.from]),
      );
      const height = await this.untilFinal(batch);
      this.nonce += BATCH;
      const atMs = this.clock();
      for (const tx of batch) this.final.push({ hash: txHash(tx), height, atMs });
    }
  }

  /** Submits what the ledger has not executed yet until the batch's last transaction is final; returns its height. */
  private async untilFinal(batch: SignedTx[]): Promise<number> {
    const last = txHash(batch.at(-1)!);
    for (;;) {
      let executedNonce = this.nonce!;
      try {
        executedNonce = (await this.client.getAccount(this.from.address)).nonce;
      } catch {
        // Every replica busy or down for a moment: submit the whole batch.
      }
      const open = batch.filter((tx) => tx.body.nonce >= executedNonce);
      try {
        if (open.length > 0) await this.client.submit(open);
        const final = await this.client.waitForFinality(last, { timeoutMs: FINALITY_TIMEOUT_MS });
        if (final.code !== 'OK') throw new Error(`transfer ${last} executed with ${final.code}`);
        return final.height;
      } catch (error) {
        // A transfer of ours executed with an error code is a bug in the load, not a fault: say so.
        if (error instanceof Error && error.message.includes('executed with')) throw error;
        this.retries += 1;
        await sleep(RETRY_PAUSE_MS);
      }
    }
  }
}
