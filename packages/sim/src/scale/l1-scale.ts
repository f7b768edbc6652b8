// What one committed L1 transaction costs as the replica set grows: the
// real PBFT core and ledger in the deterministic simulator, every message
// delayed by exactly one network delay, no faults, a steady load of signed
// transfers. Nothing is timed: messages, their bytes and signature checks
// are counted per replica, and latency is virtual time in network delays.
//
// Where the counts come from (PBFT, Castro & Liskov, with the relay Wedge
// adds): a client's transaction reaches one replica, which relays it to the
// other n-1 (request, once per transaction); per block the primary sends a
// pre-prepare to n-1 (as the block's transaction hashes: apps/l1-node
// compact-relay.ts), each of the n-1 backups a prepare to n-1, and every
// replica a commit to n-1 — 2n(n-1) messages a block, 2(n-1) per replica,
// O(n) per replica and O(n²) in all; a checkpoint every checkpointBlocks
// blocks is n(n-1) more; the primary's heartbeat (n-1) every heartbeatMs
// while requests are pending. Each replica checks each transaction's
// signature once, and each vote it receives (n-2 prepares, n-1 commits): the
// per-transaction check is constant in n, the votes are O(n) a block and
// O(n / txs per block) a transaction.
import type { ConsensusConfig, Message } from '@wedge/consensus';
import { HONEST_RULES, type ConsensusRules } from '@wedge/consensus';
import { toHex } from '@wedge/common';
import type { SignedTx } from '@wedge/ledger';
import { L1World } from '../l1-world.ts';
import { countingScheme, emptySignatureCounts, type SignatureCounts } from './counting-scheme.ts';
import { latencySummary, round2 } from './summary.ts';
import { jsonBytes, type MessageBytes } from './wire-bytes.ts';

export type L1ScaleOptions = {
  readonly replicas: number;
  /** Senders of transfers, each with one in flight at a time (a closed loop). */
  readonly accounts: number;
  /** How long (virtual) clients send; then everything outstanding commits. */
  readonly loadMs: number;
  /** Every message's one-way delay: the latency unit. */
  readonly delayMs: number;
  /** Over the simulator's DEFAULT_CONSENSUS; the benchmark passes the genesis defaults. */
  readonly consensus: Partial<ConsensusConfig>;
  readonly bytesOf?: MessageBytes;
  readonly seed?: number;
};

export type L1ScaleFigures = {
  readonly n: number;
  readonly f: number;
  readonly committedTxs: number;
  readonly blocks: number;
  readonly txsPerBlock: number;
  /** All replica-to-replica messages of the run, per committed transaction. */
  readonly msgsPerTx: number;
  /** msgsPerTx / n: what one replica sends, on average. */
  readonly msgsPerTxPerReplica: number;
  /** Of those, the relay of the client's transaction to the other replicas (n-1 per transaction in all). */
  readonly relayMsgsPerTx: number;
  /** Pre-prepare, prepare and commit messages per block per replica: 2(n-1) in PBFT's normal case. */
  readonly consensusMsgsPerBlockPerReplica: number;
  readonly bytesPerTx: number;
  readonly bytesPerTxPerReplica: number;
  /** Signature checks of all replicas per committed transaction. */
  readonly verifiesPerTx: number;
  readonly verifiesPerTxPerReplica: number;
  /** Of those, checks of the transactions' own signatures (1 per replica when each checks each once). */
  readonly txVerifiesPerTxPerReplica: number;
  /** Checks of replica signatures (votes, heartbeats, checkpoints) per block per replica. */
  readonly voteVerifiesPerBlockPerReplica: number;
  readonly signsPerBlockPerReplica: number;
  /** Client submit -> first honest commit, in network delays. */
  readonly latencyDelays: { readonly p50: number; readonly max: number };
  readonly messagesByType: Readonly<Record<string, number>>;
  readonly viewChanges: number;
};

/** The message as the replica processes put it on the wire: a proposal as its transactions' hashes. */
function onTheWire(message: Message<SignedTx>, txHash: (tx: SignedTx) => string): unknown {
  if (message.type !== 'pre-prepare-block') return message;
  return { type: 'compact-pre-prepare', prePrepare: message.prePrepare, height: message.block.height, hashes: message.block.txs.map(txHash) };
}


