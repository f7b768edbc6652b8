// The scale benchmark (issue 15): how Wedge's costs grow with the replica
// set, the number of open channels and the channel group — from the
// deterministic simulator (packages/sim/src/scale), in virtual time, so
// nothing here is timed: messages, their bytes and signature checks are
// counted, latency is in network delays (every message takes exactly one).
// The figures are the same on every machine and every run.
//
// Bytes are the JSON the processes send (apps/l1-node tagged-json.ts with
// proposals as transaction hashes, apps/l2-node wire.ts), without HTTP and
// envelope framing. The L1 runs use the genesis defaults a user gets
// (DEFAULT_PARAMS: blocks of up to 1,000 transactions, 4 in flight,
// checkpoints every 32 blocks).
import { mkdirSync, writeFileSync } from 'node:fs';
import { DEFAULT_PARAMS } from '../../apps/l1-node/src/genesis-tool.ts';
import { stringifyMessage } from '../../apps/l1-node/src/tagged-json.ts';
import { memberMessageToWire } from '../../apps/l2-node/src/wire.ts';
import type { MemberMessage } from '@wedge/channel';
import { runChannelScale, type ChannelScaleFigures } from '../../packages/sim/src/scale/channel-scale.ts';
import { runL1Scale, type L1ScaleFigures } from '../../packages/sim/src/scale/l1-scale.ts';
import { runLedgerScale, type LedgerScaleFigures } from '../../packages/sim/src/scale/ledger-scale.ts';
import { round2 } from '../../packages/sim/src/scale/summary.ts';
import { markdownTable } from './results.ts';
import { renderSvg } from './svg-plot.ts';

export type ScaleBenchOptions = { quick: boolean; progress: (line: string) => void };

type L1Row = L1ScaleFigures & {
  /** Submit -> commit with two senders, a transfer each in flight (no queueing), in network delays. */
  readonly idleLatencyDelays: { readonly p50: number; readonly max: number };
  /** Checks per transaction per replica if every block were full (maxBlockTxs): tx checks + vote checks per block / maxBlockTxs. Projected, not measured. */
  readonly verifiesPerTxPerReplicaFullBlocks: number;
};

export type ScaleResult = {
  readonly delayMs: number;
  readonly l1: readonly L1Row[];
  readonly channels: { readonly ledger: readonly LedgerScaleFigures[]; readonly settleCostRatio: number };
  readonly channel: { readonly star: readonly ChannelScaleFigures[]; readonly chain: readonly ChannelScaleFigures[] };
};

const REPLICAS = [4, 7, 16, 31];
const OPEN_CHANNELS = [10, 100, 1_000, 10_000];
/** The channel core and L1 allow 2..16 members (MAX_CHANNEL_MEMBERS): f+1 <= 16. */
const MEMBERS = [2, 3, 5, 8, 12, 16];
const DELAY_MS = 10;
/** The plot the README embeds; a --quick run writes its own beside it. */
export const SCALE_SVG = 'bench/scale.svg';
const QUICK_SCALE_SVG = 'bench/scale.quick.svg';

const encoder = new TextEncoder();
const l1Bytes = (message: unknown): number => encoder.encode(stringifyMessage(message)).length;
const l2Bytes = (message: unknown): number => encoder.encode(JSON.stringify(memberMessageToWire(message as MemberMessage))).length;


