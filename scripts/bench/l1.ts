// The L1 benchmark: committed signed transfers per second on a network of
// real replica processes on 127.0.0.1 (n = 4, then n = 7), with submission →
// commit latency, next to the verification ceiling measured in the same run.
//
// Why the ceiling is `cores × verify/s ÷ n`: every replica must verify every
// transaction's signature once (the ledger trusts no peer), all n replicas
// share this machine's cores, and secp256k1 verification (libsecp256k1 here) is
// the most expensive thing a replica does per transaction (DESIGN §2). So n
// verifications per committed transaction, at the single-thread rate the
// crypto suite measures, on every core, bounds the committed rate.
//
// The measuring client is kept light so that it does not compete with the
// replicas for the same cores:
// - every transaction is signed, hashed and serialized to JSON before the
//   network starts (signing is the clients' work, not the replicas');
// - transactions go out in arrays; each account is bound to one replica
//   ("lane"), and a lane has one request in flight, so every account's nonces
//   arrive in order at one replica and are forwarded in order;
// - the loop is closed: at most MAX_OUTSTANDING_TXS submitted-but-uncommitted
//   transactions at any time, so the mempool and the latency stay bounded;
// - commits are observed by following the chain at one backup: ask it for the
//   next block's results (ids and codes), waiting until that block executes
//   (GET /v1/blocks/:height/results?waitMs=N), and stamp every transaction in
//   it. That is one request per block, whatever the rate, and no polling: the
//   replica measured spends nothing on being watched but those answers.
//
// Throughput is counted by the accounts' nonces at the start and end of the
// timed window (one replica, all accounts read in parallel). After the window
// the bench drains, then checks every replica: same height, same state root,
// and every account's nonce and balance exactly what the submitted transfers
// imply — which also proves that every transaction counted was committed, and
// only once. Any mismatch throws.
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { fromHex } from '@wedge/common';
import { keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { signTx, txHash, type SignedTx } from '@wedge/ledger';
import { MAX_SUBMIT_TXS, signedTxToWire, type GenesisParams } from '@wedge/api';
import { L1Network } from '../../test/support/l1-network.ts';
import { measureFastVerifyPerSec } from './crypto.ts';
import { closeConnections, request, type HttpAnswer } from './http.ts';
import { formatRate, formatTable } from './measure.ts';

class BenchFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new BenchFailure(`bench --l1: ${message}`);
}

export type L1BenchOptions = { quick: boolean; progress: (line: string) => void };

export type L1NetworkResult = {
  txPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ceilingTxPerSec: number;
  ratio: number;
};

export type L1BenchResult = { n4: L1NetworkResult; n7: L1NetworkResult };

/** Figures for the human-readable table and stderr only; the JSON keeps its fixed shape. */
type L1RunDetails = {
  replicas: number;
  windowMs: number;
  committedInWindow: number;
  latencySamples: number;
  height: number;
  blocksPerSec: number;
  replicaCpuShare: number;
  clientCpuShare: number;
  otherCpuShare: number;
  /** Views the replicas moved on during the run: no fault is injected, so every one is spurious. */
  viewChanges: number;
};

const ACCOUNTS = 64;
const INITIAL_BALANCE = 1_000_000_000n;
const CHAIN_ID = 'wedge-test';
/**
 * Most transactions per POST: the API's limit. Each lane gets two POSTs of the
 * outstanding window at most (250 at n = 4, 142 at n = 7), so a replica's loop
 * is blocked by an admission (every signature verified in one go) for 15 ms
 * at most. Measured at n = 4 (four runs each, libsecp256k1): 100 per POST →
 * 4,035-4,362 tx/s, 0.44-0.47 ms of replica CPU per transaction; 250 →
 * 4,414-4,620 tx/s, 0.41-0.43 ms (fewer requests, answers and envelopes).
 */
