// Proves that a primary killed under load and restarted from its data
// directory comes all the way back, five times in a row over real replica
// processes with the genesis defaults: each time the others change views and
// keep committing, the restarted replica catches up (by state transfer, with
// requests arriving all the while) and within a bound all four replicas are
// normal in one view with no transaction left pending, and the restarted
// replica answers for every transaction a client saw final (the three that
// stayed up for a sample of them) — committed, or
// HISTORY_INCOMPLETE (ask another replica) for blocks it skipped and has not
// fetched back yet — while the client, which follows such answers to another
// replica, always finds it committed. At the end every replica has fetched
// back what it skipped and answers committed for all of them. Kill → first
// block committed in the new view is reported for each kill. Then a backup
// kept down while the others commit several checkpoint intervals catches up
// by snapshot, reports the blocks it skipped, fetches them all back from its
// peers and answers for every transaction in them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TxStatusResponse, apiPaths } from '@wedge/api';
import { fromHex } from '@wedge/common';
import { createClient, type WedgeClient } from '@wedge/client';
import { keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { L1Network } from './support/l1-network.ts';
import { boundedMap } from './support/l2-network.ts';
import { firstCommitAbove, replicaStatus } from './support/l1-watch.ts';
import { TransferWorker } from './support/transfer-worker.ts';

const KILLS = 5;
const WORKERS = 6;
const BATCH = 40;
/** How long a killed primary stays down. */
const DOWN_MS = 3_000;
/** From the restart until all four replicas are normal in one view with empty mempools. */
const RECOVERY_BOUND_MS = 60_000;
/** The replicas that stayed up are asked for one in this many of a round's final transactions (the restarted one for all). */
const SURVIVOR_SAMPLE = 8;
/** Answers asked of a replica at once. */
const FETCH_CONCURRENCY = 8;

let network: L1Network;
let client: WedgeClient;
let accounts: KeyPair[];

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: WORKERS + 1 });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  accounts = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
}, 60_000);

afterAll(async () => {
  await network?.destroy();
});

