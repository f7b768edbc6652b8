// Reading an L1 account as of a block. Replicas execute the same blocks, but
// not at the same instant, and each call of the client may ask a different
// replica: a balance read just after a block was seen at one replica (the
// block that settled a channel, say) can come from another that has not
// executed it yet. `accountAt` asks until a replica answers as of `minHeight`
// or later; with every account read at or after the last block that moved
// funds, the reads agree with one another.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccountView } from '@wedge/api';
import type { WedgeClient } from '@wedge/client';
import { CliError } from './cli-error.ts';

const POLL_MS = 100;
const DEFAULT_TIMEOUT_MS = 30_000;

export async function accountAt(client: WedgeClient, address: string, minHeight: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<AccountView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await client.getAccount(address);
    if (view.height >= minHeight) return view;
    if (Date.now() > deadline) {
      throw new CliError('TIMEOUT', `no replica answered for account ${address} as of height ${minHeight} within ${timeoutMs} ms (the last answer was as of ${view.height})`);
    }
    await sleep(POLL_MS);
  }
}
