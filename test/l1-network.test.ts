// Proves L1 works as a network of real replica processes on 127.0.0.1:
// 1,000 signed transfers from several clients commit and every replica ends
// with the same height and state root; a backup killed with kill -9 under load
// recovers from its data directory and catches up without losing a committed
// transaction; killing the primary triggers a view change after which commits
// resume (the time is reported); and all four replicas stopped and restarted
// keep balances, nonces and channels. Finality is checked the way a client
// must: by verifying commit certificates against the genesis replica set —
// also those of the blocks' results views.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@wedge/common';
import { BlockResultsResponse, apiPaths, certificateFromWire, consensusConfigOf } from '@wedge/api';
import { createClient, type WedgeClient } from '@wedge/client';
import { HONEST_RULES, blockDigest, faultsTolerated, verifyCommitCertificate } from '@wedge/consensus';
import { hashTaggedHex, keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import type { SignedTx } from '@wedge/ledger';
import { L1Network } from './support/l1-network.ts';

const CHAIN_ID = 'wedge-test';

let network: L1Network;
let client: WedgeClient;
let accounts: KeyPair[];
/** Next nonce per account, as this test's clients track it. */
let nonces: number[];

function transfer(from: number, to: number, amount: bigint): SignedTx {
  const sender = accounts[from]!;
  const body = { type: 'transfer' as const, from: sender.address, nonce: nonces[from]!++, to: accounts[to]!.address, amount };
  return client.buildTx(body, [sender]);
}

/** Submits transfers round-robin over accounts, in arrays, spread over the given replicas. */
async function sendTransfers(count: number, replicaIds: number[]): Promise<string[]> {
  const txs = Array.from({ length: count }, (_, index) => transfer(index % accounts.length, (index + 1) % accounts.length, 1n + BigInt(index % 7)));
  const hashes: string[] = [];
  const chunk = 50;
  for (let offset = 0; offset < txs.length; offset += chunk) {
    const url = network.urls[replicaIds[(offset / chunk) % replicaIds.length]!]!;
    const target = createClient({ genesis: network.genesis, urls: [url], resultConfirmations: 1 });
    hashes.push(...(await target.submit(txs.slice(offset, offset + chunk))));
  }
  return hashes;
}

async function accountsAt(replica: number) {
  const at = createClient({ genesis: network.genesis, urls: [network.urls[replica]!], resultConfirmations: 1 });
  return Promise.all(accounts.map((account) => at.getAccount(account.address)));
}

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 8, params: { checkpointBlocks: 16, watermarkBlocks: 64 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  accounts = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
  nonces = accounts.map(() => 0);
}, 60_000);

afterAll(async () => {
  await network?.destroy();
});

