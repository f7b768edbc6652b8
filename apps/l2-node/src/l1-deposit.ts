// A member's top-up (DESIGN §7): channel.deposit from the member's own L1
// account, signed with its key, submitted and followed to finality. It needs
// no decision of the core — the core learns of the deposit from its L1 view,
// and the members take it into the next state once that view shows it final
// — so the shell carries it out directly. The account's nonce may be taken
// meanwhile by one of the member's own dispute transactions (L1Submitter):
// then the deposit is signed again at the next nonce, a bounded number of times.
import { channelDepositBody } from '@wedge/channel';
import { ApiError, type WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';
import { LedgerError, isLedgerErrorCode } from '@wedge/ledger';

const ATTEMPTS_MAX = 5;
const FINALITY_TIMEOUT_MS = 15_000;

export type DepositResult = { readonly txHash: string; readonly height: number };

/** Resolves once the deposit is final on L1; rejects with the ledger's code (a LedgerError) when L1 refused it. */
export async function depositOnL1(client: WedgeClient, account: KeyPair, channelId: string, amount: bigint): Promise<DepositResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const nonce = (await client.getAccount(account.address)).nonce;
      const tx = client.buildTx({ ...channelDepositBody(channelId, amount), from: account.address, nonce }, [account]);
      const [hash] = await client.submit(tx);
      const final = await client.waitForFinality(hash!, { timeoutMs: FINALITY_TIMEOUT_MS });
      if (final.code === 'OK') return { txHash: hash!, height: final.height };
      if (final.code !== 'BAD_NONCE' || attempt >= ATTEMPTS_MAX) throw refusal(final.code);
    } catch (error) {
      // A refusal before a block (HTTP 4xx) carries the ledger's code already; only a taken nonce is tried again.
      if (error instanceof ApiError && error.code === 'BAD_NONCE' && attempt < ATTEMPTS_MAX) continue;
      throw error;
    }
  }
}

function refusal(code: string): LedgerError {
  return isLedgerErrorCode(code) ? new LedgerError(code) : new LedgerError('MALFORMED', `L1 answered ${code}`);
}