export function runScaleBench(options: ScaleBenchOptions): { result: ScaleResult } {
  const { progress, quick } = options;
  const consensus = { ...DEFAULT_PARAMS };
  const load = quick ? { accounts: 100, loadMs: 1_000 } : { accounts: 200, loadMs: 2_000 };
  const l1: L1Row[] = REPLICAS.map((replicas) => {
    progress(`scale: l1 n=${replicas}: ${load.accounts} senders for ${load.loadMs} ms (virtual), one network delay ${DELAY_MS} ms`);
    const loaded = runL1Scale({ replicas, ...load, delayMs: DELAY_MS, consensus, bytesOf: l1Bytes });
    const idle = runL1Scale({ replicas, accounts: 2, loadMs: 1_000, delayMs: DELAY_MS, consensus, bytesOf: l1Bytes });
    const full = loaded.txVerifiesPerTxPerReplica + loaded.voteVerifiesPerBlockPerReplica / consensus.maxBlockTxs;
    progress(`scale: l1 n=${replicas}: ${loaded.committedTxs} txs in ${loaded.blocks} blocks, ${loaded.msgsPerTxPerReplica} msgs and ${loaded.verifiesPerTxPerReplica} checks per tx per replica`);
    return { ...loaded, idleLatencyDelays: idle.latencyDelays, verifiesPerTxPerReplicaFullBlocks: round2(full) };
  });
  const ledger = OPEN_CHANNELS.map((channels) => {
    progress(`scale: ledger with ${channels.toLocaleString('en-US')} open channels`);
    return runLedgerScale(channels);
  });
  const states = quick ? 16 : 64;
  const channel = { star: [] as ChannelScaleFigures[], chain: [] as ChannelScaleFigures[] };
  for (const topology of ['star', 'chain'] as const) {
    for (const members of MEMBERS) {
      progress(`scale: channel, ${topology} of ${members} members, ${states} states`);
      channel[topology].push(runChannelScale({ members, topology, states, delayMs: DELAY_MS, bytesOf: l2Bytes }));
    }
  }
  const settleCostRatio = round2(ledger.at(-1)!.settleRecordsTouched / ledger[0]!.settleRecordsTouched);
  const result: ScaleResult = { delayMs: DELAY_MS, l1, channels: { ledger, settleCostRatio }, channel };
  const svg = quick ? QUICK_SCALE_SVG : SCALE_SVG;
  mkdirSync('bench', { recursive: true });
  writeFileSync(svg, scaleSvg(result));
  progress(`scale: wrote ${svg}`);
  return { result };
}

// ------------------------------------------------------------------ growth

/** The growth the issue asks to see, each as a sentence with its figures. */
export function scaleFindings(result: ScaleResult): string[] {
  const first = result.l1[0]!;
  const last = result.l1.at(-1)!;
  const txChecks = [...new Set(result.l1.map((row) => row.txVerifiesPerTxPerReplica))];
  const perN = result.l1.map((row) => `${(row.msgsPerTxPerReplica / row.n).toFixed(3)}`).join(', ');
  const consensus = result.l1.map((row) => `${row.consensusMsgsPerBlockPerReplica} (2(n-1) = ${2 * (row.n - 1)})`).join(', ');
  const ledger = result.channels.ledger;
  return [
    `Transaction signature checks per transaction per replica: ${txChecks.join(', ')} at n = ${result.l1.map((row) => row.n).join(', ')} — constant in n (each replica checks each transaction once).`,
    `Vote checks are per block: ${result.l1.map((row) => row.voteVerifiesPerBlockPerReplica).join(', ')} per block per replica, O(n); per transaction that is O(n / txs per block): all checks ${first.verifiesPerTxPerReplica} -> ${last.verifiesPerTxPerReplica} per tx per replica at this load (${first.txsPerBlock}-${last.txsPerBlock} txs a block), ${first.verifiesPerTxPerReplicaFullBlocks} -> ${last.verifiesPerTxPerReplicaFullBlocks} with full ${DEFAULT_PARAMS.maxBlockTxs.toLocaleString('en-US')}-tx blocks (projected).`,
    `Messages per transaction per replica grow as O(n) (PBFT's all-to-all prepare and commit, n-1 peers each), not faster: divided by n they are ${perN}; consensus messages per block per replica ${consensus}; in all O(n²) per block.`,
    `One channel.settle touches ${ledger[0]!.settleRecordsTouched} ledger records at ${ledger[0]!.channels} open channels and ${ledger.at(-1)!.settleRecordsTouched} at ${ledger.at(-1)!.channels.toLocaleString('en-US')}: ${result.channels.settleCostRatio}x (within 2x). The state root is one hash over the whole state: ${ledger.at(-1)!.stateRootBytesHashed.toLocaleString('en-US')} bytes at ${ledger.at(-1)!.channels.toLocaleString('en-US')} channels, O(channels), once per checkpoint (${DEFAULT_PARAMS.checkpointBlocks} blocks).`,
    `A channel state costs every member one signature and k-1 checks (O(k) per member, O(k²) in all); star latency stays ${result.channel.star.at(-1)!.latencyDelays.p50} delays at any k, chain latency grows as k+1 (${result.channel.chain.map((row) => row.latencyDelays.p50).join(', ')} delays at k = ${MEMBERS.join(', ')}).`,
  ];
}

// ------------------------------------------------------------------ tables

