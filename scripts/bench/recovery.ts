// The recovery benchmark (issue 15): how fast Wedge comes back from the
// faults a user meets, over real replica processes on 127.0.0.1 with the
// genesis tool's defaults (DEFAULT_PARAMS) unless said otherwise.
//
// - Failover: kill -9 of the primary of a loaded n = 4 network → the first
//   block committed in a higher view, seen at a survivor (the first blocks
//   after the kill are usually ones the dead primary had already proposed:
//   they do not count). At least five kills; each killed primary restarts
//   and the network converges before the next kill. Median and max.
// - Spurious view changes: the L1 throughput runs (n = 4 and 7, closed loop
//   at saturation, no fault injected) must end in view 0; every view they
//   changed is spurious.
// - Terminate → settle: a 2-member channel terminated with its opening
//   state, settled as soon as L1 takes it; blocks and ms from submitting the
//   termination to the settle being final (the challenge window, 20 blocks
//   as the CLI's default, is most of it: L1 time is block height, and a
//   frozen channel makes the primary produce an idle block every idleBlockMs).
// - Catch-up: a backup killed while the others commit 10,000 blocks, then
//   restarted: time until it has executed the height the others had when it
//   restarted. To make blocks fast that network runs a frozen channel with
//   idleBlockMs 1 (the one parameter changed): empty blocks, back to back.
//   When 10,000 do not fit in CATCH_UP_PRODUCE_MS (a loaded machine makes
//   a few dozen a second), the replica catches up from as many as were made,
//   and the figures say how many (`catchUpBlocks`). --quick: 2,000 blocks
//   in at most 15 s.
//
// When the l1 suite ran in the same invocation, its runs are the L1
// throughput runs counted for spurious view changes (not run again).
import { availableParallelism } from 'node:os';
import { StatusResponse, apiPaths, signedTxToWire } from '@wedge/api';
import { createClient, type WedgeClient } from '@wedge/client';
import { fromHex, toHex } from '@wedge/common';
import { keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { txHash } from '@wedge/ledger';
import { DEFAULT_PARAMS } from '../../apps/l1-node/src/genesis-tool.ts';
import { L1Network } from '../../test/support/l1-network.ts';
import { firstCommitAbove, replicaStatus } from '../../test/support/l1-watch.ts';
import { measureFastVerifyPerSec } from './crypto.ts';
import { runL1Network, type Timing } from './l1.ts';
import { formatTable } from './measure.ts';

export type RecoveryBenchOptions = {
  quick: boolean;
  progress: (line: string) => void;
  /** View changes of the L1 throughput runs of this invocation (the l1 suite's), if it ran them. */
  l1ViewChanges?: readonly { replicas: number; viewChanges: number }[];
};

export type RecoveryResult = {
  viewChangeMs: { p50: number; max: number };
  spuriousViewChanges: number;
  settleBlocks: number;
  settleMs: number;
  catchUpMs: number;
  /** How many blocks behind the restarted replica was (10,000 unless they took longer than CATCH_UP_PRODUCE_MS to make). */
  catchUpBlocks: number;
};

type RecoveryDetails = {
  failoverMs: number[];
  viewChangesByRun: { replicas: number; viewChanges: number }[];
  challengeBlocks: number;
  catchUp: { behindBlocks: number; producedInMs: number; installedSnapshot: boolean };
};

class BenchFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new BenchFailure(`bench --recovery: ${message}`);
}

const KILLS = 5;
/** Accounts that keep transfers pending while the primary is killed. */
const LOAD_ACCOUNTS = 4;
const CHALLENGE_BLOCKS = 20;
const CATCH_UP = { full: { blocks: 10_000, produceMs: 60_000 }, quick: { blocks: 2_000, produceMs: 15_000 } };
const FAILOVER_TIMEOUT_MS = 30_000;
const CONVERGE_TIMEOUT_MS = 60_000;
const CATCH_UP_TIMEOUT_MS = 180_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

/**
 * Keeps a few transfers pending at all times: each account sends its next
 * transfer to a live replica as soon as the previous one executed (and sends
 * it again, elsewhere, when it is slow), so every backup holds requests
 * the primary owes it when the primary dies.
 */
class TrickleLoad {
  private stopping = false;
  private readonly runs: Promise<void>[] = [];

  constructor(
    private readonly client: WedgeClient,
    private readonly accounts: readonly KeyPair[],
    private readonly liveUrls: () => string[],
  ) {}

