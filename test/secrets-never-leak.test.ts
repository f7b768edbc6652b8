// Proves that no secret key ever leaves a process in its output or its
// answers: a run of four replicas, a 2-member star channel with a watchtower,
// the dashboard and a few CLI commands does what users do — L1 transfers and
// a refused one, payments and refused ones, a payment through the dashboard's
// form, every GET endpoint of every process, a member killed and restarted, a
// stale termination through the dashboard that the members and the
// watchtower challenge, the settlement, and a graceful stop of everything —
// and then the stdout and stderr of every process and every HTTP answer the
// test received are searched for every secret key of the run (replica,
// account, member and watchtower keys, and the MAC keys derived from them
// for L1 and channel links) as hex in any case. The scan is shown to catch a
// planted leak, lower and upper case.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import { toHex } from '@wedge/common';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { signTx } from '@wedge/ledger';
import { signedTxToWire } from '@wedge/api';
import { DashboardProcess } from '../apps/dashboard/test/support/dashboard-process.ts';
import { readKeyFile } from '../apps/l1-node/src/key-file.ts';
import { derivePeerKeys } from '../apps/l1-node/src/peer-auth.ts';
import { deriveChannelPeerKeys } from '../apps/l2-node/src/peer-auth.ts';
import { runCli, type CliRun } from '../apps/cli/test/run-cli.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, WatchtowerProcess, accountKeys, eventually } from './support/l2-network.ts';
import { findSecrets } from './support/secret-scan.ts';

const DEPOSIT = 1_000_000n;

let network: L1Network;
let client: WedgeClient;
let channel: L2Channel;
let watchtower: WatchtowerProcess;
let dashboard: DashboardProcess | undefined;
const answers: string[] = [];
const cliRuns: CliRun[] = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  // Every answer this test process receives, from any server, is kept for the scan.
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    answers.push(`${String(input instanceof Request ? input.url : input)} ${response.status} ${await response.clone().text()}`);
    return response;
  };
  network = await L1Network.create({ replicas: 4, accounts: 4, params: { idleBlockMs: 100 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  watchtower = await WatchtowerProcess.create(network);
  await watchtower.start();
  channel = await L2Channel.open(network, client, { keys: accountKeys(network).slice(2, 4), deposits: [DEPOSIT, DEPOSIT], topology: 'star', challengeBlocks: 5, watchtowerUrl: watchtower.url });
  await channel.startAll();
  await watchtower.client.watch(channel.id);
  const dir = join(network.dir, 'dashboard');
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'keys', 'member-0.key'), `${JSON.stringify({ id: 0, secretKey: toHex(channel.keys[0]!.secretKey) })}\n`, { mode: 0o600 });
  const config = { genesisPath: network.layout.genesisPath, replicas: network.urls, channels: [{ id: channel.id, memberUrls: channel.members.map((member) => member.url), watchtowerUrl: watchtower.url, memberKeyFiles: ['member-0.key', null] }], keysDir: 'keys' };
  writeFileSync(join(dir, 'dashboard.json'), JSON.stringify(config));
  dashboard = await DashboardProcess.start(join(dir, 'dashboard.json'));
}, 180_000);

afterAll(async () => {
  globalThis.fetch = realFetch;
  await dashboard?.stop();
  await Promise.all([channel?.killAll(), watchtower?.kill()]);
  await network?.destroy();
});

/** Every secret key of the run, as lowercase hex: the keys themselves and the link MAC keys derived from them. */
function secretsOfRun(): string[] {
  const replicaKeys = network.layout.replicas.map((replica) => readKeyFile(replica.keyPath).secretKey);
  const replicaPublicKeys = network.genesis.replicas.map((replica) => replica.publicKey);
  const memberPublicKeys = channel.keys.map((key) => toHex(key.publicKey));
  const macKeys = [
    ...replicaKeys.flatMap((secretKey, id) => replicaPublicKeys.map((_, peer) => derivePeerKeys(network.genesis.chainId, id, secretKey, replicaPublicKeys).macKeyFor(peer))),
    ...channel.keys.flatMap((key, self) => memberPublicKeys.map((_, peer) => deriveChannelPeerKeys(network.genesis.chainId, channel.id, self, key.secretKey, memberPublicKeys).macKeyFor(peer))),
  ].filter((key) => key !== undefined);
  return [...replicaKeys, ...accountKeys(network).map((key) => key.secretKey), watchtower.account.secretKey, ...macKeys].map((secret) => toHex(secret));
}