const MAX_BATCH_TXS = MAX_SUBMIT_TXS;
/**
 * The closed loop's bound on submitted-but-uncommitted transactions. Little's
 * law: outstanding = rate × latency. Enough that the primary's blocks are big
 * (each block costs every replica a round of signed votes, so n = 7 needs
 * bigger blocks than n = 4 to amortize them), few enough that a transaction
 * waits well under two progress timeouts (4 s), after which backups would
 * suspect the primary. Measured here with libsecp256k1: n = 4 800 → 2,550
 * tx/s (p50 0.29 s: the loop, not the replicas, was the bound), 1,200 →
 * 3,180, 2,000 → 3,270 (p99 0.8 s), 3,000 → 3,340 (p99 2.2 s); n = 7 2,000 →
 * 1,560 (p99 1.7 s), 3,000 → 1,780 (p99 4.7 s, too close to the timeouts).
 */
const MAX_OUTSTANDING_TXS = 2_000;
/** How long the observer's request for the next block waits before asking again (it also bounds how long stopping takes). */
const OBSERVE_WAIT_MS = 1_000;
const DRAIN_TIMEOUT_MS = 60_000;
const FIRST_COMMIT_TIMEOUT_MS = 30_000;
const CONVERGE_TIMEOUT_MS = 30_000;
/** Transactions sampled for a per-replica GET /v1/txs/:hash check after the run. */
const SPOT_CHECKS = 16;
/**
 * Extra node options for the replica processes, for profiling, e.g.
 * WEDGE_BENCH_REPLICA_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (a
 * replica writes its profile when the bench stops it).
 */
const REPLICA_NODE_ARGS = (process.env.WEDGE_BENCH_REPLICA_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');

/**
 * Genesis parameters for the benchmark networks (the rest are the defaults).
 * One block in flight (pipelineBlocks 1, the default is 4): the primary
 * proposes whenever a request arrives and its pipeline has room, so with
 * room for 4 it sends one block with everything waiting and then three
 * blocks of one transaction each, every one of which costs all replicas a
 * round of signed votes. With room for one, each block carries everything
 * that arrived during the previous block's round: batching that adapts to
 * the load. Measured on this machine (n = 4, same load): 1 → ~880 tx/s,
 * 2 → ~750, 4 → ~820; n = 7: 1 → ~410, 2 → ~390. Blocks stay under 1000
 * txs (maxBlockTxs) at these rates; the other values are the defaults.
 */
export const BENCH_PARAMS: Partial<GenesisParams> = {
  maxBlockTxs: 1_000,
  pipelineBlocks: 1,
  checkpointBlocks: 32,
  watermarkBlocks: 128,
  maxPendingTxs: 50_000,
};

/** Knobs for experiments (the suite uses the defaults). */
export type L1Tuning = { params: Partial<GenesisParams>; maxOutstanding: number | null };
const DEFAULT_TUNING: L1Tuning = { params: BENCH_PARAMS, maxOutstanding: null };

export type Timing = { warmupMs: number; windowMs: number };

type Batch = { body: string; hashes: string[] };

export type Lane = { url: string; batches: Batch[]; next: number };


// ------------------------------------------------------------------- HTTP

/** Network errors retried: a keep-alive connection the server just closed shows up as ECONNRESET. */
const GET_ATTEMPTS = 3;

/** A GET, retried on network errors; any status is an answer. */
async function getAnswer(url: string): Promise<HttpAnswer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request('GET', url);
    } catch (error) {
      if (attempt >= GET_ATTEMPTS) throw new BenchFailure(`bench --l1: GET ${url} failed ${attempt} times`, { cause: error });
      await sleep(50 * attempt);
    }
  }
}