  start(): void {
    this.stopping = false;
    for (const [index, account] of this.accounts.entries()) this.runs.push(this.run(account, this.accounts[(index + 1) % this.accounts.length]!));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.runs.splice(0));
  }

  private async run(from: KeyPair, to: KeyPair): Promise<void> {
    while (!this.stopping) {
      const urls = this.liveUrls();
      const url = urls[Math.floor(Math.random() * urls.length)]!;
      try {
        const nonce = (await this.client.getAccount(from.address)).nonce;
        const tx = this.client.buildTx({ type: 'transfer', from: from.address, nonce, to: to.address, amount: 1n }, [from]);
        await fetch(`${url}${apiPaths.submitTxs()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([signedTxToWire(tx)]), signal: AbortSignal.timeout(2_000) });
        await this.client.waitForFinality(txHash(tx), { timeoutMs: 3_000 });
      } catch {
        await sleep(50); // a replica down or busy: try again, maybe elsewhere
      }
    }
  }
}

// ------------------------------------------------------------------- failover

async function measureFailover(options: RecoveryBenchOptions): Promise<number[]> {
  const { progress } = options;
  const network = await L1Network.create({ replicas: 4, accounts: LOAD_ACCOUNTS });
  try {
    await network.startAll();
    const client = createClient({ genesis: network.genesis });
    const keys = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
    const down = new Set<number>();
    const load = new TrickleLoad(client, keys, () => network.urls.filter((_, id) => !down.has(id)));
    const failoverMs: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      load.start();
      await sleep(1_500);
      const statuses = (await Promise.all(network.urls.map(replicaStatus))).filter((entry): entry is StatusResponse => entry !== null && entry.viewStatus === 'normal');
      const view = Math.max(...statuses.map((entry) => entry.view));
      const primary = view % 4;
      const survivor = network.urls[(primary + 1) % 4]!;
      const before = await replicaStatus(survivor);
      check(before !== null && before.view === view, `replica ${(primary + 1) % 4} is not in view ${view}`);
      const killedAt = performance.now();
      down.add(primary);
      await network.kill(primary);
      const committedAt = await firstCommitAbove(survivor, before.height, view, killedAt + FAILOVER_TIMEOUT_MS, () => performance.now());
      if (committedAt === null) throw new BenchFailure(`bench --recovery: no block committed in a view above ${view} at ${survivor}`);
      failoverMs.push(Math.round(committedAt - killedAt));
      progress(`recovery: kill ${kill + 1}/${KILLS}: primary ${primary} of view ${view} killed at height ${before.height}; first block of a higher view after ${failoverMs.at(-1)} ms`);
      await network.start(primary);
      down.delete(primary);
      await load.stop();
      const after = await network.converged(undefined, CONVERGE_TIMEOUT_MS);
      check(after.every((entry) => entry.viewStatus === 'normal' && entry.view === after[0]!.view), `replicas not normal in one view after kill ${kill + 1}`);
    }
    return failoverMs;
  } finally {
    await network.destroy();
  }
}

// ------------------------------------------------------------------- spurious view changes

async function measureSpuriousViewChanges(options: RecoveryBenchOptions): Promise<{ replicas: number; viewChanges: number }[]> {
  if (options.l1ViewChanges !== undefined) {
    options.progress(`recovery: spurious view changes from this invocation's l1 runs: ${options.l1ViewChanges.map((run) => `n=${run.replicas}: ${run.viewChanges}`).join(', ')}`);
    return [...options.l1ViewChanges];
  }
  const timing: Timing = options.quick ? { warmupMs: 2_000, windowMs: 6_000 } : { warmupMs: 4_000, windowMs: 20_000 };
  const verifyPerSec = measureFastVerifyPerSec({ quick: true, progress: options.progress }, 'recovery');
  const runs: { replicas: number; viewChanges: number }[] = [];
  for (const replicas of [4, 7]) {
    const { details } = await runL1Network(replicas, (availableParallelism() * verifyPerSec) / replicas, timing, options.progress);
    runs.push({ replicas, viewChanges: details.viewChanges });
    options.progress(`recovery: l1 throughput run n=${replicas}: ${details.viewChanges} view changes (none injected: every one is spurious)`);
  }
  return runs;
}

// ------------------------------------------------------------------- terminate → settle

async function measureSettlement(options: RecoveryBenchOptions): Promise<{ settleBlocks: number; settleMs: number }> {
  const network = await L1Network.create({ replicas: 4, accounts: 2 });
  try {
    await network.startAll();
    const client = createClient({ genesis: network.genesis });
    const [alice, bob] = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey))) as [KeyPair, KeyPair];
    const channelId = toHex(crypto.getRandomValues(new Uint8Array(32)));
    const opened = await client.sendTx(
      {
        type: 'channel.open',
        from: alice.address,
        nonce: 0,
        channelId,
        members: [alice, bob].map((key) => ({ publicKey: toHex(key.publicKey), deposit: 1_000n })),
        challengeBlocks: CHALLENGE_BLOCKS,
        topology: 'star',
      },
      [alice, bob],
      { timeoutMs: 30_000 },
    );
    check(opened.code === 'OK', `channel.open: ${opened.code}`);
    const startedAt = performance.now();
    const terminated = await client.sendTx({ type: 'channel.terminate', from: alice.address, nonce: 1, channelId, state: null, stateSignatures: [] }, [alice], { timeoutMs: 30_000 });
    check(terminated.code === 'OK', `channel.terminate: ${terminated.code}`);
    // Settle is refused until the deadline has passed: offer it at each new height (from bob, whose nonce is free).
    for (let height = terminated.height + CHALLENGE_BLOCKS; ; height += 1) {
      const answer = await fetch(`${network.urls[1]}${apiPaths.blockResults(height, 5_000)}`, { signal: AbortSignal.timeout(10_000) });
      await answer.body?.cancel();
      if (answer.status !== 200) {
        height -= 1;
        check(performance.now() - startedAt < 120_000, 'no settlement within two minutes');
        continue;
      }
      const settled = await client.sendTx({ type: 'channel.settle', from: bob.address, nonce: 0, channelId }, [bob], { timeoutMs: 30_000 });
      if (settled.code === 'OK') return { settleBlocks: settled.height - terminated.height, settleMs: Math.round(performance.now() - startedAt) };
      check(performance.now() - startedAt < 120_000, `settle still refused (${settled.code})`);
    }
  } finally {
    await network.destroy();
  }
}

