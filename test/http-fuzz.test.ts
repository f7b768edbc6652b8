// Proves that every HTTP endpoint of the real processes — an L1 replica, a
// channel member (the sequencer and the other member of a 2-member star), the
// watchtower and the dashboard, their operator endpoints (health, readiness,
// metrics, OpenAPI) and unknown paths included — answers hostile input with a 2xx or a 4xx
// carrying the error body of DESIGN §6 (a registered code with its status),
// never a 5xx, never no answer, never a secret key; that no process dies; and
// that the state of every replica, member and watchtower (balances, nonces,
// channel records, mempools, certificates, signed versions, wedge and close
// flags, pending payments) is exactly what it was after everything refused.
// At least WEDGE_FUZZ_CASES (default 1,000) cases per endpoint, drawn by
// fast-check from a seed printed on failure (WEDGE_FUZZ_SEED replays one):
// random JSON shapes, raw bytes, wrong media types and encodings (gzip bombs
// among them), boundary and huge numbers, long and odd strings, __proto__ and
// constructor keys, deep nesting, oversized bodies, bad, high-S and replayed
// signatures, wrong chain ids, and valid-looking transactions, payments,
// envelopes, certificates and forms with one field off. Last, the two member
// endpoints that take no input (wedge, close) get anything at all: they act,
// and must still answer well and keep the process up.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import { fromHex, toHex } from '@wedge/common';
import { keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { signTx, type SignedTx } from '@wedge/ledger';
import type { Payment } from '@wedge/channel';
import { readKeyFile } from '../apps/l1-node/src/key-file.ts';
import { DashboardProcess } from '../apps/dashboard/test/support/dashboard-process.ts';
import { dashboardEndpoints } from './support/fuzz-dashboard-cases.ts';
import { l1Endpoints, type EndpointCases, type L1FuzzContext } from './support/fuzz-l1-cases.ts';
import { memberActionEndpoints, memberEndpoints, watchtowerEndpoints, type L2FuzzContext } from './support/fuzz-l2-cases.ts';
import { fuzzEndpoint, type FuzzSummary } from './support/fuzz-runner.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, WatchtowerProcess, accountKeys, eventually } from './support/l2-network.ts';
import { closeRawAgents } from './support/raw-http.ts';
import { stateFingerprint } from './support/state-fingerprint.ts';

const CASES = Number(process.env.WEDGE_FUZZ_CASES ?? 1_000);
const SEED = Number(process.env.WEDGE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Requests in flight per endpoint: enough to keep a server busy on two cores, well under its waiting bounds. */
const CONCURRENCY = 16;
const DEPOSIT = 1_000_000n;

let network: L1Network;
let client: WedgeClient;
let channel: L2Channel;
let watchtower: WatchtowerProcess;
let dashboard: DashboardProcess;
let l1Context: L1FuzzContext;
let l2Context: L2FuzzContext;
let secrets: string[];
const summaries: FuzzSummary[] = [];

async function committedPayment(payment: Payment): Promise<Payment> {
  await channel.client(0).pay(payment);
  return payment;
}

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 4, balance: 1_000_000_000n, params: { idleBlockMs: 100 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  const keys = accountKeys(network);
  const [sender, other] = keys as [KeyPair, KeyPair];
  // One committed transfer, so that replays have something to replay.
  const transfer: SignedTx = signTx(fastSecp256k1, { type: 'transfer', chainId: network.genesis.chainId, from: sender.address, nonce: 0, to: other.address, amount: 10n }, [sender]);
  const [committedHash] = await client.submit(transfer);
  await client.waitForFinality(committedHash!, { timeoutMs: 30_000 });

  watchtower = await WatchtowerProcess.create(network);
  await watchtower.start();
  channel = await L2Channel.open(network, client, { keys: keys.slice(2, 4), deposits: [DEPOSIT, DEPOSIT], topology: 'star', challengeBlocks: 20, watchtowerUrl: watchtower.url });
  await channel.startAll();
  await watchtower.client.watch(channel.id);
  const committed = await committedPayment(channel.payment(0, 1, 7n));
  await committedPayment(channel.payment(1, 0, 3n));
  await committedPayment(channel.payment(0, 1, 11n));
  const view = await channel.client(0).channel();
  const latestVersion = view.latest.state.version;
  await eventually('the watchtower holds the latest certificate', async () => ((await watchtower.client.channel(channel.id)).best?.state.version === latestVersion ? true : undefined));
  const statuses = await network.converged();

  const replicaKeys = network.layout.replicas.map((replica) => readKeyFile(replica.keyPath).secretKey);
  l1Context = {
    chainId: network.genesis.chainId,
    sender,
    senderNonce: 1,
    senderBalance: (await client.getAccount(sender.address)).balance,
    other,
    committedHash: committedHash!,
    channelId: channel.id,
    replicaSecretKeys: replicaKeys,
    replicaPublicKeys: network.genesis.replicas.map((replica) => replica.publicKey),
    height: statuses[0]!.height,
  };
  l2Context = {
    chainId: network.genesis.chainId,
    channelId: channel.id,
    keys: channel.keys,
    deposits: channel.deposits,
    committed,
    latest: await channel.client(0).state(latestVersion),
    older: await channel.client(0).state(latestVersion - 1),
  };
  secrets = [...replicaKeys, ...keys.map((key) => key.secretKey), watchtower.account.secretKey].map((secret) => toHex(secret));

  // The dashboard holds member 0's key only, so a pay form from member 1 is refused (NO_KEY).
  const dir = join(network.dir, 'dashboard');
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'keys', 'member-0.key'), `${JSON.stringify({ id: 0, secretKey: toHex(channel.keys[0]!.secretKey) })}\n`, { mode: 0o600 });
  const config = { genesisPath: network.layout.genesisPath, replicas: network.urls, channels: [{ id: channel.id, memberUrls: channel.members.map((member) => member.url), watchtowerUrl: watchtower.url, memberKeyFiles: ['member-0.key', null] }], keysDir: 'keys' };
  writeFileSync(join(dir, 'dashboard.json'), JSON.stringify(config));
  dashboard = await DashboardProcess.start(join(dir, 'dashboard.json'));
}, 180_000);

