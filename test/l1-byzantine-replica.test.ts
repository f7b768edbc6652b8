// Proves that one Byzantine replica process — replica 0, the first primary,
// holding its real key and speaking the real peer protocol
// (test/support/byzantine-replica-main.ts: it equivocates as primary, votes
// for conflicting proposals, tampers with new views, replays, forges,
// complains about every view, withholds, and floods every honest replica's
// peer endpoint with malformed, unauthenticated, oversized and replayed
// envelopes) — costs the three honest replicas neither safety nor
// liveness: under load for the whole attack, every transaction a client saw
// final is in the same block with the same result on every honest replica
// (committed; or rejected as BAD_NONCE where the Byzantine primary ordered a
// sender's nonces out of sequence — the client signs those again), the
// honest replicas hold the same block at every height, supply is conserved,
// none of them died, and they committed throughout. The clients talk to the honest replicas (the
// Byzantine one's answers to clients are not what this attacks). The attack
// is shown to have happened (its counts, and the honest replicas' refusals of
// the bad envelopes). Throughput under attack is measured by the benchmark,
// not asserted here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountResponse, BlockResultsResponse, StatusResponse, TxStatusResponse, apiPaths } from '@wedge/api';
import { fromHex } from '@wedge/common';
import { createClient, type WedgeClient } from '@wedge/client';
import { keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { L1Network } from './support/l1-network.ts';
import { TransferWorker } from './support/transfer-worker.ts';

const BYZANTINE = 0;
const HONEST = [1, 2, 3];
const WORKERS = 4;
const ATTACK_MS = 20_000;
const BYZANTINE_MAIN = new URL('./support/byzantine-replica-main.ts', import.meta.url).pathname;

let network: L1Network;
let client: WedgeClient;
let accounts: KeyPair[];

async function status(url: string): Promise<StatusResponse> {
  return StatusResponse.parse(await (await fetch(`${url}${apiPaths.status()}`, { signal: AbortSignal.timeout(5_000) })).json());
}

async function digestAt(url: string, height: number): Promise<string> {
  const answer = await fetch(`${url}${apiPaths.blockResults(height)}`, { signal: AbortSignal.timeout(5_000) });
  expect(answer.status, `${url} block ${height}`).toBe(200);
  return BlockResultsResponse.parse(await answer.json()).certificate.digest;
}

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: WORKERS + 1 });
  await Promise.all(HONEST.map((id) => network.start(id)));
  await network.start(BYZANTINE, { main: BYZANTINE_MAIN, args: ['--seed', '7', '--envelopes-per-second', '40'] });
  // The clients use the honest replicas, as a client that failed over from a misbehaving one would: a request
  // handed to the Byzantine replica may never be forwarded (it withholds), which costs the client a timeout.
  client = createClient({ genesis: network.genesis, urls: HONEST.map((id) => network.urls[id]!) });
  accounts = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
}, 60_000);

afterAll(async () => {
  await network?.destroy();
});