// ------------------------------------------------------------------- catch-up

async function measureCatchUp(options: RecoveryBenchOptions): Promise<{ catchUpMs: number; details: RecoveryDetails['catchUp'] }> {
  const { progress } = options;
  // How many blocks behind, and how long the others make blocks while the replica is down, at most.
  const { blocks: behindBlocks, produceMs: produceMsMax } = options.quick ? CATCH_UP.quick : CATCH_UP.full;
  const network = await L1Network.create({ replicas: 4, accounts: 2, params: { idleBlockMs: 1 } });
  try {
    await network.startAll();
    const client = createClient({ genesis: network.genesis });
    const [alice, bob] = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey))) as [KeyPair, KeyPair];
    const channelId = toHex(crypto.getRandomValues(new Uint8Array(32)));
    const open = { type: 'channel.open' as const, from: alice.address, nonce: 0, channelId, members: [alice, bob].map((key) => ({ publicKey: toHex(key.publicKey), deposit: 1_000n })), challengeBlocks: 50_000, topology: 'star' as const };
    check((await client.sendTx(open, [alice, bob], { timeoutMs: 30_000 })).code === 'OK', 'channel.open');
    const lagging = 3;
    await network.kill(lagging);
    // Frozen for 50,000 blocks: the primary now proposes an empty block whenever nothing is in flight.
    const terminated = await client.sendTx({ type: 'channel.terminate', from: alice.address, nonce: 1, channelId, state: null, stateSignatures: [] }, [alice], { timeoutMs: 30_000 });
    check(terminated.code === 'OK', `channel.terminate: ${terminated.code}`);
    const producing = performance.now();
    const from = (await replicaStatus(network.urls[lagging - 1]!))!.height;
    let height = from;
    for (let last = performance.now(); height < from + behindBlocks && performance.now() - producing < produceMsMax; ) {
      await sleep(1_000);
      height = (await replicaStatus(network.urls[lagging - 1]!))?.height ?? height;
      if (performance.now() - last > 10_000) {
        progress(`recovery: catch-up: ${height - from}/${behindBlocks} blocks while replica ${lagging} is down`);
        last = performance.now();
      }
    }
    check(height > from + 2 * DEFAULT_PARAMS.checkpointBlocks, `only ${height - from} blocks in ${produceMsMax} ms`);
    if (height < from + behindBlocks) progress(`recovery: catch-up: only ${height - from} blocks in ${produceMsMax} ms on this machine; measuring the catch-up from those`);
    const producedInMs = Math.round(performance.now() - producing);
    const target = (await replicaStatus(network.urls[0]!))!.height;
    const restartedAt = performance.now();
    await network.start(lagging);
    for (;;) {
      const entry = await replicaStatus(network.urls[lagging]!);
      if (entry !== null && entry.height >= target) {
        const catchUpMs = Math.round(performance.now() - restartedAt);
        progress(`recovery: catch-up: replica ${lagging}, ${target - terminated.height + 1} blocks behind, reached height ${target} ${catchUpMs} ms after its restart`);
        return { catchUpMs, details: { behindBlocks: target - terminated.height + 1, producedInMs, installedSnapshot: entry.history.missingBlocks + entry.history.backfilledBlocks > 0 } };
      }
      check(performance.now() - restartedAt < CATCH_UP_TIMEOUT_MS, `replica ${lagging} did not catch up within ${CATCH_UP_TIMEOUT_MS} ms`);
      await sleep(20);
    }
  } finally {
    await network.destroy();
  }
}