describe('a primary killed under load and restarted, five times', () => {
  it('comes back each time: one view, normal, nothing pending, every final transaction answered', async () => {
    const workers = Array.from({ length: WORKERS }, (_, index) => new TransferWorker(client, accounts[index]!, accounts[WORKERS]!.address, { batch: BATCH }));
    const failoverMs: number[] = [];
    const killed: number[] = [];
    const checkedUpTo = new Map<TransferWorker, number>();
    let historyIncomplete = 0;
    for (let round = 0; round < KILLS; round++) {
      for (const worker of workers) worker.start();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const views = (await Promise.all(network.urls.map(replicaStatus))).filter((s) => s !== null && s.viewStatus === 'normal').map((s) => s!.view);
      const view = Math.max(...views);
      const primary = view % 4;
      const survivor = network.urls[(primary + 1) % 4]!;
      const before = (await replicaStatus(survivor))!;
      expect(before.view).toBe(view);
      const killedAt = Date.now();
      await network.kill(primary);
      killed.push(primary);
      const firstCommit = firstCommitAbove(survivor, before.height, before.view, killedAt + RECOVERY_BOUND_MS);
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      await network.start(primary);
      const committedAt = await firstCommit;
      if (committedAt === null) throw new Error(`no block committed in a view above ${before.view} at ${survivor}`);
      failoverMs.push(committedAt - killedAt);
      for (const worker of workers) await worker.stop();

      // Within the bound: all four normal in one view, the same height and root, empty mempools.
      const statuses = await network.converged(undefined, RECOVERY_BOUND_MS);
      expect(new Set(statuses.map((s) => s.view)).size).toBe(1);
      expect(statuses.every((s) => s.viewStatus === 'normal')).toBe(true);
      expect(statuses[0]!.view).toBeGreaterThan(before.view);

      // Every replica answers for every transaction a client saw final this round, and for a sample of the earlier ones.
      const final = workers.flatMap((worker) => worker.final.slice(checkedUpTo.get(worker) ?? 0));
      const earlier = workers.flatMap((worker) => worker.final.slice(0, checkedUpTo.get(worker) ?? 0));
      final.push(...earlier.filter((_, index) => index % Math.max(1, Math.floor(earlier.length / 100)) === 0));
      for (const worker of workers) checkedUpTo.set(worker, worker.final.length);
      // The restarted replica is asked for every one; the three that stayed up, which never lost anything, for one in SURVIVOR_SAMPLE.
      for (const [index, url] of network.urls.entries()) {
        const asked = index === primary ? final : final.filter((_, position) => position % SURVIVOR_SAMPLE === round % SURVIVOR_SAMPLE);
        await boundedMap(asked, FETCH_CONCURRENCY, async (hash) => {
          const answer = await fetch(`${url}${apiPaths.tx(hash)}`);
          const body = (await answer.json()) as { error?: { code: string } };
          if (answer.status === 503) {
            expect(body.error?.code).toBe('HISTORY_INCOMPLETE');
            historyIncomplete += 1;
            return;
          }
          expect(answer.status, `${url} on ${hash}: ${JSON.stringify(body)}`).toBe(200);
          expect(TxStatusResponse.parse(body).status).toBe('committed');
        });
      }
      // The client follows HISTORY_INCOMPLETE to another replica: every final transaction is committed for it.
      for (const hash of final.slice(-200)) expect((await client.getTx(hash)).status).toBe('committed');
    }
    // A different primary each time: the view moved on after each kill.
    for (let index = 1; index < killed.length; index++) expect(killed[index]).not.toBe(killed[index - 1]);

    // The blocks skipped by state transfer are fetched back: in the end every replica answers for every sampled final transaction.
    const sample = workers.flatMap((worker) => worker.final.filter((_, index) => index % 25 === 0));
    const deadline = Date.now() + RECOVERY_BOUND_MS;
    for (const url of network.urls) {
      await boundedMap(sample, FETCH_CONCURRENCY, async (hash) => {
        for (;;) {
          const answer = await fetch(`${url}${apiPaths.tx(hash)}`);
          if (answer.status === 200) {
            expect(TxStatusResponse.parse(await answer.json()).status).toBe('committed');
            return;
          }
          await answer.body?.cancel();
          expect(answer.status).toBe(503);
          if (Date.now() > deadline) throw new Error(`${url} still lacks the block of ${hash}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      });
    }
    // Reported, not asserted: timing belongs to the benchmarks.
    console.log(`kill -9 of the primary -> first block committed in the new view, ms: ${failoverMs.join(', ')}`);
    console.log(`answers HISTORY_INCOMPLETE (then backfilled): ${historyIncomplete}; transactions checked at the end: ${sample.length} x 4 replicas`);
  });

  it('a backup that missed several checkpoints fetches back the blocks it skipped and answers for them', async () => {
    const view = Math.max(...(await Promise.all(network.urls.map(replicaStatus))).map((s) => s?.view ?? 0));
    const backup = (view + 2) % 4;
    await network.kill(backup);
    // One transfer a block, more than three checkpoint intervals (32 blocks by default) past the backup.
    const sender = accounts[0]!;
    let nonce = (await client.getAccount(sender.address)).nonce;
    const hashes: string[] = [];
    for (let index = 0; index < 110; index++) {
      const final = await client.transfer(sender, accounts[1]!.address, 1n, { nonce: nonce++ });
      hashes.push(final.hash);
    }
    await network.start(backup);
    await network.converged(undefined, RECOVERY_BOUND_MS);
    const url = network.urls[backup]!;
    const deadline = Date.now() + RECOVERY_BOUND_MS;
    let history = (await replicaStatus(url))!.history;
    expect(history.missingBlocks + history.backfilledBlocks, 'the backup caught up by snapshot, skipping blocks').toBeGreaterThan(0);
    while (history.missingBlocks > 0) {
      if (Date.now() > deadline) throw new Error(`${url} still misses ${history.missingBlocks} blocks`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      history = (await replicaStatus(url))!.history;
    }
    for (const hash of hashes) {
      const answer = await fetch(`${url}${apiPaths.tx(hash)}`);
      expect(answer.status).toBe(200);
      expect(TxStatusResponse.parse(await answer.json()).status).toBe('committed');
    }
    console.log(`backup ${backup}: ${history.backfilledBlocks} blocks fetched back after a snapshot install`);
  });
});
