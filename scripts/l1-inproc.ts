// A developer's harness for the L1 replica, not a benchmark of the system:
// n ReplicaNodes with their HTTP servers, SQLite stores and peer transport,
// and a closed-loop client, all in ONE thread. The real code paths run (HTTP
// on 127.0.0.1, JSON, MACs, persistence), but with no other process competing
// for the cores, the CPU per committed transaction is repeatable to ~3% from
// run to run — against ~±5% for `npm run bench -- --l1` on a shared 2-core
// machine — so A/B comparisons of a change need a few runs, not dozens. The
// absolute figures are not the network's (one heap, one JIT, one event loop
// for all replicas; see the README's benchmark section for those).
//
//   node --import tsx scripts/l1-inproc.ts [--replicas 4] [--window-ms 12000] [--warmup-ms 3000]
//        [--params '{"maxBlockTxs":1000}'] [--profile FILE.cpuprofile]
//
// Prints one JSON line: committed transactions, tx/s, CPU µs per committed
// transaction (user + system, all threads of the process, between the first
// and the last commit of the window), and every 3 s a line on stderr with the
// slice's µs/tx and heap, which shows a cost that grows as the replicas run.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fromHex } from '@wedge/common';
import { keyPairFromSecret } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { consensusConfigOf, genesisHash, ledgerGenesisOf } from '@wedge/api';
import { writeNetwork } from '../apps/l1-node/src/genesis-tool.ts';
import { HistoryBackfill } from '../apps/l1-node/src/history-backfill.ts';
import { createRequestListener } from '../apps/l1-node/src/http-api.ts';
import { readKeyFile } from '../apps/l1-node/src/key-file.ts';
import { ReplicaNode } from '../apps/l1-node/src/replica-node.ts';
import { BENCH_PARAMS, prepareLanes, type Lane } from './bench/l1.ts';
import { closeConnections, request } from './bench/http.ts';

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '4' },
    'window-ms': { type: 'string', default: '12000' },
    'warmup-ms': { type: 'string', default: '3000' },
    params: { type: 'string', default: '{}' },
    profile: { type: 'string' },
  },
});
const n = Number(values.replicas);
const windowMs = Number(values['window-ms']);
const warmupMs = Number(values['warmup-ms']);
// The bench's parameters; a long progress timeout, as one thread serving four replicas is slow to commit.
const params = { ...BENCH_PARAMS, progressTimeoutMs: 20_000, ...(JSON.parse(values.params) as object) };
const ACCOUNTS = 64;
const OUTSTANDING = 2_000;
const BATCH = 250;
/** Transactions signed per second of run: more than one thread commits. */
const SIGNED_PER_SEC = 3_500;

const servers: Server[] = [];
for (let id = 0; id < n; id++) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
}
const ports = servers.map((server) => (server.address() as { port: number }).port);
const dir = mkdtempSync(join(tmpdir(), 'wedge-l1-inproc-'));
const layout = writeNetwork({ out: dir, replicas: n, accounts: ACCOUNTS, balance: 1_000_000_000n, ports, chainId: 'wedge-test', params });
const { genesis } = layout;
const meta = { chainId: genesis.chainId, genesisHash: genesisHash(genesis) };
const nodes = layout.replicas.map((spec, id) => {
  const node = new ReplicaNode({
    ...meta,
    config: consensusConfigOf(genesis),
    replicaUrls: genesis.replicas.map((replica) => replica.url),
    ledgerGenesis: ledgerGenesisOf(genesis),
    id,
    secretKey: readKeyFile(spec.keyPath).secretKey,
    dataDir: spec.dataDir,
  });
  servers[id]!.on('request', createRequestListener(node, { ...meta, history: HistoryBackfill.forReplica(node, genesis) }));
  servers[id]!.keepAliveTimeout = 30_000;
  return node;
});

// Signed before anything is measured, laid out in lanes as the bench does (account i pays i+1, bound to replica i mod n).
const perAccount = Math.ceil((((windowMs + warmupMs) / 1000) * SIGNED_PER_SEC + OUTSTANDING) / ACCOUNTS);
const keys = layout.accounts.map((account) => keyPairFromSecret(fastSecp256k1, fromHex(account.secretKey)));
const lanes = prepareLanes(keys, perAccount, genesis.replicas.map((replica) => replica.url), BATCH);

type Mark = { committed: number; cpuUs: number; atMs: number };
const cpuNowUs = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
let committed = 0;
let submitted = 0;
let measuring = false;
const marks: Mark[] = [];
nodes[n - 1]!.onCommit(({ block }) => {
  committed += block.txs.length;
  if (measuring) marks.push({ committed, cpuUs: cpuNowUs(), atMs: performance.now() });
});
for (const node of nodes) node.start();

let stop = false;
async function runLane(lane: Lane): Promise<void> {
  while (!stop && lane.next < lane.batches.length) {
    const { body, hashes } = lane.batches[lane.next]!;
    if (submitted - committed + hashes.length > OUTSTANDING) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      continue;
    }
    lane.next += 1;
    submitted += hashes.length;
    const answer = await request('POST', `${lane.url}/v1/txs`, body);
    if (answer.status !== 202) throw new Error(`POST ${lane.url}/v1/txs: ${answer.status} ${answer.text.slice(0, 200)}`);
  }
}
const loops = lanes.map((lane) => runLane(lane));
await new Promise((resolve) => setTimeout(resolve, warmupMs));

let session: Session | null = null;
if (values.profile !== undefined) {
  session = new Session();
  session.connect();
  await new Promise<void>((resolve) => session!.post('Profiler.enable', () => session!.post('Profiler.start', () => resolve())));
}
measuring = true;
let slice = { committed, cpuUs: cpuNowUs(), seconds: 0 };
const ticker = setInterval(() => {
  const now = { committed, cpuUs: cpuNowUs(), seconds: slice.seconds + 3 };
  const txs = now.committed - slice.committed;
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  process.stderr.write(`t+${now.seconds}s: ${txs} txs, ${((now.cpuUs - slice.cpuUs) / Math.max(1, txs)).toFixed(1)} µs/tx, heap ${heapMb.toFixed(0)} MB\n`);
  slice = now;
}, 3_000);
await new Promise((resolve) => setTimeout(resolve, windowMs));
measuring = false;
clearInterval(ticker);
if (session !== null) {
  const file = values.profile!;
  await new Promise<void>((resolve) =>
    session!.post('Profiler.stop', (_error, result) => {
      writeFileSync(file, JSON.stringify(result.profile));
      resolve();
    }),
  );
}
stop = true;
const first = marks[0];
const last = marks.at(-1);
if (first === undefined || last === undefined || last === first) throw new Error('fewer than two commits in the window');
const txs = last.committed - first.committed;
const seconds = (last.atMs - first.atMs) / 1000;
console.log(
  JSON.stringify({
    replicas: n,
    txs,
    txPerSec: Math.round(txs / seconds),
    cpuUsPerTx: Number(((last.cpuUs - first.cpuUs) / txs).toFixed(1)),
    cpuShare: Number(((last.cpuUs - first.cpuUs) / 1e6 / seconds).toFixed(2)),
    height: nodes[0]!.replicaState.executed,
    views: nodes.map((node) => node.replicaState.view),
  }),
);
await Promise.allSettled(loops);
for (const node of nodes) node.stop();
for (const server of servers) {
  server.closeAllConnections();
  server.close();
}
closeConnections();
rmSync(dir, { recursive: true, force: true });