// ------------------------------------------------------------------- suite

export async function runRecoveryBench(options: RecoveryBenchOptions): Promise<{ result: RecoveryResult; details: RecoveryDetails }> {
  options.progress(`recovery: failover, ${KILLS} kills of the primary under load (genesis defaults: heartbeat ${DEFAULT_PARAMS.heartbeatMs} ms, progress timeout ${DEFAULT_PARAMS.progressTimeoutMs} ms)`);
  const failoverMs = await measureFailover(options);
  const viewChangesByRun = await measureSpuriousViewChanges(options);
  options.progress(`recovery: terminate -> settle, challenge window ${CHALLENGE_BLOCKS} blocks`);
  const settlement = await measureSettlement(options);
  options.progress(`recovery: terminate -> settled in ${settlement.settleBlocks} blocks, ${settlement.settleMs} ms`);
  options.progress(`recovery: catch-up of a replica ${(options.quick ? CATCH_UP.quick : CATCH_UP.full).blocks} blocks behind`);
  const catchUp = await measureCatchUp(options);
  return {
    result: {
      viewChangeMs: { p50: median(failoverMs), max: Math.max(...failoverMs) },
      spuriousViewChanges: viewChangesByRun.reduce((sum, run) => sum + run.viewChanges, 0),
      settleBlocks: settlement.settleBlocks,
      settleMs: settlement.settleMs,
      catchUpMs: catchUp.catchUpMs,
      catchUpBlocks: catchUp.details.behindBlocks,
    },
    details: { failoverMs, viewChangesByRun, challengeBlocks: CHALLENGE_BLOCKS, catchUp: catchUp.details },
  };
}

export function formatRecoveryReport(report: { result: RecoveryResult; details: RecoveryDetails }): string {
  const { result, details } = report;
  return [
    `recovery (real replica processes on 127.0.0.1, n = 4, genesis defaults; ${availableParallelism()} cores)`,
    formatTable(
      ['measure', 'value', 'how'],
      [
        ['kill -9 primary -> first commit in new view, p50', `${result.viewChangeMs.p50} ms`, `${details.failoverMs.length} kills: ${details.failoverMs.join(', ')} ms`],
        ['kill -9 primary -> first commit in new view, max', `${result.viewChangeMs.max} ms`, 'under a trickle of transfers'],
        ['spurious view changes in the L1 throughput runs', String(result.spuriousViewChanges), details.viewChangesByRun.map((run) => `n=${run.replicas}: ${run.viewChanges}`).join(', ')],
        ['terminate -> settled', `${result.settleBlocks} blocks, ${result.settleMs} ms`, `challenge window ${details.challengeBlocks} blocks, idle blocks every ${DEFAULT_PARAMS.idleBlockMs} ms`],
        ['restarted replica catches up', `${result.catchUpMs} ms`, `${details.catchUp.behindBlocks} blocks behind (made in ${details.catchUp.producedInMs} ms, idleBlockMs 1)${details.catchUp.installedSnapshot ? ', by snapshot' : ''}`],
      ],
    ),
  ].join('\n');
}
