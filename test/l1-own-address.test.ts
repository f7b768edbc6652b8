// Proves a replica listens on the host of its own URL in the genesis file,
// not on a hard-coded 127.0.0.1: four replicas at 127.0.0.2-5 (all loopback)
// commit a transfer and converge, and none of them answers on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '@wedge/common';
import { createClient } from '@wedge/client';
import { keyPairFromSecret } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { L1Network } from './support/l1-network.ts';

let network: L1Network;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, hosts: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'] });
  await network.startAll();
}, 60_000);

afterAll(async () => {
  await network?.destroy();
});

describe('replicas on their own addresses', () => {
  it('commit and converge, each reachable at its own address only', async () => {
    expect(network.urls.map((url) => new URL(url).hostname)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
    const client = createClient({ genesis: network.genesis });
    const [from, to] = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
    const final = await client.transfer(from!, to!.address, 5n, { timeoutMs: 30_000 });
    expect(final.code).toBe('OK');
    await network.converged();
    for (const replica of network.replicas) {
      const elsewhere = await fetch(`http://127.0.0.1:${replica.port}/v1/status`, { signal: AbortSignal.timeout(2_000) }).catch((error: Error) => error);
      expect(elsewhere, `replica ${replica.id} answered on 127.0.0.1`).toBeInstanceOf(Error);
    }
  });
});