afterAll(async () => {
  closeRawAgents();
  await dashboard?.stop();
  await Promise.all([channel?.killAll(), watchtower?.kill()]);
  await network?.destroy();
  if (process.env.WEDGE_FUZZ_REPORT === '1') for (const summary of summaries) console.info(summary.endpoint, summary.cases, JSON.stringify(summary.byStatus));
});

function fingerprint(): Promise<unknown> {
  return stateFingerprint({
    replicaUrls: network.urls,
    addresses: [...network.layout.accounts.map((account) => account.address), watchtower.account.address],
    channelIds: [channel.id],
    memberUrls: channel.members.map((member) => member.url),
    watchtowerUrl: watchtower.url,
  });
}

/** Names of the processes that are not running (any that died under the fuzz); the dashboard, whose child the test cannot see, by asking it. */
async function deadProcesses(): Promise<string[]> {
  const dead = network.replicas.filter((replica) => replica.process === null).map((replica) => `replica ${replica.id}`);
  for (const process of [...channel.members, watchtower]) if (process.process === null) dead.push(`${process.name} (${process.lastExit})`);
  const dashboardAnswers = await fetch(`${dashboard.url}api/state`).then((response) => response.ok, () => false);
  if (!dashboardAnswers) dead.push(`dashboard: ${dashboard.log.join('').slice(-1_000)}`);
  return dead;
}

async function fuzzAll(server: string, url: string, endpoints: readonly EndpointCases[], cases = CASES): Promise<void> {
  for (const endpoint of endpoints) {
    const summary = await fuzzEndpoint({ server, url, endpoint, cases, seed: SEED, concurrency: CONCURRENCY, secrets });
    summaries.push(summary);
    expect(summary.findings.slice(0, 5), `seed ${SEED}: ${summary.endpoint}`).toEqual([]);
    expect(await deadProcesses(), `seed ${SEED}: after ${summary.endpoint}`).toEqual([]);
  }
}

/** Runs the fuzz and checks that it changed nothing: the fingerprint after (once the mempools are empty again) equals the one before. */
async function fuzzChangesNothing(run: () => Promise<void>): Promise<void> {
  const before = await fingerprint();
  await run();
  // Anything wrongly admitted would show as pending, or be committed within a few blocks.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(await fingerprint(), `seed ${SEED}`).toEqual(before);
}

describe(`HTTP fuzzing of every endpoint (seed ${SEED}, ${CASES} cases each)`, () => {
  it('replica: every answer a 2xx or a registered 4xx, nothing changes', async () => {
    await fuzzChangesNothing(() => fuzzAll('replica 0', network.urls[0]!, l1Endpoints(l1Context, 0)));
  });

  it('members: every answer a 2xx or a registered 4xx, nothing changes', async () => {
    await fuzzChangesNothing(async () => {
      // Half of each endpoint's cases to the sequencer, half to the other member (peer envelopes as from the other one).
      await fuzzAll('member 0', channel.members[0]!.url, memberEndpoints(l2Context, 0), Math.ceil(CASES / 2));
      await fuzzAll('member 1', channel.members[1]!.url, memberEndpoints(l2Context, 1), Math.ceil(CASES / 2));
    });
  });

  it('watchtower: every answer a 2xx or a registered 4xx, nothing changes', async () => {
    await fuzzChangesNothing(() => fuzzAll('watchtower', watchtower.url, watchtowerEndpoints(l2Context)));
  });

  it('dashboard: every answer a 2xx or a registered 4xx, nothing changes', async () => {
    const latestVersion = l2Context.latest.state.version;
    await fuzzChangesNothing(() => fuzzAll('dashboard', dashboard.url, dashboardEndpoints({ channelId: channel.id, members: 2, keyed: [0], latestVersion })));
  });

  it('member wedge and close with any input: answers stay 2xx or registered 4xx, the member stays up', async () => {
    await fuzzAll('member 1', channel.members[1]!.url, memberActionEndpoints());
    expect((await channel.client(1).channel()).channelId).toBe(channel.id);
  });
});
