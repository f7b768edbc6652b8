// L1 throughput with one Byzantine replica, as a share of the same network's
// throughput without it (Aardvark's yardstick: what an attack costs, not
// only whether it breaks safety). Two runs of four real replica processes
// with the genesis defaults, the same load and the same clients: first all
// honest, then replica 0 — the first primary — replaced by the Byzantine
// harness (test/support/byzantine-replica-main.ts: equivocation, double
// votes, tampered new views, replays, forgeries, complaints about every view,
// withholding, and floods of malformed, unauthenticated, oversized and
// replayed envelopes). The clients talk to the three honest replicas only,
// as a client that failed over from a misbehaving replica would; in both
// runs, so that the only difference is replica 0.
//
// Throughput is transfers committed with OK per second over the window (the
// sum of the accounts' nonces on an honest replica), so a transaction the
// Byzantine primary ordered out of nonce sequence (committed as BAD_NONCE and
// signed again by its client) counts once, when it succeeds.
import { fromHex } from '@wedge/common';
import { createClient } from '@wedge/client';
import { keyPairFromSecret } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { L1Network } from '../../test/support/l1-network.ts';
import { TransferWorker } from '../../test/support/transfer-worker.ts';

export type ByzantineBenchOptions = { quick: boolean; progress: (line: string) => void };

export type ByzantineRun = { txPerSec: number; view: number; failedCommits: number };

export type ByzantineBenchResult = {
  honest: ByzantineRun;
  attacked: ByzantineRun;
  /** attacked.txPerSec / honest.txPerSec */
  share: number;
  windowSeconds: number;
};

/** How long the load may take to stop after the window (its batches in flight become final). */
const STOP_WITHIN_MS = 60_000;
/** One account per worker, each with a batch in flight: enough to keep four replicas busy on two cores. */
const WORKERS = 32;
const BATCH = 40;
const BYZANTINE_MAIN = new URL('../../test/support/byzantine-replica-main.ts', import.meta.url).pathname;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function nonceSum(url: string, addresses: readonly string[]): Promise<number> {
  const accounts = await Promise.all(addresses.map(async (address) => (await (await fetch(`${url}/v1/accounts/${address}`)).json()) as { nonce: number }));
  return accounts.reduce((sum, account) => sum + account.nonce, 0);
}

async function runOnce(attacked: boolean, timing: { warmupMs: number; windowMs: number }, progress: (line: string) => void): Promise<{ run: ByzantineRun; attacks: string | null }> {
  const tag = `byzantine ${attacked ? 'attacked' : 'honest'}`;
  const network = await L1Network.create({ replicas: 4, accounts: WORKERS + 1 });
  try {
    await Promise.all([1, 2, 3].map((id) => network.start(id)));
    if (attacked) await network.start(0, { main: BYZANTINE_MAIN, args: ['--seed', '11', '--envelopes-per-second', '40'] });
    else await network.start(0);
    const honestUrls = network.urls.slice(1);
    const client = createClient({ genesis: network.genesis, urls: honestUrls });
    const keys = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
    const senders = keys.slice(0, WORKERS).map((key) => key.address);
    const workers = keys.slice(0, WORKERS).map((key) => new TransferWorker(client, key, keys[WORKERS]!.address, { batch: BATCH, maxAttempts: 1_000 }));
    for (const worker of workers) worker.start();
    progress(`${tag}: load on (${WORKERS} clients, ${BATCH} transfers a batch); warm-up ${timing.warmupMs} ms`);
    await sleep(timing.warmupMs);
    const observer = honestUrls[0]!;
    const startedAt = performance.now();
    const before = await nonceSum(observer, senders);
    await sleep(timing.windowMs);
    const after = await nonceSum(observer, senders);
    const seconds = (performance.now() - startedAt) / 1000;
    // Bounded: a run whose network cannot commit any more must still end (and say so).
    await Promise.all(workers.map((worker) => worker.stop({ withinMs: STOP_WITHIN_MS })));
    if (workers.some((worker) => worker.abandoned)) throw new Error(`${tag}: the load's last batches were not final ${STOP_WITHIN_MS} ms after the window`);
    const status = (await (await fetch(`${observer}/v1/status`)).json()) as { view: number };
    let attacks: string | null = null;
    if (attacked) {
      await network.stop(0);
      attacks = network.replicas[0]!.log.join('').split('\n').find((line) => line.includes('"attacks"')) ?? null;
    }
    const run: ByzantineRun = {
      txPerSec: Math.round((after - before) / seconds),
      view: status.view,
      failedCommits: workers.reduce((sum, worker) => sum + worker.failedCommits, 0),
    };
    progress(`${tag}: ${run.txPerSec} tx/s over ${seconds.toFixed(1)} s, view ${run.view}, ${run.failedCommits} batches committed out of nonce order`);
    return { run, attacks };
  } finally {
    await network.destroy();
  }
}

export async function runByzantineBench(options: ByzantineBenchOptions): Promise<{ result: ByzantineBenchResult; attacks: string | null }> {
  const timing = options.quick ? { warmupMs: 2_000, windowMs: 6_000 } : { warmupMs: 5_000, windowMs: 60_000 };
  const honest = await runOnce(false, timing, options.progress);
  const attacked = await runOnce(true, timing, options.progress);
  const share = honest.run.txPerSec === 0 ? 0 : Math.round((attacked.run.txPerSec / honest.run.txPerSec) * 100) / 100;
  return { result: { honest: honest.run, attacked: attacked.run, share, windowSeconds: timing.windowMs / 1000 }, attacks: attacked.attacks };
}

export function formatByzantineReport(report: { result: ByzantineBenchResult; attacks: string | null }): string {
  const { honest, attacked, share, windowSeconds } = report.result;
  return [
    `byzantine (4 real replica processes, genesis defaults; clients on replicas 1-3; ${windowSeconds} s windows)`,
    'replica 0                  tx/s  view at end  batches out of nonce order',
    '-----------------------  ------  -----------  --------------------------',
    `honest                   ${String(honest.txPerSec).padStart(6)}  ${String(honest.view).padStart(11)}  ${String(honest.failedCommits).padStart(26)}`,
    `Byzantine (all attacks)  ${String(attacked.txPerSec).padStart(6)}  ${String(attacked.view).padStart(11)}  ${String(attacked.failedCommits).padStart(26)}`,
    `throughput under attack: ${(share * 100).toFixed(0)}% of honest`,
    `attacks: ${report.attacks ?? '(no report from the Byzantine replica)'}`,
  ].join('\n');
}