async function getJson<T>(url: string): Promise<T> {
  const { status, text } = await getAnswer(url);
  check(status >= 200 && status < 300, `GET ${url} answered ${status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

type Status = { height: number; view: number; stateRoot: string; pendingTxs: number };
type Account = { balance: string; nonce: number };
/** GET /v1/blocks/:height/results: the ids and codes alone, a few percent of the whole block for the observed replica to write. */
type BlockResults = { height: number; results: { hash: string; code: string }[] };

// ------------------------------------------------------------------- load

/**
 * Signs `perAccount` transfers from every account (account i pays 1 to
 * account i+1), and lays them out in lanes: account i goes to replica i mod n,
 * and a lane's batches take the accounts' nonces in rounds.
 */
export function prepareLanes(keys: readonly KeyPair[], perAccount: number, urls: readonly string[], batchTxs: number): Lane[] {
  const signed: SignedTx[][] = keys.map((key, index) =>
    Array.from({ length: perAccount }, (_, nonce) =>
      signTx(
        fastSecp256k1,
        { type: 'transfer', chainId: CHAIN_ID, from: key.address, nonce, to: keys[(index + 1) % keys.length]!.address, amount: 1n },
        [key],
      ),
    ),
  );
  return urls.map((url, lane) => {
    const accountIds = keys.map((_, index) => index).filter((index) => index % urls.length === lane);
    const ordered: SignedTx[] = [];
    for (let nonce = 0; nonce < perAccount; nonce++) for (const id of accountIds) ordered.push(signed[id]![nonce]!);
    const batches: Batch[] = [];
    for (let offset = 0; offset < ordered.length; offset += batchTxs) {
      const txs = ordered.slice(offset, offset + batchTxs);
      batches.push({ body: JSON.stringify(txs.map(signedTxToWire)), hashes: txs.map(txHash) });
    }
    return { url, batches, next: 0 };
  });
}

/** Follows the chain at one replica: every committed tx hash with the time it was first seen. */
class CommitObserver {
  readonly committedAtMs = new Map<string, number>();
  readonly rejected: { hash: string; code: string }[] = [];
  height = 0;
  private stopped = false;
  private failure: unknown = null;
  private waiters: (() => void)[] = [];
  private loop: Promise<void> | null = null;

  constructor(private readonly url: string) {}

  start(): void {
    this.loop = this.run().catch((error: unknown) => {
      this.failure = error;
      this.wakeAll();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.throwIfFailed();
  }

  /** Rethrows what stopped the observer, if anything did. */
  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }

  /** Resolves at the next observed commit (or after `maxMs`); throws if the observer failed. */
  async progressed(maxMs: number): Promise<void> {
    this.throwIfFailed();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.throwIfFailed();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const url = `${this.url}/v1/blocks/${this.height + 1}/results?waitMs=${OBSERVE_WAIT_MS}`;
      const askedMs = performance.now();
      const answer = await getAnswer(url);
      if (answer.status === 404) {
        // Not executed within the wait: ask again (pausing if the answer came at once, so nothing spins).
        if (performance.now() - askedMs < OBSERVE_WAIT_MS / 2) await sleep(20);
        continue;
      }
      check(answer.status === 200, `GET ${url} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      const view = JSON.parse(answer.text) as BlockResults;
      const seenMs = performance.now();
      for (const result of view.results) {
        if (result.code === 'OK') this.committedAtMs.set(result.hash, seenMs);
        else this.rejected.push(result);
      }
      this.height += 1;
      this.wakeAll();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where /proc is missing. */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted after the ") " that ends the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat; null where it is missing. */
function machineCpuSeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    const busy = fields.slice(0, 8).reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
    return busy / 100;
  } catch {
    return null;
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index]!;
}

// ------------------------------------------------------------------- one network