const number = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function scaleMarkdown(result: ScaleResult): string {
  const l1 = markdownTable(
    ['n', 'f', 'txs/block', 'msgs/tx (all)', 'msgs/tx/replica', 'consensus msgs/block/replica', 'bytes/tx/replica', 'tx sig checks/tx/replica', 'vote checks/block/replica', 'checks/tx/replica', 'checks/tx/replica, full blocks (projected)', 'latency idle / loaded p50 (delays)'],
    result.l1.map((row) => [
      String(row.n),
      String(row.f),
      number(row.txsPerBlock),
      number(row.msgsPerTx),
      number(row.msgsPerTxPerReplica),
      number(row.consensusMsgsPerBlockPerReplica),
      number(row.bytesPerTxPerReplica),
      number(row.txVerifiesPerTxPerReplica),
      number(row.voteVerifiesPerBlockPerReplica),
      number(row.verifiesPerTxPerReplica),
      number(row.verifiesPerTxPerReplicaFullBlocks),
      `${row.idleLatencyDelays.p50} / ${row.latencyDelays.p50}`,
    ]),
  );
  const ledger = markdownTable(
    ['open channels', 'accounts', 'L1 state (bytes)', 'state root: bytes hashed', 'state root: records', 'one settle: records touched', 'one settle: sig checks'],
    result.channels.ledger.map((row) => [number(row.channels), number(row.accounts), number(row.stateBytes), number(row.stateRootBytesHashed), number(row.stateRootRecords), number(row.settleRecordsTouched), number(row.settleVerifies)]),
  );
  const channel = markdownTable(
    ['members k', 'topology', 'msgs/state', 'bytes/state', 'signatures/state', 'state sig checks/state/member', 'payment checks/state/member', 'latency p50 (delays)'],
    (['star', 'chain'] as const).flatMap((topology) =>
      result.channel[topology].map((row) => [
        String(row.members),
        topology,
        number(row.msgsPerState),
        number(row.bytesPerState),
        number(row.signsPerState),
        number(row.verifiesPerStatePerMember),
        number(row.paymentVerifiesPerStatePerMember),
        String(row.latencyDelays.p50),
      ]),
    ),
  );
  return [
    `L1, per committed transaction (simulator, every message one network delay, genesis defaults; ${result.l1[0]!.committedTxs.toLocaleString('en-US')} transfers a run):`,
    '',
    l1,
    '',
    'L1 ledger with many open 2-member channels (work counted: records read, written or walked past; bytes hashed):',
    '',
    ledger,
    '',
    'One channel, one payment per state (member cores, every message one network delay):',
    '',
    channel,
    '',
    ...scaleFindings(result).map((line) => `- ${line}`),
  ].join('\n');
}

export function formatScaleReport(report: { result: ScaleResult }): string {
  return [`scale (deterministic simulator: counts, not timings; one network delay = ${report.result.delayMs} ms virtual)`, scaleMarkdown(report.result)].join('\n');
}

// ------------------------------------------------------------------ plot

export function scaleSvg(result: ScaleResult): string {
  const ledger = result.channels.ledger;
  return renderSvg(
    [
      {
        title: 'L1: per transaction per replica',
        xLabel: 'replicas n',
        yLabel: 'count per tx per replica',
        series: [
          { name: 'messages', points: result.l1.map((row) => [row.n, row.msgsPerTxPerReplica]) },
          { name: 'signature checks (this load)', points: result.l1.map((row) => [row.n, row.verifiesPerTxPerReplica]) },
          { name: 'tx signature checks', points: result.l1.map((row) => [row.n, row.txVerifiesPerTxPerReplica]) },
        ],
      },
      {
        title: 'L1 ledger: open channels',
        xLabel: 'open channels (log)',
        yLabel: 'work (log)',
        logX: true,
        logY: true,
        series: [
          { name: 'state root: bytes hashed', points: ledger.map((row) => [row.channels, row.stateRootBytesHashed]) },
          { name: 'one settle: records touched', points: ledger.map((row) => [row.channels, row.settleRecordsTouched]) },
        ],
      },
      {
        title: 'One channel: per state',
        xLabel: 'members k',
        yLabel: 'messages / delays',
        series: [
          { name: 'star: messages', points: result.channel.star.map((row) => [row.members, row.msgsPerState]) },
          { name: 'chain: messages', points: result.channel.chain.map((row) => [row.members, row.msgsPerState]) },
          { name: 'chain: latency (delays; star: 4)', points: result.channel.chain.map((row) => [row.members, row.latencyDelays.p50]) },
        ],
      },
    ],
    `Wedge scale, deterministic simulator (counts, not timings); L1 load ${result.l1[0]!.txsPerBlock}-${result.l1.at(-1)!.txsPerBlock} txs a block.`,
  );
}