/** Asks every GET endpoint of every process once (the answers are scanned). */
async function readEverything(): Promise<void> {
  const height = (await client.getStatus(network.urls[0]!)).height;
  for (const url of network.urls) {
    await fetch(`${url}/v1/status`);
    for (const account of network.layout.accounts) await fetch(`${url}/v1/accounts/${account.address}`);
    await fetch(`${url}/v1/channels/${channel.id}`);
    for (let block = 1; block <= height; block++) {
      const answer = (await (await fetch(`${url}/v1/blocks/${block}`)).json()) as { results?: { hash: string }[] };
      await fetch(`${url}/v1/blocks/${block}/results`);
      for (const result of answer.results ?? []) await fetch(`${url}/v1/txs/${result.hash}`);
    }
  }
  for (const member of channel.members) {
    const view = (await (await fetch(`${member.url}/v1/channel`)).json()) as { latest: { state: { version: number } } };
    for (let version = 0; version <= view.latest.state.version; version++) await fetch(`${member.url}/v1/channel/states/${version}`);
  }
  await fetch(`${watchtower.url}/v1/channels/${channel.id}`);
  for (const path of ['', 'app.js', 'style.css', 'api/state']) await fetch(`${dashboard!.url}${path}`);
}

describe('secret keys never leave a process', () => {
  it('the scan finds a planted secret in either case', () => {
    const secret = 'ab'.repeat(16) + 'cd'.repeat(16);
    expect(findSecrets({ log: `{"secretKey":"${secret}"}` }, [secret])).toHaveLength(1);
    expect(findSecrets({ log: `key=${secret.toUpperCase()}` }, [secret])).toHaveLength(1);
    expect(findSecrets({ log: 'nothing here' }, [secret])).toEqual([]);
  });

  it('no output of any process and no answer holds a secret key, over a run that does what users do', async () => {
    const [sender, receiver] = accountKeys(network) as [ReturnType<typeof accountKeys>[number], ReturnType<typeof accountKeys>[number]];
    // L1: a transfer, and one refused (signed by the wrong key).
    await client.transfer(sender, receiver.address, 100n, { timeoutMs: 30_000 });
    const forged = signTx(fastSecp256k1, { type: 'transfer', chainId: network.genesis.chainId, from: sender.address, nonce: 1, to: receiver.address, amount: 5n }, [receiver]);
    await fetch(`${network.urls[0]}/v1/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signedTxToWire({ ...forged, body: { ...forged.body, from: sender.address } })) });
    // L2: payments, a refused one, a payment through the dashboard's form.
    for (let index = 0; index < 4; index++) await channel.client(index % 2).pay(channel.payment(index % 2, (index + 1) % 2, BigInt(10 + index)));
    await fetch(`${channel.members[0]!.url}/v1/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 0, to: 1, amount: '5', paymentId: 'ab'.repeat(32), signature: 'cd'.repeat(64) }) });
    const paid = await fetch(`${dashboard!.url}api/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channelId: channel.id, from: 0, to: 1, amount: '7' }) });
    expect(paid.status).toBe(200);
    // A member crashes and recovers from its disk.
    await channel.members[1]!.kill();
    await channel.members[1]!.start();
    await channel.client(1).pay(channel.payment(1, 0, 3n));
    await readEverything();
    // A stale termination through the dashboard: the members and the watchtower challenge, then the channel settles.
    const terminated = await fetch(`${dashboard!.url}api/terminate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channelId: channel.id, member: 0, version: 1 }) });
    expect(terminated.status, await terminated.clone().text()).toBe(200);
    await eventually('the channel settles', async () => ((await client.getChannel(channel.id)).status === 'closed' ? true : undefined), 90_000, 250);
    await readEverything();
    // The CLI, over the same network directory.
    for (const output of [['--json'], []]) {
      for (const args of [['network', 'status'], ['account', 'list'], ['account', 'new', '--name', `scan${output.length}`]]) cliRuns.push(await runCli([...args, '--dir', network.dir, ...output]));
    }
    expect(cliRuns.map((run) => run.code), cliRuns.map((run) => run.stderr).join('\n')).toEqual(cliRuns.map(() => 0));
    // A graceful stop, so that what processes print on the way out is scanned too.
    await dashboard!.stop();
    await Promise.all([...channel.members.map((member) => member.stop()), watchtower.stop()]);
    await network.stopAll();

    const sources: Record<string, string> = {};
    network.replicas.forEach((replica) => (sources[`replica ${replica.id} output`] = replica.log.join('')));
    for (const process of [...channel.members, watchtower]) sources[`${process.name} output`] = process.log.join('');
    sources['dashboard output'] = dashboard!.log.join('');
    cliRuns.forEach((run, index) => (sources[`cli run ${index}`] = `${run.stdout}\n${run.stderr}`));
    answers.forEach((answer, index) => (sources[`answer ${index}`] = answer));
    expect(answers.length).toBeGreaterThan(100);
    expect(findSecrets(sources, secretsOfRun())).toEqual([]);
  });
});