export async function runL1Network(
  replicas: number,
  ceilingTxPerSec: number,
  timing: Timing,
  progress: (line: string) => void,
  tuning: Partial<L1Tuning> = {},
): Promise<{ result: L1NetworkResult; details: L1RunDetails }> {
  const { params, maxOutstanding: outstandingOverride } = { ...DEFAULT_TUNING, ...tuning };
  const tag = `l1 n=${replicas}`;
  const network = await L1Network.create({ replicas, accounts: ACCOUNTS, balance: INITIAL_BALANCE, params, nodeArgs: REPLICA_NODE_ARGS });
  try {
    const keys = network.layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
    const maxOutstanding = outstandingOverride ?? MAX_OUTSTANDING_TXS;
    // Each lane (replica) gets a couple of batches of it.
    const batchTxs = Math.max(10, Math.min(MAX_BATCH_TXS, Math.floor(maxOutstanding / (2 * replicas))));
    // Enough for the ceiling's rate over warm-up and window, with room: the
    // window ends early (and says so) if a lane runs dry.
    const perAccount = Math.ceil((ceilingTxPerSec * 1.25 * (timing.warmupMs + timing.windowMs)) / 1000 / ACCOUNTS + maxOutstanding / ACCOUNTS) + 4;
    check(perAccount <= 1_000_000, 'too many transactions per account');
    progress(`${tag}: signing ${formatRate(perAccount * ACCOUNTS)} transfers from ${ACCOUNTS} accounts (before the network starts)`);
    let started = performance.now();
    const lanes = prepareLanes(keys, perAccount, network.urls, batchTxs);
    progress(`${tag}:   signed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    progress(`${tag}: starting ${replicas} replica processes`);
    await network.startAll();
    const observerId = replicas - 1; // a backup in view 0
    const observerUrl = network.urls[observerId]!;
    const observer = new CommitObserver(observerUrl);
    observer.start();

    const submittedAtMs = new Map<string, number>();
    let submitted = 0;
    let stopSubmitting = false;
    let laneExhaustedAtMs: number | null = null;
    const runLane = async (lane: Lane): Promise<void> => {
      while (!stopSubmitting && lane.next < lane.batches.length) {
        const batch = lane.batches[lane.next]!;
        if (submitted - observer.committedAtMs.size + batch.hashes.length > maxOutstanding) {
          await observer.progressed(100);
          continue;
        }
        lane.next += 1;
        submitted += batch.hashes.length;
        const sentMs = performance.now();
        for (const hash of batch.hashes) submittedAtMs.set(hash, sentMs);
        const response = await request('POST', `${lane.url}/v1/txs`, batch.body);
        check(response.status === 202, `POST ${lane.url}/v1/txs answered ${response.status}: ${response.text.slice(0, 300)}`);
      }
      if (lane.next >= lane.batches.length && laneExhaustedAtMs === null) laneExhaustedAtMs = performance.now();
    };

    const snapshotNonces = async (): Promise<{ atMs: number; total: number }> => {
      const before = performance.now();
      const accounts = await Promise.all(keys.map((key) => getJson<Account>(`${observerUrl}/v1/accounts/${key.address}`)));
      const after = performance.now();
      return { atMs: (before + after) / 2, total: accounts.reduce((sum, account) => sum + account.nonce, 0) };
    };

    progress(`${tag}: load on (closed loop, ≤ ${formatRate(maxOutstanding)} outstanding, ${batchTxs} txs per POST)`);
    const loadStartMs = performance.now();
    // Once a second: where the load stands, and each replica's height and mempool.
    const ticker = setInterval(() => {
      void Promise.all(network.urls.map((url) => getJson<Status>(`${url}/v1/status`).catch(() => null))).then((statuses) => {
        const replicasText = statuses.map((status) => (status === null ? '-' : `${status.height}/${status.pendingTxs}`)).join(' ');
        progress(
          `${tag}:   t=${((performance.now() - loadStartMs) / 1000).toFixed(1)} s committed ${observer.committedAtMs.size} ` +
            `outstanding ${submitted - observer.committedAtMs.size} view ${statuses[0]?.view ?? '-'} height/mempool ${replicasText}`,
        );
      });
    }, 1_000);
    const laneRuns = Promise.all(lanes.map((lane) => runLane(lane)));
    laneRuns.catch(() => undefined); // awaited (and rethrown) after the window
    // The warm-up counts from the first commit: until then the replicas are
    // still compiling and connecting, which says nothing about their rate.
    const firstCommitDeadline = performance.now() + FIRST_COMMIT_TIMEOUT_MS;
    while (observer.committedAtMs.size === 0) {
      check(performance.now() < firstCommitDeadline, `nothing committed within ${FIRST_COMMIT_TIMEOUT_MS} ms of the load starting`);
      await observer.progressed(100);
    }
    progress(`${tag}: first commit after ${((performance.now() - loadStartMs) / 1000).toFixed(1)} s; warm-up ${timing.warmupMs} ms`);
    await sleep(timing.warmupMs);
    observer.throwIfFailed();
    const pids = network.replicas.map((replica) => replica.process?.pid);
    const cpuFromMs = performance.now();
    const cpuStart = pids.map(processCpuSeconds);
    const clientCpuStart = process.cpuUsage();
    const machineCpuStart = machineCpuSeconds();
    const heightStart = observer.height;
    const start = await snapshotNonces();
    progress(`${tag}: window ${timing.windowMs} ms`);
    while (performance.now() - start.atMs < timing.windowMs && laneExhaustedAtMs === null) {
      await sleep(50);
      observer.throwIfFailed();
    }
    if (laneExhaustedAtMs !== null) progress(`${tag}: a lane ran out of signed transactions; the window ends early`);
    const end = await snapshotNonces();
    const windowMs = end.atMs - start.atMs;
    const cpuEnd = pids.map(processCpuSeconds);
    const clientCpu = process.cpuUsage(clientCpuStart);
    const machineCpuEnd = machineCpuSeconds();
    // CPU shares are over the interval between the two readings (a little longer than the window).
    const cpuIntervalMs = performance.now() - cpuFromMs;
    const cpuSeconds = (cpuIntervalMs / 1000) * availableParallelism();
    const heightEnd = observer.height;
    stopSubmitting = true;
    clearInterval(ticker);
    await laneRuns;

    const committedInWindow = end.total - start.total;
    const txPerSec = (committedInWindow * 1000) / windowMs;
    const latencies: number[] = [];
    for (const [hash, committedMs] of observer.committedAtMs) {
      if (committedMs < start.atMs || committedMs > end.atMs) continue;
      const sentMs = submittedAtMs.get(hash);
      if (sentMs !== undefined) latencies.push(committedMs - sentMs);
    }
    latencies.sort((a, b) => a - b);
    progress(`${tag}:   ${formatRate(txPerSec)} tx/s committed (${committedInWindow} in ${windowMs.toFixed(0)} ms), p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p99 ${percentile(latencies, 0.99).toFixed(0)} ms`);

    const replicaCpu = cpuStart.reduce<number>((sum, begin, id) => sum + ((cpuEnd[id] ?? 0) - (begin ?? 0)), 0);
    const cores = availableParallelism();
    const replicaCpuShare = replicaCpu / cpuSeconds;
    const clientCpuShare = (clientCpu.user + clientCpu.system) / 1e6 / cpuSeconds;
    // Other processes on the machine take cores from the replicas: say so, since it lowers every figure.
    const otherCpuShare =
      machineCpuStart === null || machineCpuEnd === null
        ? Number.NaN
        : Math.max(0, (machineCpuEnd - machineCpuStart) / cpuSeconds - replicaCpuShare - clientCpuShare);
    progress(
      `${tag}:   CPU during the window: replicas ${(replicaCpuShare * 100).toFixed(0)}%, bench client ${(clientCpuShare * 100).toFixed(0)}%, ` +
        `other processes ${(otherCpuShare * 100).toFixed(0)}% of ${cores} cores`,
    );
    progress(`${tag}:   replica CPU per committed transaction: ${((replicaCpu * 1000 * (windowMs / cpuIntervalMs)) / Math.max(1, committedInWindow)).toFixed(2)} ms (verification alone: ${((cores * 1000) / ceilingTxPerSec).toFixed(2)} ms)`);
    if (otherCpuShare > 0.1) progress(`${tag}:   warning: other processes used ${(otherCpuShare * 100).toFixed(0)}% of the machine during the window; the figures are low`);

    // ------------------------------------------------------------ checks
    progress(`${tag}: draining ${formatRate(submitted - observer.committedAtMs.size)} outstanding transactions`);
    const drainDeadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (observer.committedAtMs.size + observer.rejected.length < submitted) {
      check(performance.now() < drainDeadline, `${submitted - observer.committedAtMs.size} submitted transactions did not commit within ${DRAIN_TIMEOUT_MS} ms`);
      await observer.progressed(200);
    }
    await observer.stop();
    check(observer.rejected.length === 0, `${observer.rejected.length} transactions were rejected, e.g. ${JSON.stringify(observer.rejected.slice(0, 3))}`);
    for (const hash of submittedAtMs.keys()) check(observer.committedAtMs.has(hash), `submitted transaction ${hash} was never seen committed`);
    const viewChanges = await checkConverged(network.urls, keys, lanes, submittedAtMs, progress, tag);

    const result: L1NetworkResult = {
      txPerSec: Math.round(txPerSec),
      p50Ms: Math.round(percentile(latencies, 0.5)),
      p99Ms: Math.round(percentile(latencies, 0.99)),
      ceilingTxPerSec: Math.round(ceilingTxPerSec),
      ratio: Math.round((txPerSec / ceilingTxPerSec) * 100) / 100,
    };
    const details: L1RunDetails = {
      replicas,
      windowMs: Math.round(windowMs),
      committedInWindow,
      latencySamples: latencies.length,
      height: observer.height,
      blocksPerSec: ((heightEnd - heightStart) * 1000) / windowMs,
      replicaCpuShare,
      clientCpuShare,
      otherCpuShare,
      viewChanges,
    };
    started = performance.now();
    await network.stopAll();
    progress(`${tag}: replicas stopped (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    progress(`${tag}:   ${relaySummary(network.replicas.map((replica) => replica.log.join('')))}`);
    return { result, details };
  } finally {
    await network.destroy();
    closeConnections();
  }
}

/** What the replicas' compact relay did, from the stats each prints when it stops (apps/l1-node main.ts). */
function relaySummary(logs: readonly string[]): string {
  const total = { compacted: 0, expanded: 0, parked: 0, fetchedTxs: 0 };
  const persisting: string[] = [];
  for (const log of logs) {
    const line = log.split('\n').find((text) => text.includes('"event":"stopping"'));
    if (line === undefined) return 'relay: a replica did not report its stats';
    const stopping = JSON.parse(line) as { relay: typeof total; batches: { batches: number; persisted: number; persistMs: number } };
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += stopping.relay[key];
    persisting.push(`${(stopping.batches.persistMs / 1000).toFixed(1)} s/${stopping.batches.persisted}/${stopping.batches.batches}`);
  }
  return (
    `relay: ${total.compacted} proposals sent compact, ${total.expanded} rebuilt by backups, ` +
    `${total.parked} of them waited for ${total.fetchedTxs} fetched transactions; ` +
    `persisting (time/writes/batches per replica, whole run): ${persisting.join(' ')}`
  );
}

/**
 * After the drain: every replica at the same height and state root, and each
 * account's nonce and balance exactly what the submitted transfers imply.
 * Returns the view the replicas are in (how many times they changed views).
 */
async function checkConverged(
  urls: readonly string[],
  keys: readonly KeyPair[],
  lanes: readonly Lane[],
  submittedAtMs: ReadonlyMap<string, number>,
  progress: (line: string) => void,
  tag: string,
): Promise<number> {
  const deadline = performance.now() + CONVERGE_TIMEOUT_MS;
  let statuses: Status[];
  for (;;) {
    statuses = await Promise.all(urls.map((url) => getJson<Status>(`${url}/v1/status`)));
    const agree = statuses.every((status) => status.height === statuses[0]!.height && status.stateRoot === statuses[0]!.stateRoot);
    if (agree && statuses.every((status) => status.pendingTxs === 0)) break;
    check(
      performance.now() < deadline,
      `replicas did not converge: ${JSON.stringify(statuses.map((status) => [status.height, status.stateRoot.slice(0, 12), status.pendingTxs]))}`,
    );
    await sleep(100);
  }
  // Transfers sent per account: lanes submit whole batches, so count what left.
  const sentBy = new Map<string, number>();
  for (const lane of lanes) {
    for (const batch of lane.batches.slice(0, lane.next)) {
      for (const wire of JSON.parse(batch.body) as { body: { from: string } }[]) sentBy.set(wire.body.from, (sentBy.get(wire.body.from) ?? 0) + 1);
    }
  }
  let total = 0;
  for (const [index, url] of urls.entries()) {
    const accounts = await Promise.all(keys.map((key) => getJson<Account>(`${url}/v1/accounts/${key.address}`)));
    accounts.forEach((account, id) => {
      const sent = sentBy.get(keys[id]!.address) ?? 0;
      const received = sentBy.get(keys[(id + keys.length - 1) % keys.length]!.address) ?? 0;
      check(account.nonce === sent, `replica ${index}: account ${id} has nonce ${account.nonce}, but ${sent} transfers were sent from it`);
      const expected = INITIAL_BALANCE - BigInt(sent) + BigInt(received);
      check(BigInt(account.balance) === expected, `replica ${index}: account ${id} holds ${account.balance}, expected ${expected}`);
      if (index === 0) total += sent;
    });
  }
  check(total === submittedAtMs.size, `nonces add up to ${total}, but ${submittedAtMs.size} transfers were submitted`);
  const hashes = [...submittedAtMs.keys()];
  const sample = Array.from({ length: SPOT_CHECKS }, (_, index) => hashes[Math.floor(((index + 0.5) * hashes.length) / SPOT_CHECKS)]!);
  for (const url of urls) {
    for (const hash of sample) {
      const status = await getJson<{ status: string }>(`${url}/v1/txs/${hash}`);
      check(status.status === 'committed', `${url}: transaction ${hash} is ${status.status}, not committed`);
    }
  }
  progress(
    `${tag}: checked: ${urls.length} replicas at height ${statuses[0]!.height}, root ${statuses[0]!.stateRoot.slice(0, 16)}…, ${formatRate(total)} transfers, nonces and balances exact`,
  );
  // Not a failure (the network recovered), but the figures then include a view change.
  const view = Math.max(...statuses.map((status) => status.view));
  if (view > 0) progress(`${tag}:   warning: the replicas changed views during the run (now in view ${view}); a backup suspected the primary`);
  return view;
}

// ------------------------------------------------------------------- suite

export async function runL1Bench(options: L1BenchOptions): Promise<{ result: L1BenchResult; details: L1RunDetails[]; verifyPerSec: number }> {
  const timing: Timing = options.quick ? { warmupMs: 2_000, windowMs: 6_000 } : { warmupMs: 4_000, windowMs: 20_000 };
  const cores = availableParallelism();
  // Measured before any replica runs, so the machine is otherwise idle.
  const verifyPerSec = measureFastVerifyPerSec({ quick: options.quick, progress: options.progress }, 'l1');
  const ceiling = (replicas: number) => (cores * verifyPerSec) / replicas;
  options.progress(`l1: ceiling = ${cores} cores × ${formatRate(verifyPerSec)} verify/s ÷ n: n=4 ${formatRate(ceiling(4))} tx/s, n=7 ${formatRate(ceiling(7))} tx/s`);
  const n4 = await runL1Network(4, ceiling(4), timing, options.progress);
  const n7 = await runL1Network(7, ceiling(7), timing, options.progress);
  return { result: { n4: n4.result, n7: n7.result }, details: [n4.details, n7.details], verifyPerSec };
}

export function formatL1Report(report: { result: L1BenchResult; details: L1RunDetails[]; verifyPerSec: number }): string {
  const rows = [report.result.n4, report.result.n7].map((entry, index) => {
    const details = report.details[index]!;
    return [
      `n=${details.replicas}`,
      formatRate(entry.txPerSec),
      String(entry.p50Ms),
      String(entry.p99Ms),
      formatRate(entry.ceilingTxPerSec),
      entry.ratio.toFixed(2),
      details.blocksPerSec.toFixed(1),
      `${(details.replicaCpuShare * 100).toFixed(0)}% / ${(details.clientCpuShare * 100).toFixed(0)}%`,
    ];
  });
  return [
    `l1 (real replica processes on 127.0.0.1; ${availableParallelism()} cores; ${ACCOUNTS} accounts; closed loop, ≤ ${MAX_OUTSTANDING_TXS} txs outstanding; window ${report.details[0]!.windowMs} ms)`,
    `ceiling = cores × ${formatRate(report.verifyPerSec)} ${fastSecp256k1.name} verify/s (distinct keys) ÷ n; params ${JSON.stringify(BENCH_PARAMS)}`,
    formatTable(['replicas', 'tx/s', 'p50 ms', 'p99 ms', 'ceiling tx/s', 'ratio', 'blocks/s', 'CPU replicas/client'], rows),
  ].join('\n');
}