export function runL1Scale(options: L1ScaleOptions): L1ScaleFigures {
  const n = options.replicas;
  const bytesOf = options.bytesOf ?? jsonBytes;
  const counts: SignatureCounts[] = Array.from({ length: n }, emptySignatureCounts);
  const replicaKeys = new Set<string>();
  const messagesByType: Record<string, number> = {};
  let messages = 0;
  let bytes = 0;
  let relays = 0;
  let consensusMessages = 0;
  let txHash: (tx: SignedTx) => string = () => '';
  // A broadcast is one message object sent to n-1 peers: sized once, as the processes serialize it once.
  const sized = new WeakMap<Message<SignedTx>, number>();
  const sizeOf = (message: Message<SignedTx>): number => {
    let size = sized.get(message);
    if (size === undefined) {
      size = bytesOf(onTheWire(message, txHash));
      sized.set(message, size);
    }
    return size;
  };
  const world = new L1World(
    {
      seed: options.seed ?? 1,
      replicas: n,
      scheme: 'stand-in',
      rules: HONEST_RULES as ConsensusRules,
      byzantine: [],
      network: { minDelayMs: options.delayMs, maxDelayMs: options.delayMs, lossProbability: 0, duplicateProbability: 0 },
      crashes: [],
      partitions: [],
      workload: { accounts: options.accounts, channels: 0, actionIntervalMs: 100, invalidProbability: 0, challengeBlocks: 30, retryMs: 60_000 },
      faultPhaseMs: options.loadMs,
      drainMs: 20_000,
      consensus: options.consensus,
    },
    {
      replicaScheme: (replica, scheme) => countingScheme(scheme, (publicKey) => !replicaKeys.has(toHex(publicKey)), counts[replica]!),
      onTransmit: (_from, _to, message) => {
        messages += 1;
        messagesByType[message.type] = (messagesByType[message.type] ?? 0) + 1;
        if (message.type === 'request') relays += 1;
        if (message.type === 'pre-prepare-block' || message.type === 'prepare' || message.type === 'commit') consensusMessages += 1;
        bytes += sizeOf(message);
      },
    },
  );
  for (const replica of world.nodes[0]!.ctx.config.replicas) replicaKeys.add(replica.publicKey);
  const app = world.nodes[0]!.ctx.app;
  txHash = (tx) => app.txHash(tx);
  const result = world.run();
  if (result.violations.length > 0) throw new Error(`l1 scale n=${n}: ${result.violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}`);
  const txs = result.executed;
  const blocks = result.committedBlocks;
  const sum = (pick: (entry: SignatureCounts) => number): number => counts.reduce((total, entry) => total + pick(entry), 0);
  const verifies = sum((entry) => entry.protocolVerifies + entry.clientVerifies);
  return {
    n,
    f: Math.floor((n - 1) / 3),
    committedTxs: txs,
    blocks,
    txsPerBlock: round2(txs / blocks),
    msgsPerTx: round2(messages / txs),
    msgsPerTxPerReplica: round2(messages / txs / n),
    relayMsgsPerTx: round2(relays / txs),
    consensusMsgsPerBlockPerReplica: round2(consensusMessages / blocks / n),
    bytesPerTx: Math.round(bytes / txs),
    bytesPerTxPerReplica: Math.round(bytes / txs / n),
    verifiesPerTx: round2(verifies / txs),
    verifiesPerTxPerReplica: round2(verifies / txs / n),
    txVerifiesPerTxPerReplica: round2(sum((entry) => entry.clientVerifies) / txs / n),
    voteVerifiesPerBlockPerReplica: round2(sum((entry) => entry.protocolVerifies) / blocks / n),
    signsPerBlockPerReplica: round2(sum((entry) => entry.signs) / blocks / n),
    latencyDelays: latencySummary(world.workload.stats.latenciesMs.map((ms) => ms / options.delayMs)),
    messagesByType,
    viewChanges: result.viewChanges,
  };
}
