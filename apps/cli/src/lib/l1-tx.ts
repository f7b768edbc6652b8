// Sending one L1 transaction from a local account and waiting for finality.
// A member's own process submits from the same account (terminate,
// challenge, settle), so the nonce we read may be taken by the time ours
// arrives: then we read it again and resend, a bounded number of times.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type FinalTx, type UnsignedTxBody, type WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';

const MAX_ATTEMPTS = 5;
const RETRY_MS = 300;
export const FINALITY_TIMEOUT_MS = 30_000;

type BodyWithoutNonce = UnsignedTxBody extends infer Body ? (Body extends UnsignedTxBody ? Omit<Body, 'nonce' | 'from'> : never) : never;

/** Sends `body` from `sender` (signed by `signers`, default the sender alone) at its current nonce; returns the final outcome. */
export async function sendFrom(client: WedgeClient, sender: KeyPair, body: BodyWithoutNonce, signers: readonly KeyPair[] = [sender]): Promise<FinalTx> {
  for (let attempt = 1; ; attempt++) {
    const nonce = (await client.getAccount(sender.address)).nonce;
    try {
      const final = await client.sendTx({ ...body, from: sender.address, nonce } as UnsignedTxBody, signers, { timeoutMs: FINALITY_TIMEOUT_MS });
      if (final.code !== 'BAD_NONCE' || attempt >= MAX_ATTEMPTS) return final;
    } catch (error) {
      const nonceTaken = error instanceof ApiError && error.code === 'BAD_NONCE';
      if (!nonceTaken || attempt >= MAX_ATTEMPTS) throw error;
    }
    await sleep(RETRY_MS);
  }
}