describe('a Byzantine replica process among three honest ones', () => {
  it('attacks under load; the honest three keep agreement, conservation and liveness', async () => {
    const honestUrls = HONEST.map((id) => network.urls[id]!);
    const supply = network.genesis.accounts.reduce((sum, account) => sum + BigInt(account.balance), 0n);
    const workers = Array.from({ length: WORKERS }, (_, index) => new TransferWorker(client, accounts[index]!, accounts[WORKERS]!.address, { batch: 20 }));
    for (const worker of workers) worker.start();

    // Liveness all along: the honest replicas' height keeps moving, a check every 5 s.
    let previous = Math.min(...(await Promise.all(honestUrls.map(status))).map((s) => s.height));
    const startedAt = Date.now();
    while (Date.now() - startedAt < ATTACK_MS) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const height = Math.min(...(await Promise.all(honestUrls.map(status))).map((s) => s.height));
      expect(height, 'the honest replicas commit while attacked').toBeGreaterThan(previous);
      previous = height;
    }
    // Bounded: a batch in flight becomes final within a few finality timeouts, or the network is not live.
    await Promise.race([
      Promise.all(workers.map((worker) => worker.stop())),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the workers did not get their last batches final within 90 s')), 90_000)),
    ]);

    // The attack happened: its own counts and the honest replicas' answers to its envelopes.
    const byzantine = network.replicas[BYZANTINE]!;
    await network.stop(BYZANTINE);
    const report = JSON.parse(byzantine.log.join('').split('\n').find((line) => line.includes('"attacks"'))!) as {
      core: Record<string, number>;
      envelopes: Record<string, number>;
      answers: Record<string, number>;
    };
    expect(report.core.equivocations, 'it equivocated as primary').toBeGreaterThan(0);
    expect(report.core.doubleVotes).toBeGreaterThan(0);
    expect(report.core.replays).toBeGreaterThan(0);
    expect(report.core.forgeries).toBeGreaterThan(0);
    expect(report.core.complaints).toBeGreaterThan(0);
    for (const kind of ['malformed', 'bad-mac', 'impersonation', 'oversized', 'replay-flood']) expect(report.envelopes[kind], kind).toBeGreaterThan(0);
    // Refused: a wrong MAC or another replica's name (401/403), a body over the limit (413). Malformed messages
    // under a valid MAC are dropped one by one (the envelope itself is taken: 204). Never a 5xx; "0" counts the
    // requests still in flight when the harness stopped, or cut off by the peer's 413.
    expect(Object.keys(report.answers).every((code) => ['0', '204', '400', '401', '403', '413'].includes(code)), JSON.stringify(report.answers)).toBe(true);
    expect(report.answers['413'] ?? 0).toBeGreaterThan(0);
    expect((report.answers['401'] ?? 0) + (report.answers['403'] ?? 0)).toBeGreaterThan(0);

    // No honest replica died, and they converge among themselves.
    for (const id of HONEST) expect(network.replicas[id]!.process, `replica ${id} alive`).not.toBeNull();
    const statuses = await network.converged(HONEST, 60_000);
    expect(statuses.every((s) => s.viewStatus === 'normal')).toBe(true);
    expect(statuses[0]!.view, 'the Byzantine primary was replaced').toBeGreaterThan(0);

    // Agreement: the same block at every height on every honest replica.
    const height = statuses[0]!.height;
    for (let h = 1; h <= height; h++) {
      const digests = await Promise.all(honestUrls.map((url) => digestAt(url, h)));
      expect(new Set(digests).size, `height ${h}: ${digests.join(' ')}`).toBe(1);
    }

    // Every transaction a client saw final is in the same block with the same result on every honest replica:
    // committed, or rejected in a block (BAD_NONCE) when the Byzantine primary ordered a sender's nonces out of sequence.
    const final = workers.flatMap((worker) => worker.final);
    expect(final.length).toBeGreaterThan(0);
    for (const hash of final) {
      const answers = await Promise.all(
        honestUrls.map(async (url) => {
          const answer = await fetch(`${url}${apiPaths.tx(hash)}`);
          expect(answer.status, `${url} on ${hash}`).toBe(200);
          return TxStatusResponse.parse(await answer.json());
        }),
      );
      expect(['committed', 'rejected']).toContain(answers[0]!.status);
      for (const answer of answers) expect(answer).toEqual(answers[0]);
    }

    // Conservation: transfers among the genesis accounts leave the supply whole, on each honest replica.
    for (const url of honestUrls) {
      let total = 0n;
      for (const account of network.genesis.accounts) {
        total += BigInt(AccountResponse.parse(await (await fetch(`${url}${apiPaths.account(account.address)}`)).json()).balance);
      }
      expect(total, url).toBe(supply);
    }
    console.log(
      `Byzantine replica for ${ATTACK_MS / 1000} s: ${final.length} transfers final, height ${height}, view ${statuses[0]!.view}, ` +
        `${workers.reduce((sum, worker) => sum + worker.failedCommits, 0)} batches committed out of nonce order by the Byzantine primary; ` +
        `attacks ${JSON.stringify(report.core)}, envelopes ${JSON.stringify(report.envelopes)}, answers ${JSON.stringify(report.answers)}`,
    );
  });
});