describe('L1 network of four replica processes', () => {
  it('commits 1,000 signed transfers from several clients; replicas agree on height and state root', async () => {
    const hashes = await sendTransfers(1_000, [0, 1, 2, 3]);
    // Finality by proof: the last transfer of every account, certificate verified.
    const finals = await Promise.all(hashes.slice(-accounts.length).map((hash) => client.waitForFinality(hash, { timeoutMs: 60_000 })));
    for (const final of finals) expect(final.code).toBe('OK');
    const statuses = await network.converged();
    expect(statuses[0]!.height).toBeGreaterThan(0);
    for (const [index, account] of (await accountsAt(0)).entries()) {
      expect(account.nonce).toBe(nonces[index]);
      expect(account.height).toBe(statuses[0]!.height); // the answer says which block it is as of
    }
    const total = (await accountsAt(0)).reduce((sum, account) => sum + account.balance, 0n);
    expect(total).toBe(1_000_000_000n * BigInt(accounts.length));

    // The results view of every block, at every replica: the whole view's results and
    // certificate, and the certificate proves it (the digest covers exactly the ids).
    const config = consensusConfigOf(network.genesis);
    const verifier = { config, scheme: fastSecp256k1, app: { txHash: (tx: unknown) => tx } as never, rules: HONEST_RULES };
    for (let height = 1; height <= statuses[0]!.height; height++) {
      const whole = (await (await fetch(`${network.urls[0]}${apiPaths.block(height)}`)).json()) as { certificate: unknown; results: { hash: string }[] };
      for (const url of network.urls) {
        const view = BlockResultsResponse.parse(await (await fetch(`${url}${apiPaths.blockResults(height)}`)).json());
        expect(view.results).toEqual(whole.results);
        const certificate = certificateFromWire(view.certificate);
        expect(blockDigest(CHAIN_ID, { height, txs: view.results.map((result) => result.hash) }, verifier.app)).toBe(certificate.digest);
        expect(verifyCommitCertificate(verifier, certificate, faultsTolerated(config))).toBe(true);
      }
    }
  });

  it('answers a request waiting for the next block when that block commits, and the certificate proves it', async () => {
    const next = (await network.converged())[0]!.height + 1;
    const url = network.urls[1]!;
    const waiting = fetch(`${url}${apiPaths.blockResults(next, 20_000)}`);
    // Still waiting: nothing has been submitted since.
    const early = await Promise.race([waiting.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
    expect(early).toBe('waiting');
    const [hash] = await sendTransfers(1, [0]);
    const response = await waiting;
    expect(response.status).toBe(200);
    const view = BlockResultsResponse.parse(await response.json());
    expect(view.height).toBe(next);
    expect(view.results.map((result) => result.hash)).toContain(hash);
    const config = consensusConfigOf(network.genesis);
    const verifier = { config, scheme: fastSecp256k1, app: { txHash: (tx: unknown) => tx } as never, rules: HONEST_RULES };
    const certificate = certificateFromWire(view.certificate);
    expect(blockDigest(CHAIN_ID, { height: next, txs: view.results.map((result) => result.hash) }, verifier.app)).toBe(certificate.digest);
    expect(verifyCommitCertificate(verifier, certificate, faultsTolerated(config))).toBe(true);
    // A block already stored is answered at once, waiting or not.
    const again = BlockResultsResponse.parse(await (await fetch(`${url}${apiPaths.blockResults(next, 20_000)}`)).json());
    expect(again).toEqual(view);
  });

  it('a backup killed with kill -9 under load restarts from disk, catches up, and loses nothing', async () => {
    const backup = 2;
    const sending = sendTransfers(400, [0, 1, 3]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await network.kill(backup);
    const hashes = await sending;
    await client.waitForFinality(hashes.at(-1)!, { timeoutMs: 60_000 });
    await network.start(backup);
    await network.converged();
    for (const replica of [0, 1, 2, 3]) {
      const seen = await accountsAt(replica);
      seen.forEach((account, index) => expect(account.nonce).toBe(nonces[index]));
    }
  });

  it('after kill -9 of the primary a view change happens and commits resume', async () => {
    const before = await client.getStatus(network.urls[1]);
    const primary = before.view % 4;
    const survivors = [0, 1, 2, 3].filter((id) => id !== primary);
    const killedAt = Date.now();
    await network.kill(primary);
    const hashes = await sendTransfers(40, survivors);
    const final = await createClient({ genesis: network.genesis, urls: survivors.map((id) => network.urls[id]!) }).waitForFinality(hashes.at(-1)!, {
      timeoutMs: 60_000,
    });
    const resumedMs = Date.now() - killedAt;
    console.info(`primary ${primary} killed: first commits in the new view after ${resumedMs} ms (progress timeout 1 s)`);
    expect(final.code).toBe('OK');
    const after = await client.getStatus(network.urls[survivors[0]!]);
    expect(after.view).toBeGreaterThan(before.view);
    await network.start(primary);
    await network.converged();
  });

  it('all four replicas stopped and restarted keep balances, nonces and channels', async () => {
    const [a, b] = [accounts[0]!, accounts[1]!];
    const channelId = hashTaggedHex(`wedge/${CHAIN_ID}/test-channel`, { at: Date.now() });
    const open = client.buildTx(
      {
        type: 'channel.open',
        from: a.address,
        nonce: nonces[0]!++,
        channelId,
        members: [
          { publicKey: toHex(a.publicKey), deposit: 1_000n },
          { publicKey: toHex(b.publicKey), deposit: 2_000n },
        ],
        challengeBlocks: 10,
        topology: 'star',
      },
      [a, b],
    );
    const [openHash] = await client.submit(open);
    expect((await client.waitForFinality(openHash!, { timeoutMs: 30_000 })).code).toBe('OK');
    await network.converged();
    const balancesBefore = await accountsAt(0);
    const channelBefore = await client.getChannel(channelId);
    const statusBefore = await client.getStatus(network.urls[0]);

    await network.stopAll();
    await network.startAll();

    const statuses = await network.converged();
    expect(statuses[0]!.height).toBe(statusBefore.height);
    expect(statuses[0]!.stateRoot).toBe(statusBefore.stateRoot);
    for (const replica of [0, 1, 2, 3]) expect(await accountsAt(replica)).toEqual(balancesBefore);
    expect(await client.getChannel(channelId)).toEqual(channelBefore);
    // And the network still commits.
    const [hash] = await client.submit(transfer(2, 3, 9n));
    expect((await client.waitForFinality(hash!, { timeoutMs: 30_000 })).code).toBe('OK');
  });
});
